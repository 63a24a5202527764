import ArabicText
import Foundation
import NashraHTML
import NashraMessages

/// Why a feed could not be read.
public struct FeedError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// What a polled feed URL held: article items, and other feeds it points to (the children of a sitemap index,
/// the feeds a home page advertises).
public struct FeedDocument: Sendable, Equatable {
    public var items: [FeedResult.Item]
    public var feeds: [String]
    /// The WebSub hub the feed names (`<link rel="hub">`, Atom's or RSS's `atom:link`), and its `rel="self"`.
    public var hub: String? = nil
    public var selfURL: String? = nil
}

/// Reads RSS 2.0, RSS 1.0 (RDF), Atom, JSON Feed, XML sitemaps (Google News sitemaps with
/// `news:publication_date`, and sitemap indexes) and, for an HTML page, the feeds it advertises with
/// `<link rel="alternate">` (auto-discovery). XML goes through libxml2's SAX parser (`HTMLDocument.walkXML`, so
/// the encoding declared in the prolog, windows-1256 included, is honoured, and errors are recovered from). Links
/// are resolved against the feed URL and canonicalised.
public enum FeedParser {
    /// The most children of a sitemap index followed (the newest by `lastmod`).
    public static let maximumSitemaps = 20

    /// The zone of dates written without an offset when the source names none (the catalog's default).
    public static let defaultTimeZone = TimeZone(identifier: "Africa/Cairo")!

    /// - Parameter timeZone: the source's, for dates written without an offset.
    /// - Throws: `FeedError` when the document is no feed and advertises none.
    public static func parse(_ data: Data, feedURL: String, timeZone: TimeZone = defaultTimeZone) throws
        -> FeedDocument
    {
        guard !data.isEmpty else { throw FeedError("empty feed") }
        let start = data.drop {
            $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09
        }
        if start.first == UInt8(ascii: "{") {
            return try JSONFeed.parse(Data(start), feedURL: feedURL, timeZone: timeZone)
        }
        let delegate = Delegate()
        var problem: String?
        do {
            try HTMLDocument.walkXML(data, attributes: Delegate.attributes) { delegate.handle($0) }
        } catch {
            problem = error.description
        }
        guard delegate.sawFeedRoot else {
            let advertised = FeedDiscovery.feeds(inPage: data, pageURL: feedURL)
            if !advertised.isEmpty { return FeedDocument(items: [], feeds: advertised) }
            throw FeedError(
                problem.map { "not XML, and no feed advertised: \($0)" }
                    ?? "not an RSS, Atom or JSON feed nor a sitemap"
            )
        }
        let children = delegate.sitemaps.sorted { ($0.lastmod ?? "") > ($1.lastmod ?? "") }.prefix(maximumSitemaps)
            .compactMap { URLCanonicalizer.canonical($0.loc, relativeTo: feedURL) }
        return FeedDocument(
            items: items(delegate.items, feedURL: feedURL, timeZone: timeZone),
            feeds: Array(children),
            hub: delegate.hub.flatMap { absolute($0, relativeTo: feedURL) },
            selfURL: delegate.selfURL.flatMap { absolute($0, relativeTo: feedURL) }
        )
    }

    static func items(_ raws: [RawItem], feedURL: String, timeZone: TimeZone) -> [FeedResult.Item] {
        var seen = Set<String>()
        return raws.compactMap { raw in
            guard let link = raw.link, let url = URLCanonicalizer.canonical(link, relativeTo: feedURL),
                seen.insert(url).inserted
            else { return nil }
            let title = raw.title.map(plainText)
            return FeedResult.Item(
                url: url,
                hints: ItemHints(
                    title: title?.isEmpty == true ? nil : title,
                    published: (raw.date ?? raw.updated).flatMap { date(of: $0, timeZone: timeZone) },
                    section: raw.category,
                    image: raw.image.flatMap { URLCanonicalizer.canonical($0, relativeTo: feedURL) }
                )
            )
        }
    }

    /// An http(s) address resolved against `base`, as written otherwise (a hub's or a topic's address is compared
    /// as the publisher gives it, not canonicalised).
    static func absolute(_ reference: String, relativeTo base: String) -> String? {
        guard let url = URL(string: reference.trimmingCharacters(in: .whitespaces), relativeTo: URL(string: base)),
            let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
        return url.absoluteString
    }

    /// A title as a reader sees it: publishers put HTML in titles (in CDATA, or escaped), and entities on top;
    /// tags go, entities are decoded once, white space is folded.
    static func plainText(_ text: String) -> String {
        var output = ""
        var inTag = false
        for character in text {
            if character == "<" {
                inTag = true
            } else if character == ">" && inTag {
                inTag = false
            } else if !inTag {
                output.append(character)
            }
        }
        return HTMLEntities.decodeOnce(output).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A feed's date: RFC 822 or ISO 8601 (in `timeZone` when it has no offset), else a date in Arabic words
    /// («الأحد، 23 نوفمبر 2025 - 10:30 ص»).
    static func date(of text: String, timeZone: TimeZone) -> Date? {
        NewsDateParser.parse(text, timeZone: timeZone)
            ?? ArabicTextDate.find(in: text, now: Date(), timeZone: timeZone, relative: false)
    }

    struct RawItem {
        var title: String?
        var link: String?
        var date: String?
        var updated: String?
        var category: String?
        var image: String?
    }

    /// The state of one feed's walk.
    private final class Delegate {
        static let attributes: Set<String> = ["href", "rel", "term", "url", "type"]

        var items: [RawItem] = []
        var sitemaps: [(loc: String, lastmod: String?)] = []
        var sawFeedRoot = false
        var hub: String?
        var selfURL: String?
        private var current: RawItem?
        private var currentSitemap: (loc: String?, lastmod: String?)?
        private var text = ""
        private var depth = 0

        func handle(_ event: HTMLEvent) {
            switch event {
            case .start(let name, let attributes): start(name, attributes)
            case .text(let string): text += string
            case .end(let name): end(name)
            }
        }

        private func start(_ elementName: String, _ attributes: [String: String]) {
            depth += 1
            let name = elementName.lowercased()
            if depth == 1, ["rss", "feed", "rdf:rdf", "urlset", "sitemapindex"].contains(name) { sawFeedRoot = true }
            if current == nil, name == "link" || name == "atom:link" || name == "atom10:link",
                let href = attributes["href"], let rel = attributes["rel"]?.lowercased()
            {
                // The channel's links: WebSub's hub and the feed's own address.
                if rel == "hub", hub == nil { hub = href }
                if rel == "self", selfURL == nil { selfURL = href }
            }
            if name == "sitemap" {
                currentSitemap = (nil, nil)
            } else if name == "item" || name == "entry" || (name == "url" && depth == 2) {
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

        private func end(_ elementName: String) {
            depth -= 1
            let name = elementName.lowercased()
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if name == "sitemap", let sitemap = currentSitemap {
                if let loc = sitemap.loc { sitemaps.append((loc, sitemap.lastmod)) }
                currentSitemap = nil
            } else if currentSitemap != nil, !value.isEmpty {
                if name == "loc" { currentSitemap?.loc = value }
                if name == "lastmod" { currentSitemap?.lastmod = value }
            } else if name == "item" || name == "entry" || name == "url", let item = current {
                items.append(item)
                current = nil
            } else if var item = current, !value.isEmpty {
                switch name {
                case "title": item.title = item.title ?? value
                case "link", "loc": item.link = item.link ?? value
                case "news:title": item.title = value
                case "news:publication_date": item.date = value
                case "lastmod": item.updated = value
                case "image:loc": item.image = item.image ?? value
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
