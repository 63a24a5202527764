// zlib (Debian zlib1g-dev). Only the NashraArchive module imports this.
#ifndef NASHRA_CZLIB_SHIM_H
#define NASHRA_CZLIB_SHIM_H
#include <zlib.h>
#endif
