// Shim over libxml2's HTML parser (Debian libxml2-dev). Only the NashraHTML module imports this.
#ifndef NASHRA_CLIBXML2_SHIM_H
#define NASHRA_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
// Debian's headers pull in ICU, whose UErrorCode clashes with Foundation's in debug builds.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/parserInternals.h>
#include <string.h>

/// xmlFree is a global function pointer, which Swift 6 rejects as not concurrency-safe.
static inline void nashra_xml_free(void *pointer) { xmlFree(pointer); }

static const int NASHRA_HTML_PARSE_OPTIONS =
    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;

typedef void (*nashra_start_element)(void *context, const xmlChar *name, const xmlChar **attributes);
typedef void (*nashra_end_element)(void *context, const xmlChar *name);
typedef void (*nashra_characters)(void *context, const xmlChar *characters, int length);

/// Parses an HTML document with libxml2's error-tolerant parser in SAX mode (no tree is built): elements, their
/// ends (implied ones included) and text go to the callbacks with `context`. `encoding` may be NULL (the
/// parser then reads the page's own declaration). Returns 0, or -1 when no parser could be made.
static inline int nashra_html_sax_parse(
    const char *buffer, int size, const char *encoding, void *context,
    nashra_start_element start, nashra_end_element end, nashra_characters characters)
{
    htmlParserCtxtPtr parser = htmlCreateMemoryParserCtxt(buffer, size);
    if (parser == NULL) return -1;
    htmlSAXHandlerPtr handler = (htmlSAXHandlerPtr)xmlMalloc(sizeof(htmlSAXHandler));
    if (handler == NULL) {
        htmlFreeParserCtxt(parser);
        return -1;
    }
    memset(handler, 0, sizeof(htmlSAXHandler));
    handler->initialized = 1;
    handler->startElement = start;
    handler->endElement = end;
    handler->characters = characters;
    handler->cdataBlock = characters;
    if (parser->sax != NULL) xmlFree(parser->sax);
    parser->sax = handler;
    parser->userData = context;
    if (encoding != NULL) {
        xmlCharEncodingHandlerPtr converter = xmlFindCharEncodingHandler(encoding);
        if (converter != NULL) xmlSwitchToEncoding(parser, converter);
    }
    htmlCtxtUseOptions(parser, NASHRA_HTML_PARSE_OPTIONS);
    htmlParseDocument(parser);
    if (parser->myDoc != NULL) {
        xmlFreeDoc(parser->myDoc);
        parser->myDoc = NULL;
    }
    htmlFreeParserCtxt(parser);
    return 0;
}

#endif
