import CLibXML2
import Foundation

/// One step of a document walk, in document order.
public enum HTMLEvent {
    /// An element opens. Names are lower case; attribute names too.
    case start(name: String, attributes: [String: String])
    /// Text inside the current element (not inside `script`, `style`, `noscript`, `template`, except a
    /// `<script type="application/ld+json">`, whose text is structured data; the HTML inside a
    /// `<script type="text/template">` comes as elements and text of their own, after the script's end).
    case text(String)
    /// The element opened by the matching `start` closes.
    case end(name: String)
}

/// Why a page could not be parsed.
public struct HTMLError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// HTML parsing with libxml2's error-tolerant HTML parser in SAX mode: the parser calls back for each element,
/// end and run of text, and no tree is ever built (building and freeing libxml2's tree was a third of a page's
/// parse). Implied elements and ends (`<html>`, `<body>`, an unclosed `<p>`) come as libxml2 infers them, so
/// starts and ends always pair up; depth costs nothing (no recursion on either side).
public enum HTMLDocument {
    /// Elements whose content is never text for a reader.
    static let opaque: Set<String> = ["script", "style", "noscript", "template", "svg", "math", "iframe", "object"]

    /// The attributes passed on by default: the ones Nashra reads. Skipping the rest (inline styles aside,
    /// event handlers, tracking `data-*`) saves a string pair per attribute on pages that carry dozens per element.
    public static let readAttributes: Set<String> = [
        "alt", "class", "content", "data-src", "datetime", "hidden", "href", "id", "itemprop", "lang", "name",
        "property", "rel", "src", "style", "title", "type", "charset", "http-equiv",
    ]

    /// Parses `data` and calls `visit` for every element start, text run and element end, in document order.
    /// - Parameters:
    ///   - encoding: the page's charset, if known (e.g. `windows-1256`); otherwise libxml2 reads the BOM and
    ///     `<meta charset>`.
    ///   - attributes: the attribute names to pass on.
    /// - Throws: `HTMLError` when there is nothing to parse or no element in it.
    public static func walk(
        _ data: Data,
        encoding: String? = nil,
        attributes wanted: Set<String> = readAttributes,
        visit: (HTMLEvent) -> Void
    ) throws(HTMLError) {
        _ = try run(data, xml: false, encoding: encoding, attributes: wanted, visit: visit)
    }

    /// Parses `data` as XML (a feed, a sitemap, an OPML file) with libxml2's SAX parser and calls `visit` as
    /// `walk` does, names as written with their prefix (`atom:link`, `media:content`); libxml2 reads the encoding
    /// from the BOM or the XML declaration. Errors are recovered from as far as libxml2 can (a stray `&` in a
    /// feed still leaves its items), and entities the document defines are dropped, never expanded.
    ///
    /// Not Foundation's `XMLParser`: on Linux it makes an error object for every error libxml2 reports and
    /// never frees it (seen by fuzzing: a malformed feed leaked a few hundred bytes on each poll).
    /// - Returns: whether the document was well-formed.
    /// - Throws: `HTMLError` when there is nothing to parse or no element in it.
    @discardableResult
    public static func walkXML(
        _ data: Data,
        attributes wanted: Set<String>,
        visit: (HTMLEvent) -> Void
    ) throws(HTMLError) -> Bool {
        try run(data, xml: true, encoding: nil, attributes: wanted, visit: visit) == 0
    }

    private static func run(
        _ data: Data,
        xml: Bool,
        encoding: String?,
        attributes wanted: Set<String>,
        visit: (HTMLEvent) -> Void
    ) throws(HTMLError) -> Int32 {
        guard !data.isEmpty else { throw HTMLError("empty document") }
        guard data.count < Int(Int32.max) else { throw HTMLError("document of \(data.count) bytes is too large") }
        let (status, elements): (Int32, Int) = withoutActuallyEscaping(visit) { visit in
            let walker = Walker(wanted: wanted, visit: visit)
            return (walker.parse(data, xml: xml, encoding: encoding), walker.elements)
        }
        if status == -1 { throw HTMLError("libxml2 could not parse the document") }
        if elements == 0 { throw HTMLError("document has no element") }
        return status
    }

    /// The state of one walk, reached from libxml2's callbacks through their context pointer.
    final class Walker {
        let wanted: Set<String>
        let visit: (HTMLEvent) -> Void
        var elements = 0
        /// Elements opened inside an opaque one (whose start and end were already passed on), plus one.
        private var skipDepth = 0
        /// Text arrives in chunks: it is passed on as one run when the next element starts or ends.
        private var text: [UInt8] = []
        /// libxml2 interns names in the document's dictionary and its HTML parser lower-cases them: one Swift
        /// string per distinct name, looked up by pointer.
        private var names: [UnsafeRawPointer: (name: String, wanted: Bool)] = [:]

