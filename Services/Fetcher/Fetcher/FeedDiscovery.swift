import Foundation
import NashraHTML
import NashraMessages

/// Feeds a home page advertises with `<link rel="alternate" type="application/rss+xml" href="…">` (RSS, Atom,
/// JSON Feed), resolved and canonicalised, in page order.
public enum FeedDiscovery {
    static let feedTypes: Set<String> = [
        "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
        "application/rdf+xml", "text/xml", "application/xml",
    ]

    public static func feeds(inPage data: Data, pageURL: String) -> [String] {
        var found: [String] = []
        try? HTMLDocument.walk(data) { event in
            guard case .start("link", let attributes) = event,
                let rel = attributes["rel"]?.lowercased(), rel.split(separator: " ").contains("alternate"),
                let type = attributes["type"]?.lowercased(), feedTypes.contains(type),
                let href = attributes["href"], let url = URLCanonicalizer.canonical(href, relativeTo: pageURL),
                !found.contains(url)
            else { return }
            found.append(url)
        }
        return found
    }
}

/// JSON Feed 1.0/1.1 (https://jsonfeed.org).
enum JSONFeed {
    private struct Document: Decodable {
        var version: String?
        var items: [Item]
    }

    private struct Item: Decodable {
        var url: String?
        var external_url: String?
        var title: String?
        var date_published: String?
        var date_modified: String?
        var tags: [String]?
        var image: String?
        var banner_image: String?
    }

    static func parse(_ data: Data, feedURL: String, timeZone: TimeZone) throws -> FeedDocument {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw FeedError("not a JSON Feed: \(error)")
        }
        guard document.version?.contains("jsonfeed.org") ?? false else {
            throw FeedError("JSON without a jsonfeed.org version is not a feed")
        }
        let raws = document.items.map { item in
            FeedParser.RawItem(
                title: item.title,
                link: item.url ?? item.external_url,
                date: item.date_published,
                updated: item.date_modified,
                category: item.tags?.first,
                image: item.image ?? item.banner_image
            )
        }
        return FeedDocument(items: FeedParser.items(raws, feedURL: feedURL, timeZone: timeZone), feeds: [])
    }
}
