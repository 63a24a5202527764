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
    public static func walk(
        _ data: Data,
        encoding: String? = nil,
        url: String? = nil,
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

        var node: xmlNodePtr? = root
        while let current = node {
            var descend = false
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                let name = lowercasedName(current)
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
                    visit(.end(name: lowercasedName(parent)))
                }
            }
        }
    }

    private static func lowercasedName(_ node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name).lowercased()
    }

    private static func attributes(of node: xmlNodePtr) -> [String: String] {
        var result: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            if let name = current.pointee.name,
                let value = xmlNodeGetContent(UnsafeMutablePointer(OpaquePointer(current)))
            {
                result[String(cString: name).lowercased()] = String(cString: value)
                nashra_xml_free(value)
            }
            attribute = current.pointee.next
        }
        return result
    }
}
