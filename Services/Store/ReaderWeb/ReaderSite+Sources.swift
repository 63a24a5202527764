import Foundation
import Hummingbird
import NashraHTML
import Store

/// Sources: the directory of every outlet (`/sources`) and each outlet's page (`/source/{id}`) with its newest
/// articles and its own feed.
///
/// The directory says two things of each outlet: whether it publishes (its newest article's age, from the
/// archive) and whether its feeds are healthy (the frontier's latest `SourceHealthReport`, which the store keeps:
/// the reader site runs apart from the frontier and reads only the store). A report older than
/// `staleHealthAfter` says nothing about now and is shown as such.
extension ReaderSite {
    /// An outlet with nothing new for this long is shown as silent («متوقف»).
    static let silentAfter: TimeInterval = 24 * 3600
    /// A feed report older than this is not shown as the feeds' state (the frontier reports every minute).
    static let staleHealthAfter: TimeInterval = 15 * 60

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
            // An outlet followed but with nothing stored yet has no page to link to.
            body +=
                source.newest == nil
                ? "<li><span dir=\"auto\">\(name)</span> "
                : "<li><a dir=\"auto\" href=\"/source/\(HTMLEscaping.escape(source.id))\">\(name)</a> "
            body += silent ? "<span class=\"bad\">متوقف</span>" : "<span class=\"good\">نشط</span>"
            body += "<span class=\"meta\">\(Self.articleCount(source.recentArticles)) في 24 ساعة"
            if let newest = source.newest { body += " · آخر خبر \(displayDateTime(newest))" }
            body += " · " + feedsState(source.feeds, now: now)
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

    /// An outlet's feeds in words: healthy, how many broken, or unknown (no report, or an old one).
    func feedsState(_ health: FeedHealth?, now: Date) -> String {
        guard let health, now.timeIntervalSince(health.reportedAt) <= Self.staleHealthAfter else {
            return "حالة الخلاصات غير معروفة"
        }
        if health.broken == 0 { return "<span class=\"good\">الخلاصات سليمة</span>" }
        let text =
            health.broken == health.feeds
            ? (health.feeds == 1 ? "الخلاصة معطلة" : "كل الخلاصات معطلة")
            : "\(health.broken) من \(health.feeds) خلاصات معطلة"
        let since = health.lastSuccess.map { " (آخر نجاح \(displayDateTime($0)))" } ?? ""
        return "<span class=\"bad\">\(text)</span>\(since)"
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