        /// A walk of the HTML inside a page's `<script type="text/template">`, whose events join the page's.
        let nested: Bool
        /// The text of the template script being read, if one is open.
        private var template: [UInt8]?
        /// Whether the document is read as XML, where libxml2 hands an attribute's `&amp;` (and `&#38;`) on as
        /// `&#38;` unless it expands entities, which it is not let do.
        private var xml = false

        init(wanted: Set<String>, nested: Bool = false, visit: @escaping (HTMLEvent) -> Void) {
            self.wanted = wanted
            self.nested = nested
            self.visit = visit
            names.reserveCapacity(256)
        }

        func parse(_ data: Data, xml: Bool = false, encoding: String?) -> Int32 {
            self.xml = xml
            let context = Unmanaged.passUnretained(self).toOpaque()
            let status = data.withUnsafeBytes { raw in
                let buffer = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
                let start: nashra_start_element = { context, name, attributes in
                    Walker.of(context).start(name, attributes)
                }
                let end: nashra_end_element = { context, name in Walker.of(context).end(name) }
                let characters: nashra_characters = { context, characters, length in
                    Walker.of(context).characters(characters, length)
                }
                return xml
                    ? nashra_xml_sax_parse(buffer, Int32(raw.count), context, start, end, characters)
                    : nashra_html_sax_parse(buffer, Int32(raw.count), encoding, context, start, end, characters)
            }
            flush()
            return status
        }

        /// Blogger and other template engines send the article as HTML inside `<script type="text/template">`
        /// for the browser to insert: it is walked as part of the page (one level deep; the fragment's implied
        /// `html`, `head` and `body` are left out).
        private func walkTemplate(_ bytes: [UInt8]) {
            let fragment = Walker(wanted: wanted, nested: true) { [visit] event in
                switch event {
                case .start(let name, _), .end(let name):
                    if name == "html" || name == "head" || name == "body" { return }
                case .text: break
                }
                visit(event)
            }
            _ = fragment.parse(Data(bytes), encoding: "UTF-8")
        }

        static func of(_ context: UnsafeMutableRawPointer?) -> Walker {
            Unmanaged<Walker>.fromOpaque(context!).takeUnretainedValue()
        }

        func name(_ pointer: UnsafePointer<xmlChar>?) -> (name: String, wanted: Bool) {
            guard let pointer else { return ("", false) }
            if let known = names[UnsafeRawPointer(pointer)] { return known }
            let name = String(cString: pointer)
            let entry = (name, wanted.contains(name))
            names[UnsafeRawPointer(pointer)] = entry
            return entry
        }

        func flush() {
            guard !text.isEmpty else { return }
            if skipDepth == 0 { visit(.text(String(decoding: text, as: UTF8.self))) }
            text.removeAll(keepingCapacity: true)
        }

        func start(_ pointer: UnsafePointer<xmlChar>?, _ raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
            if skipDepth > 0 {
                skipDepth += 1
                return
            }
            flush()
            elements += 1
            let element = name(pointer).name
            var attributes: [String: String] = [:]
            var structuredData = false
            var htmlTemplate = false
            if var cursor = raw {
                while let key = cursor.pointee {
                    let value = cursor.successor().pointee
                    let (attribute, isWanted) = name(key)
                    if attribute == "type", let value {
                        let type = String(cString: value)
                        // The standard library's search: Foundation's bridges the string first.
                        structuredData = type.utf8.firstRange(of: "ld+json".utf8) != nil
                        htmlTemplate = type.hasSuffix("/template") || type.hasSuffix("/x-template")
                    }
                    // A value-less attribute (`hidden`) is present with an empty value.
                    if isWanted {
                        var text = value.map { String(cString: $0) } ?? ""
                        if xml, text.contains("&#38;") { text = text.replacingOccurrences(of: "&#38;", with: "&") }
                        attributes[attribute] = text
                    }
                    cursor = cursor.advanced(by: 2)
                }
            }
            visit(.start(name: element, attributes: attributes))
            // JSON-LD is data, not script: its text is passed on (the article's metadata is often there).
            if HTMLDocument.opaque.contains(element), !(element == "script" && structuredData) {
                visit(.end(name: element))
                skipDepth = 1
                if element == "script" && htmlTemplate && !nested { template = [] }
            }
        }

        func end(_ pointer: UnsafePointer<xmlChar>?) {
            if skipDepth > 0 {
                skipDepth -= 1
                if skipDepth == 0 {
                    text.removeAll(keepingCapacity: true)
                    if let bytes = template {
                        template = nil
                        walkTemplate(bytes)
                    }
                }
                return
            }
            flush()
            visit(.end(name: name(pointer).name))
        }

        func characters(_ characters: UnsafePointer<xmlChar>?, _ length: Int32) {
            if skipDepth == 1, template != nil, let characters, length > 0 {
                template?.append(contentsOf: UnsafeBufferPointer(start: characters, count: Int(length)))
                return
            }
            guard skipDepth == 0, let characters, length > 0 else { return }
            text.append(contentsOf: UnsafeBufferPointer(start: characters, count: Int(length)))
        }
    }
}
