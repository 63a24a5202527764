import Foundation
import Hummingbird
import NashraHTML
import Store

/// What machines read: RSS 2.0 (the site, each section, each source), JSON Feed 1.1, the sitemap (an index of
/// section, source and story sitemaps, at most `sitemapSize` addresses a file, `lastmod` from the newest article
/// each page shows) and `robots.txt`. Every scraped string is escaped for XML; JSON is encoded.
extension ReaderSite {
    static let sitemapSize = 50_000
    /// The most story sitemaps listed (a million stories).
    static let storySitemaps = 20

    func addFeedRoutes(to router: Router<ReaderContext>) {
        router.get("/feed.xml") { request, _ in
            try await rss(
                ArticleQuery(limit: 50, headlinesOnly: false),
                title: Self.siteName,
                path: "/",
                base: base(of: request)
            )
        }
        router.get("/section/:slug/feed.xml") { request, context -> Response in
            let slug = context.parameters.get("slug").map { String($0) }
            guard let slug, try await isSection(slug) else { return notFound("لا يوجد قسم بهذا الاسم.") }
            return try await rss(
                ArticleQuery(topic: slug, limit: 50, headlinesOnly: false),
                title: Self.siteName + " — " + (Self.topicNames[slug] ?? slug),
                path: "/section/\(slug)",
                base: base(of: request)
            )
        }
        router.get("/feed.json") { request, _ in try await jsonFeed(base: base(of: request)) }
        router.get("/robots.txt") { request, _ in
            let text =
                "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /search\n\nSitemap: \(base(of: request))/sitemap.xml\n"
            return Self.respond(text, type: "text/plain; charset=utf-8", maxAge: 3600)
        }
        router.get("/sitemap.xml") { request, _ in try await sitemapIndex(base: base(of: request)) }
        router.get("/sitemap/sections.xml") { request, _ in try await sectionsSitemap(base: base(of: request)) }
        router.get("/sitemap/sources.xml") { request, _ in try await sourcesSitemap(base: base(of: request)) }
        router.get("/sitemap/stories/:part") { request, context -> Response in
            let name = context.parameters.get("part").map { String($0) } ?? ""
            guard name.hasSuffix(".xml"), let part = Int(name.dropLast(4)), (1...Self.storySitemaps).contains(part)
            else { return notFound("لا توجد خريطة بهذا الاسم.") }
            return try await storiesSitemap(part: part, base: base(of: request))
        }
    }

    /// The text of an article for a feed or a listing: its first paragraphs, at most `length` characters.
    static func summary(_ article: StoredArticle, length: Int = 300) -> String {
        clip(article.paragraphs.prefix(3).joined(separator: " "), length)
    }

    /// RSS 2.0 of the articles `query` lists, linking to their pages here.
    func rss(_ query: ArticleQuery, title: String, path: String, base: String) async throws -> Response {
        let articles = try await store.list(query)
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
        xml += "<title>\(HTMLEscaping.escape(title))</title><link>\(HTMLEscaping.escape(base + path))</link>"
        xml += "<description>آخر الأخبار من نشرة</description><language>ar</language>"
        if let newest = articles.first { xml += "<lastBuildDate>\(HTTPDate.format(newest.sortDate))</lastBuildDate>" }
        for article in articles {
            xml += "<item><title>\(HTMLEscaping.escape(article.title))</title>"
            xml += "<link>\(HTMLEscaping.escape(base + "/article/" + article.id))</link>"
            xml += "<guid isPermaLink=\"false\">\(HTMLEscaping.escape(article.id))</guid>"
            if let published = article.published {
                xml += "<pubDate>\(rfc822(published, zone: article.timeZone))</pubDate>"
            }
            xml += "<category>\(HTMLEscaping.escape(Self.topicNames[article.topic] ?? article.topic))</category>"
            xml += "<source url=\"\(HTMLEscaping.escape(base + "/source/" + article.sourceID + "/feed.xml"))\">"
            xml += HTMLEscaping.escape(article.sourceName ?? article.sourceID) + "</source>"
            xml += "<description>\(HTMLEscaping.escape(Self.summary(article)))</description></item>"
        }
        xml += "</channel></rss>\n"
        return Self.respond(xml, type: "application/rss+xml; charset=utf-8", maxAge: 60)
    }

