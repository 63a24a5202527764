// Typed shims over libcurl (Debian libcurl4-openssl-dev). Only the NashraHTTP module imports this.
// curl_easy_setopt / curl_easy_getinfo are variadic: one wrapper per argument type.
#ifndef NASHRA_CCURL_SHIM_H
#define NASHRA_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*nashra_curl_write_fn)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*nashra_curl_prereq_fn)(void *clientp, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port,
                                     int conn_local_port);

static inline CURLcode nashra_curl_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode nashra_curl_setopt_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode nashra_curl_setopt_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode nashra_curl_setopt_slist(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode nashra_curl_setopt_write_function(CURL *curl, nashra_curl_write_fn fn) {
    return curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, fn);
}
static inline CURLcode nashra_curl_setopt_header_function(CURL *curl, nashra_curl_write_fn fn) {
    return curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, fn);
}
static inline CURLcode nashra_curl_setopt_prereq_function(CURL *curl, nashra_curl_prereq_fn fn) {
    return curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, fn);
}
static inline CURLcode nashra_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}
static inline CURLcode nashra_curl_getinfo_string(CURL *curl, CURLINFO info, char **value) {
    return curl_easy_getinfo(curl, info, value);
}

/// Returns 1 and the handle and result of the next finished transfer of `multi`, or 0 when none is finished
/// (curl_multi_info_read; CURLMsg's result is in a union).
static inline int nashra_curl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = curl_multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}

static const int NASHRA_CURL_PREREQFUNC_OK = CURL_PREREQFUNC_OK;
static const int NASHRA_CURL_PREREQFUNC_ABORT = CURL_PREREQFUNC_ABORT;
static const long NASHRA_CURL_PROTO_HTTP_HTTPS = CURLPROTO_HTTP | CURLPROTO_HTTPS;

#endif
