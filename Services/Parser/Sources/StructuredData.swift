import Foundation
import NashraHTML

/// What a page's JSON-LD (`<script type="application/ld+json">`, schema.org) says about its article: the
/// headline, dates, authors, publisher and section of the first object of a news or article type, looked for
/// in arrays and `@graph` too. Malformed JSON is ignored: the page's other metadata still counts.
struct StructuredData {
    var headline: String?
    var datePublished: String?
    var dateModified: String?
    var authors: [String] = []
    var publisher: String?
    var section: String?

    static let articleTypes: Set<String> = [
        "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting", "webpage",
        "liveblogposting", "opinionnewsarticle", "backgroundnewsarticle", "socialmediaposting", "report",
    ]

    init(jsonLD: [String]) {
        var candidates: [[String: Any]] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                candidates.append(object)
                if let graph = object["@graph"] { collect(graph) }
            } else if let array = value as? [Any] {
                for item in array.prefix(50) { collect(item) }
            }
        }
        for text in jsonLD where !text.isEmpty {
            guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            else { continue }
            collect(value)
        }
        func types(_ object: [String: Any]) -> [String] {
            if let type = object["@type"] as? String { return [type.lowercased()] }
            return (object["@type"] as? [Any])?.compactMap { ($0 as? String)?.lowercased() } ?? []
        }
        // Articles first (a WebPage only when there is no article), then the first one with a date.
        let ranked = candidates.filter { types($0).contains { Self.articleTypes.contains($0) } }
            .sorted { a, b in
                (types(a).contains("webpage") ? 1 : 0) < (types(b).contains("webpage") ? 1 : 0)
            }
        guard let article = ranked.first(where: { $0["datePublished"] != nil }) ?? ranked.first else { return }
        // Content systems fill JSON-LD with HTML-escaped strings, which nothing decodes inside a <script>.
        func string(_ value: Any?) -> String? {
            if let text = value as? String { return text.isEmpty ? nil : HTMLEntities.decodeOnce(text) }
            if let array = value as? [Any] { return array.lazy.compactMap { string($0) }.first }
            return nil
        }
        func name(_ value: Any?) -> [String] {
            if let text = value as? String { return [HTMLEntities.decodeOnce(text)] }
            if let object = value as? [String: Any] { return string(object["name"]).map { [$0] } ?? [] }
            if let array = value as? [Any] { return array.flatMap { name($0) } }
            return []
        }
        headline = string(article["headline"]) ?? string(article["name"])
        datePublished = string(article["datePublished"]) ?? string(article["dateCreated"])
        dateModified = string(article["dateModified"])
        authors = Array(name(article["author"]).map { ArticleExtractor.clean($0) }.filter { !$0.isEmpty }.prefix(10))
        publisher = name(article["publisher"]).first
        section = string(article["articleSection"])
    }
}
