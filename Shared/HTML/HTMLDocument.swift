import CLibXML2
import Foundation

/// One step of a document walk, in document order.
public enum HTMLEvent {
    /// An element opens. Names are lower case; attribute names too.
    case start(name: String, attributes: [String: String])
    /// Text inside the current element (not inside `script`, `style`, `noscript`, `template`, except a
    /// `<script type="application/ld+json">`, whose text is structured data).
    case text(String)
    /// The element opened by the matching `start` closes.
    case end(name: String)
}

/// Why a page could not be parsed.
public struct HTMLError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// HTML parsing with libxml2's error-tolerant HTML parser (`htmlReadMemory`). The document never leaves
/// `walk`: the C tree is freed before it returns, and callers only see Swift values.
public enum HTMLDocument {
    /// Elements whose content is never text for a reader.
    static let opaque: Set<String> = ["script", "style", "noscript", "template", "svg", "math", "iframe", "object"]

    /// Parses `data` and calls `visit` for every element and text node, iteratively (deep nesting cannot
    /// overflow the stack).
    /// - Parameters:
    ///   - encoding: the charset from HTTP headers, if any (e.g. `windows-1256`); otherwise libxml2 reads the
    ///     BOM and `<meta charset>`.
    ///   - url: the document's URL, for libxml2's messages.
    /// - Throws: `HTMLError` when libxml2 produces no document at all (e.g. an empty input).
    /// The attributes passed on by default: the ones Nashra reads. Skipping the rest (inline styles aside,
    /// event handlers, tracking `data-*`) saves a string pair per attribute on pages that carry dozens per element.
    public static let readAttributes: Set<String> = [
        "alt", "class", "content", "data-src", "datetime", "hidden", "href", "id", "itemprop", "lang", "name",
        "property", "rel", "src", "style", "type", "charset", "http-equiv",
    ]

    public static func walk(
        _ data: Data,
        encoding: String? = nil,
        url: String? = nil,
        attributes wanted: Set<String> = readAttributes,
        visit: (HTMLEvent) -> Void
    ) throws(HTMLError) {
        guard !data.isEmpty else { throw HTMLError("empty document") }
        guard data.count < Int(Int32.max) else { throw HTMLError("document of \(data.count) bytes is too large") }
        let document: htmlDocPtr? = data.withUnsafeBytes { raw in
            htmlReadMemory(
                raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                Int32(raw.count),
                url,
                encoding,
                NASHRA_HTML_PARSE_OPTIONS
            )
        }
        guard let document else { throw HTMLError("libxml2 could not parse the document") }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { throw HTMLError("document has no root element") }

        // libxml2 interns names in the document's dictionary and its HTML parser lower-cases them: one Swift string
        // per distinct name and document, looked up by pointer.
        var names: [UnsafeRawPointer: (name: String, wanted: Bool)] = [:]
        names.reserveCapacity(256)
        func name(_ pointer: UnsafePointer<xmlChar>?) -> (name: String, wanted: Bool) {
            guard let pointer else { return ("", false) }
            if let known = names[UnsafeRawPointer(pointer)] { return known }
            let name = String(cString: pointer)
            let entry = (name, wanted.contains(name))
            names[UnsafeRawPointer(pointer)] = entry
            return entry
        }
        func attributes(of node: xmlNodePtr) -> [String: String] {
            var result: [String: String] = [:]
            var attribute = node.pointee.properties
            while let current = attribute {
                attribute = current.pointee.next
                let (key, isWanted) = name(current.pointee.name)
                guard isWanted else { continue }
                // An attribute's value is its one text child; anything else goes through libxml2's own reader.
                if let child = current.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE,
                    let content = child.pointee.content
                {
                    result[key] = String(cString: content)
                } else if let value = xmlNodeGetContent(UnsafeMutablePointer(OpaquePointer(current))) {
                    result[key] = String(cString: value)
                    nashra_xml_free(value)
                }
            }
            return result
        }

        var node: xmlNodePtr? = root
        while let current = node {
            var descend = false
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                let name = name(current.pointee.name).name
                let attributes = attributes(of: current)
                visit(.start(name: name, attributes: attributes))
                // JSON-LD is data, not script: its text is passed on (the article's metadata is often there).
                let structuredData = name == "script" && (attributes["type"] ?? "").contains("ld+json")
                if !opaque.contains(name) || structuredData, current.pointee.children != nil {
                    descend = true
                } else {
                    visit(.end(name: name))
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { visit(.text(String(cString: content))) }
            default:
                break
            }
            if descend {
                node = current.pointee.children
                continue
            }
            // Next sibling, or climb up closing elements until one has a next sibling.
            var cursor: xmlNodePtr? = current
            node = nil
            while let here = cursor, here != root {
                if let next = here.pointee.next {
                    node = next
                    break
                }
                cursor = here.pointee.parent
                if let parent = cursor, parent.pointee.type == XML_ELEMENT_NODE {
                    visit(.end(name: name(parent.pointee.name).name))
                }
            }
        }
    }
}
