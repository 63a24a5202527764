import Foundation
import Hummingbird
import NashraHTML
import Store

/// Sources: the directory of every outlet (`/sources`) and each outlet's page (`/source/{id}`) with its newest
/// articles and its own feed.
///
/// Whether an outlet is active is read from the archive (its newest article's age), not from the frontier's feed
/// state: the reader site runs apart from the frontier (another process, possibly another machine) and reads
/// only the store. An outlet silent for a day is shown so, whatever the reason (a broken feed, a quiet outlet).
extension ReaderSite {
    /// An outlet with nothing new for this long is shown as silent («متوقف»).
    static let silentAfter: TimeInterval = 24 * 3600

    func addSourceRoutes(to router: Router<ReaderContext>) {
        router.get("/sources") { request, _ in try await sourcesPage(base: base(of: request)) }
        router.get("/source/:id") { request, context -> Response in
            guard let id = context.parameters.get("id").map({ String($0) }), id.count <= 64 else {
                return notFound("لا يوجد مصدر بهذا الاسم.")
            }
            return try await sourcePage(id, page: Self.requestedPage(request), base: base(of: request))
        }
        router.get("/source/:id/feed.xml") { request, context -> Response in
            guard let id = context.parameters.get("id").map({ String($0) }), id.count <= 64,
                let name = try await sourceName(id)
            else { return notFound("لا يوجد مصدر بهذا الاسم.") }
            return try await rss(
                ArticleQuery(source: id, limit: 50, headlinesOnly: false),
                title: "\(Self.siteName) — \(name)",
                path: "/source/\(id)",
                base: base(of: request)
            )
        }
    }

    /// An outlet's name as its newest article gives it; nil when the archive has none of its articles.
    func sourceName(_ id: String) async throws -> String? {
        guard let newest = try await store.list(ArticleQuery(source: id, limit: 1)).first else { return nil }
        return newest.sourceName ?? newest.sourceID
    }

    func sourcesPage(base: String) async throws -> Response {
        let now = now()
        let sources = try await store.sources(since: now.addingTimeInterval(-86_400))
            .sorted { ($0.recentArticles, $1.name ?? $1.id) > ($1.recentArticles, $0.name ?? $0.id) }
        var body = "<h1>المصادر</h1><p>تتابع نشرة \(Self.outletCount(sources.count))، الأنشط في آخر 24 ساعة أولا.</p>"
        body += "<ul class=\"list sources\">"
        for source in sources {
            let name = HTMLEscaping.escape(source.name ?? source.id)
            let silent = source.newest.map { now.timeIntervalSince($0) > Self.silentAfter } ?? true
            body += "<li><a dir=\"auto\" href=\"/source/\(HTMLEscaping.escape(source.id))\">\(name)</a> "
            body += silent ? "<span class=\"bad\">متوقف</span>" : "<span class=\"good\">نشط</span>"
            body += "<span class=\"meta\">\(Self.articleCount(source.recentArticles)) في 24 ساعة"
            if let newest = source.newest { body += " · آخر خبر \(displayDateTime(newest))" }
            body += "</span></li>"
        }
        body += "</ul>"
        if sources.isEmpty { body += "<p>لا توجد مصادر بعد.</p>" }
        let meta = PageMeta(
            description: "المصادر الإخبارية التي تجمع نشرة أخبارها",
            canonical: base + "/sources",
            current: "sources"
        )
        return page(title: "المصادر", body: body, meta: meta)
    }

    func sourcePage(_ id: String, page: ArticleQuery.Page, base: String) async throws -> Response {
        let articles = try await store.list(ArticleQuery(source: id, page: page, limit: Self.pageSize))
        let name: String
        if let first = articles.first {
            name = first.sourceName ?? first.sourceID
        } else if let known = try await sourceName(id) {
            name = known
        } else {
            return notFound("لا يوجد مصدر بهذا الاسم.")
        }
        let path = "/source/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "")
        let escapedID = HTMLEscaping.escape(String(path.dropFirst("/source/".count)))
        var body = "<h1 dir=\"auto\">\(HTMLEscaping.escape(name))</h1>"
        body +=
            "<p class=\"meta\"><a href=\"/source/\(escapedID)/feed.xml\">RSS</a> · <a href=\"/sources\">كل المصادر</a></p>"
        body += "<ul class=\"list\">" + articles.map { headline($0, showTopic: true) }.joined() + "</ul>"
        if articles.isEmpty { body += "<p>لا توجد أخبار أخرى من هذا المصدر.</p>" }
        body += pager(articles, page: page, size: Self.pageSize, path: path)
        let meta = PageMeta(
            description: "آخر أخبار \(name) في نشرة",
            canonical: base + path,
            feed: "/source/\(escapedID)/feed.xml",
            current: "sources"
        )
        return self.page(title: name, body: body, meta: meta)
    }
}
