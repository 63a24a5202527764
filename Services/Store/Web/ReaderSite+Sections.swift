import Foundation
import Hummingbird
import NIOCore
import NashraHTML
import Store

/// Section pages (one per topic, paginated by a time cursor), the home page's section blocks, and RSS 2.0
/// output for the whole site and per section.
extension ReaderSite {
    static let pageSize = 20

    func addSectionRoutes(to router: Router<ReaderContext>) {
        router.get("/section/:slug") { request, context -> Response in
            let slug = context.parameters.get("slug").map { String($0) }
            let before = request.uri.queryParameters.get("before", as: Double.self).map(
                Date.init(timeIntervalSince1970:)
            )
            guard let slug, try await isSection(slug) else {
                return page(title: "غير موجود", body: "<p>لا يوجد قسم بهذا الاسم.</p>", status: .notFound)
            }
            return try await sectionPage(slug, before: before)
        }
        router.get("/feed.xml") { request, _ in
            let base = Self.base(of: request)
            return try await rss(topic: nil, base: base)
        }
        router.get("/section/:slug/feed.xml") { request, context -> Response in
            let slug = context.parameters.get("slug").map { String($0) }
            let base = Self.base(of: request)
            guard let slug, try await isSection(slug) else { return Response(status: .notFound) }
            return try await rss(topic: slug, base: base)
        }
        router.get("/api/sections") { _, _ -> Response in
            try json(try await sections().map { ["slug": $0, "name": Self.topicNames[$0] ?? $0] })
        }
    }

    /// Blocks of the newest headlines of each section, for the home page.
    func sectionBlocks(perSection: Int = 5) async throws -> String {
        var body = ""
        for topic in try await sections() {
            let articles = try await store.latest(limit: perSection, topic: topic, before: nil, headlinesOnly: true)
            body += "<section class=\"block\"><h2><a href=\"/section/\(HTMLEscaping.escape(topic))\">"
            body += HTMLEscaping.escape(Self.topicNames[topic] ?? topic) + "</a></h2><ul>"
            for article in articles { body += headline(article) }
            body += "</ul></section>"
        }
        return body
    }

    func headline(_ article: StoredArticle) -> String {
        var item =
            "<li><a href=\"/article/\(HTMLEscaping.escape(article.id))\">\(HTMLEscaping.escape(article.title))</a>"
        item += " <small>\(HTMLEscaping.escape(article.sourceName ?? article.sourceID))"
        if let published = article.published { item += " · \(displayDate(published))" }
        return item + "</small></li>"
    }

    func sectionPage(_ topic: String, before: Date?) async throws -> Response {
        let name = Self.topicNames[topic] ?? topic
        let articles = try await store.latest(limit: Self.pageSize, topic: topic, before: before, headlinesOnly: true)
        var body = "<h1><a href=\"/\">نشرة</a> — \(HTMLEscaping.escape(name))</h1>" + Self.searchForm
        body += "<p><a href=\"/section/\(topic)/feed.xml\">RSS</a></p><ul class=\"ticker\">"
        for article in articles { body += headline(article) }
        body += "</ul>"
        if articles.isEmpty { body += "<p>لا توجد أخبار أخرى في هذا القسم.</p>" }
        if articles.count == Self.pageSize, let last = articles.last {
            let cursor = (last.published ?? last.fetchedAt).timeIntervalSince1970
            body += "<p><a rel=\"next\" href=\"/section/\(topic)?before=\(cursor)\">أخبار أقدم</a></p>"
        }
        return page(title: name, body: body)
    }

    /// RSS 2.0 of the newest articles, linking to their pages here.
    func rss(topic: String?, base: String) async throws -> Response {
        let articles = try await store.latest(limit: 50, topic: topic)
        let title = "نشرة" + (topic.map { " — " + (Self.topicNames[$0] ?? $0) } ?? "")
        let link = base + (topic.map { "/section/\($0)" } ?? "/")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>\(HTMLEscaping.escape(title))</title><link>\(HTMLEscaping.escape(link))</link>
            <description>آخر الأخبار من نشرة</description><language>ar</language>
            """
        for article in articles {
            xml += "<item><title>\(HTMLEscaping.escape(article.title))</title>"
            xml += "<link>\(HTMLEscaping.escape(base + "/article/" + article.id))</link>"
            xml += "<guid isPermaLink=\"false\">\(HTMLEscaping.escape(article.id))</guid>"
            if let published = article.published { xml += "<pubDate>\(formatter.string(from: published))</pubDate>" }
            xml += "<category>\(HTMLEscaping.escape(Self.topicNames[article.topic] ?? article.topic))</category>"
            xml += "<description>\(HTMLEscaping.escape(article.paragraphs.first ?? ""))</description></item>"
        }
        xml += "</channel></rss>\n"
        return Response(
            status: .ok,
            headers: [.contentType: "application/rss+xml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: xml))
        )
    }

    /// The site's own address as the reader reached it (for absolute links in feeds).
    static func base(of request: Request) -> String {
        let host = request.head.authority.map { String($0.prefix(255)) } ?? "127.0.0.1:8080"
        let safe = host.allSatisfy { $0.isLetter || $0.isNumber || ".-:[]".contains($0) }
        return "http://" + (safe ? host : "127.0.0.1:8080")
    }
}