    /// JSON Feed 1.1 of the newest articles.
    func jsonFeed(base: String) async throws -> Response {
        let articles = try await store.list(ArticleQuery(limit: 50, headlinesOnly: false))
        let feed = JSONFeed(
            title: Self.siteName,
            homePageURL: base + "/",
            feedURL: base + "/feed.json",
            language: "ar",
            items: articles.map { article in
                JSONFeed.Item(
                    id: article.id,
                    url: base + "/article/" + article.id,
                    externalURL: article.url,
                    title: article.title,
                    summary: Self.summary(article),
                    image: Self.webURL(article.images.first?.url),
                    datePublished: article.published.map { iso($0, zone: article.timeZone) },
                    authors: [.init(name: article.sourceName ?? article.sourceID)],
                    tags: [Self.topicNames[article.topic] ?? article.topic],
                    language: article.language ?? "ar"
                )
            }
        )
        var response = try json(feed, maxAge: 60)
        response.headers[.contentType] = "application/feed+json; charset=utf-8"
        return response
    }

    func sitemapIndex(base: String) async throws -> Response {
        let newest = try await store.list(ArticleQuery(limit: 1)).first?.sortDate
        let stories = try await store.multiOutletStories(limit: Self.sitemapSize * Self.storySitemaps, before: nil)
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        xml += "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        func entry(_ path: String, _ modified: Date?) -> String {
            "<sitemap><loc>\(HTMLEscaping.escape(base + path))</loc>"
                + (modified.map { "<lastmod>\(Self.iso($0))</lastmod>" } ?? "") + "</sitemap>"
        }
        xml += entry("/sitemap/sections.xml", newest) + entry("/sitemap/sources.xml", newest)
        var part = 0
        while part * Self.sitemapSize < stories.count {
            xml += entry("/sitemap/stories/\(part + 1).xml", stories[part * Self.sitemapSize].latest)
            part += 1
        }
        return Self.respond(xml + "</sitemapindex>\n", type: "application/xml; charset=utf-8", maxAge: 300)
    }

    func urlset(_ entries: [(path: String, modified: Date?)], base: String) -> Response {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        xml += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        for (path, modified) in entries.prefix(Self.sitemapSize) {
            xml += "<url><loc>\(HTMLEscaping.escape(base + path))</loc>"
            xml += (modified.map { "<lastmod>\(Self.iso($0))</lastmod>" } ?? "") + "</url>"
        }
        return Self.respond(xml + "</urlset>\n", type: "application/xml; charset=utf-8", maxAge: 300)
    }

    func sectionsSitemap(base: String) async throws -> Response {
        var entries: [(String, Date?)] = [("/", try await store.list(ArticleQuery(limit: 1)).first?.sortDate)]
        for topic in try await sections() {
            let newest = try await store.list(ArticleQuery(topic: topic, limit: 1)).first?.sortDate
            entries.append(
                ("/section/" + (topic.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""), newest)
            )
        }
        return urlset(entries, base: base)
    }

    func sourcesSitemap(base: String) async throws -> Response {
        let sources = try await store.sources(since: now().addingTimeInterval(-86_400))
        var entries: [(String, Date?)] = [("/sources", sources.compactMap(\.newest).max())]
        for source in sources {
            let id = source.id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            entries.append(("/source/" + id, source.newest))
        }
        return urlset(entries, base: base)
    }

    func storiesSitemap(part: Int, base: String) async throws -> Response {
        let stories = try await store.multiOutletStories(limit: part * Self.sitemapSize, before: nil)
        let start = (part - 1) * Self.sitemapSize
        guard start < stories.count || part == 1 else { return notFound("لا توجد خريطة بهذا الرقم.") }
        let entries = stories.dropFirst(start).map { ("/story/" + $0.story, Optional($0.latest)) }
        return urlset(Array(entries), base: base)
    }
}

/// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).
struct JSONFeed: Encodable {
    var version = "https://jsonfeed.org/version/1.1"
    var title: String
    var homePageURL: String
    var feedURL: String
    var language: String
    var items: [Item]

    struct Item: Encodable {
        var id, url, externalURL, title, summary: String
        var image: String?
        /// With the offset of the article's zone.
        var datePublished: String?
        var authors: [Author]
        var tags: [String]
        var language: String

        enum CodingKeys: String, CodingKey {
            case id, url, title, summary, image, authors, tags, language
            case externalURL = "external_url"
            case datePublished = "date_published"
        }
    }

    struct Author: Encodable {
        var name: String
    }

    enum CodingKeys: String, CodingKey {
        case version, title, language, items
        case homePageURL = "home_page_url"
        case feedURL = "feed_url"
    }
}
