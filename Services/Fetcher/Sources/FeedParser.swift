import ArabicText
import Foundation
import NashraModel

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Why a feed could not be read.
public struct FeedError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Reads RSS 2.0, RSS 1.0 (RDF) and Atom feeds with FoundationXML's `XMLParser` (libxml2 underneath, so the
/// encoding declared in the XML prolog, windows-1256 included, is honoured). Item links are resolved against the
/// feed URL and canonicalised.
public enum FeedParser {
    /// - Throws: `FeedError` when the document is not XML or is not a feed.
    public static func parse(_ data: Data, feedURL: String) throws -> [FeedResult.Item] {
        guard !data.isEmpty else { throw FeedError("empty feed") }
        let delegate = Delegate()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let ok = parser.parse()
        guard delegate.sawFeedRoot else {
            throw FeedError(
                ok ? "not an RSS or Atom feed" : "not XML: \(parser.parserError.map { "\($0)" } ?? "parse error")"
            )
        }
        var seen = Set<String>()
        return delegate.items.compactMap { raw in
            guard let link = raw.link, let url = URLCanonicalizer.canonical(link, relativeTo: feedURL),
                seen.insert(url).inserted
            else { return nil }
            let title = raw.title.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            return FeedResult.Item(
                url: url,
                hints: ItemHints(
                    title: title?.isEmpty == true ? nil : title,
                    published: (raw.date ?? raw.updated).flatMap { NewsDateParser.parse($0) },
                    section: raw.category,
                    image: raw.image
                )
            )
        }
    }

    private struct RawItem {
        var title: String?
        var link: String?
        var date: String?
        var updated: String?
        var category: String?
        var image: String?
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var items: [RawItem] = []
        var sawFeedRoot = false
        private var current: RawItem?
        private var text = ""
        private var depth = 0

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            depth += 1
            let name = elementName.lowercased()
            if depth == 1, ["rss", "feed", "rdf:rdf"].contains(name) { sawFeedRoot = true }
            if name == "item" || name == "entry" {
                current = RawItem()
            } else if current != nil {
                switch name {
                case "link" where attributes["href"] != nil:
                    let rel = attributes["rel"] ?? "alternate"
                    if rel == "alternate" && current?.link == nil { current?.link = attributes["href"] }
                case "category" where attributes["term"] != nil:
                    if current?.category == nil { current?.category = attributes["term"] }
                case "enclosure", "media:content", "media:thumbnail":
                    if current?.image == nil, let url = attributes["url"],
                        (attributes["type"] ?? "image/").hasPrefix("image/") || name != "enclosure"
                    {
                        current?.image = url
                    }
                default:
                    break
                }
            }
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser,
            didEndElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?
        ) {
            depth -= 1
            let name = elementName.lowercased()
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if name == "item" || name == "entry", let item = current {
                items.append(item)
                current = nil
            } else if var item = current, !value.isEmpty {
                switch name {
                case "title": item.title = item.title ?? value
                case "link": item.link = item.link ?? value
                case "guid": if value.hasPrefix("http") { item.link = item.link ?? value }
                case "pubdate", "published", "dc:date": item.date = value
                case "updated": item.updated = value
                case "category": item.category = item.category ?? value
                default: break
                }
                current = item
            }
            text = ""
        }
    }
}
