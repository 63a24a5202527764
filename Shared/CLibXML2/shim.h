// Shim over libxml2's HTML and XML parsers (Debian libxml2-dev). Only the NashraHTML module imports this.
#ifndef NASHRA_CLIBXML2_SHIM_H
#define NASHRA_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
// Debian's headers pull in ICU, whose UErrorCode clashes with Foundation's in debug builds.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <string.h>

/// xmlFree is a global function pointer, which Swift 6 rejects as not concurrency-safe.
static inline void nashra_xml_free(void *pointer) { xmlFree(pointer); }

static const int NASHRA_HTML_PARSE_OPTIONS =
    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;

/// libxml2 prints some errors (a byte the declared encoding cannot convert) through its generic error channel
/// whatever the options say: during a parse, this thread's channel goes nowhere (a page's faults are the page's).
static void nashra_xml_silent(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

typedef void (*nashra_start_element)(void *context, const xmlChar *name, const xmlChar **attributes);
typedef void (*nashra_end_element)(void *context, const xmlChar *name);
typedef void (*nashra_characters)(void *context, const xmlChar *characters, int length);

/// Gives `parser` a SAX handler of its own with the three callbacks and `context`: the handler is not marked
/// XML_SAX2_MAGIC, so an XML parse calls it the SAX1 way (qualified names, attributes in pairs), as HTML's does.
/// Returns 0, or -1 when no handler could be allocated.
static inline int nashra_sax_install(
    xmlParserCtxtPtr parser, void *context,
    nashra_start_element start, nashra_end_element end, nashra_characters characters)
{
    xmlSAXHandlerPtr handler = (xmlSAXHandlerPtr)xmlMalloc(sizeof(xmlSAXHandler));
    if (handler == NULL) return -1;
    memset(handler, 0, sizeof(xmlSAXHandler));
    handler->initialized = 1;
    handler->startElement = start;
    handler->endElement = end;
    handler->characters = characters;
    handler->cdataBlock = characters;
    if (parser->sax != NULL) xmlFree(parser->sax);
    parser->sax = handler;
    parser->userData = context;
    return 0;
}

/// Frees what a parse leaves (a document, if libxml2 made one) with the parser.
static inline void nashra_sax_free(xmlParserCtxtPtr parser, int html) {
    if (parser->myDoc != NULL) {
        xmlFreeDoc(parser->myDoc);
        parser->myDoc = NULL;
    }
    if (html) htmlFreeParserCtxt(parser); else xmlFreeParserCtxt(parser);
}

/// Parses an HTML document with libxml2's error-tolerant parser in SAX mode (no tree is built): elements, their
/// ends (implied ones included) and text go to the callbacks with `context`. `encoding` may be NULL (the
/// parser then reads the page's own declaration). Returns 0, or -1 when no parser could be made.
static inline int nashra_html_sax_parse_loud(
    const char *buffer, int size, const char *encoding, void *context,
    nashra_start_element start, nashra_end_element end, nashra_characters characters)
{
    htmlParserCtxtPtr parser = htmlCreateMemoryParserCtxt(buffer, size);
    if (parser == NULL) return -1;
    if (nashra_sax_install(parser, context, start, end, characters) != 0) {
        htmlFreeParserCtxt(parser);
        return -1;
    }
    if (encoding != NULL) {
        xmlCharEncodingHandlerPtr converter = xmlFindCharEncodingHandler(encoding);
        if (converter != NULL) xmlSwitchToEncoding(parser, converter);
    }
    htmlCtxtUseOptions(parser, NASHRA_HTML_PARSE_OPTIONS);
    htmlParseDocument(parser);
    nashra_sax_free(parser, 1);
    return 0;
}

/// No network, no entity expansion (an entity defined in the document is dropped, so a "billion laughs" costs
/// nothing), recovery from errors as a browser would, and no error object made or printed for each error.
static const int NASHRA_XML_PARSE_OPTIONS =
    XML_PARSE_RECOVER | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NONET | XML_PARSE_COMPACT;

/// Parses an XML document (a feed, a sitemap, an OPML file) in SAX mode with the same callbacks as the HTML parse:
/// names as written, prefixes included (`atom:link`), attributes as name/value pairs. libxml2 reads the encoding
/// from the BOM or the XML declaration (windows-1256 included). Returns 0 for a well-formed document, 1 when errors
/// were recovered from, -1 when no parser could be made.
static inline int nashra_xml_sax_parse_loud(
    const char *buffer, int size, void *context,
    nashra_start_element start, nashra_end_element end, nashra_characters characters)
{
    xmlParserCtxtPtr parser = xmlCreateMemoryParserCtxt(buffer, size);
    if (parser == NULL) return -1;
    if (nashra_sax_install(parser, context, start, end, characters) != 0) {
        xmlFreeParserCtxt(parser);
        return -1;
    }
    xmlCtxtUseOptions(parser, NASHRA_XML_PARSE_OPTIONS);
    xmlParseDocument(parser);
    int status = parser->wellFormed ? 0 : 1;
    nashra_sax_free(parser, 0);
    return status;
}

/// The two parses with this thread's generic error channel silenced from the first byte converted to the last.
static inline int nashra_html_sax_parse(
    const char *buffer, int size, const char *encoding, void *context,
    nashra_start_element start, nashra_end_element end, nashra_characters characters)
{
    xmlGenericErrorFunc channel = xmlGenericError;
    void *channelContext = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, nashra_xml_silent);
    int status = nashra_html_sax_parse_loud(buffer, size, encoding, context, start, end, characters);
    xmlSetGenericErrorFunc(channelContext, channel);
    return status;
}

static inline int nashra_xml_sax_parse(
    const char *buffer, int size, void *context,
    nashra_start_element start, nashra_end_element end, nashra_characters characters)
{
    xmlGenericErrorFunc channel = xmlGenericError;
    void *channelContext = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, nashra_xml_silent);
    int status = nashra_xml_sax_parse_loud(buffer, size, context, start, end, characters);
    xmlSetGenericErrorFunc(channelContext, channel);
    return status;
}

#endif
