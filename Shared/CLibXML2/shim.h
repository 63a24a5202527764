// Shim over libxml2's HTML parser (Debian libxml2-dev). Only the NashraHTML module imports this.
#ifndef NASHRA_CLIBXML2_SHIM_H
#define NASHRA_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
// Debian's headers pull in ICU, whose UErrorCode clashes with Foundation's in debug builds.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/// xmlFree is a global function pointer, which Swift 6 rejects as not concurrency-safe.
static inline void nashra_xml_free(void *pointer) { xmlFree(pointer); }

static const int NASHRA_HTML_PARSE_OPTIONS =
    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;

#endif
