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
    /// The section a `BreadcrumbList` files the page under: its last crumb that is neither the home page nor the
    /// article itself.
    var breadcrumbSection: String?

    static let articleTypes: Set<String> = [
        "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting", "webpage",
        "liveblogposting", "opinionnewsarticle", "backgroundnewsarticle", "socialmediaposting", "report",
        // A page's own work of other kinds states its publication the same way.
        "techarticle", "scholarlyarticle", "howto", "recipe", "creativework",
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
        if let crumbs = candidates.first(where: { types($0).contains("breadcrumblist") }) {
            breadcrumbSection = Self.section(ofBreadcrumbs: crumbs)
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
        if let crumb = breadcrumbSection, let headline,
            ArticleExtractor.clean(crumb) == ArticleExtractor.clean(headline)
        {
            breadcrumbSection = nil
        }
    }

    /// The names of a breadcrumb list's items in position order, without the home page (by its name or its
    /// address); the last of them unless it is the page itself (a crumb after a section without an address of
    /// its own, or as long as a headline).
    static let homeNames: Set<String> = ["الرئيسية", "الصفحة الرئيسية", "الرئيسيه", "home", "homepage", "accueil"]

    static func section(ofBreadcrumbs list: [String: Any]) -> String? {
        guard let items = list["itemListElement"] as? [Any] else { return nil }
        var crumbs: [(position: Int, name: String, linked: Bool, home: Bool)] = []
        for (offset, value) in items.prefix(20).enumerated() {
            guard let item = value as? [String: Any] else { continue }
            let target = item["item"]
            let named = (item["name"] as? String) ?? ((target as? [String: Any])?["name"] as? String)
            guard let name = named.map({ ArticleExtractor.clean(HTMLEntities.decodeOnce($0)) }), !name.isEmpty
            else { continue }
            let address = (target as? String) ?? ((target as? [String: Any])?["@id"] as? String)
            let path = address.flatMap { URLComponents(string: $0)?.path } ?? "-"
            let home = homeNames.contains(name.lowercased()) || path == "/" || path.isEmpty
            let position = (item["position"] as? Int) ?? Int(item["position"] as? String ?? "") ?? offset + 1
            crumbs.append((position, name, address != nil, home))
        }
        crumbs.sort { $0.position < $1.position }
        crumbs.removeAll { $0.home }
        if let last = crumbs.last, crumbs.count > 1, !last.linked || last.name.count > 40 { crumbs.removeLast() }
        guard let section = crumbs.last?.name, section.count <= 40 else { return nil }
        return section
    }
}
