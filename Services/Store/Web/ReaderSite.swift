import Foundation
import Hummingbird
import NIOCore
import NashraHTML
import NashraOperations
import NashraRuntime
import Store

/// The reader web: right-to-left pages rebuilt from stored paragraphs (never the publisher's HTML), every scraped
/// string escaped, and a Content-Security-Policy that allows no script at all. The home page (ticker and section
/// blocks), article pages with the story's other outlets, section pages, search, RSS feeds, image reports, a JSON
/// API and `/status`. The pages read the store through `NewsArchive` (SQLite's reads run on its own threads,
/// PostgreSQL's over its connection pool), so no handler blocks a thread of the cooperative pool.
public struct ReaderSite: Sendable {
    public let store: any NewsArchive
    public let displayTimeZone: TimeZone
    /// The Gregorian calendar in `displayTimeZone`, made once: making one per date cost most of a home page.
    private let calendar: Calendar

    /// Distinct readers whose reports hide an image, and the most reports one reader may make in an hour.
    public let reportThreshold: Int
    public let reportsPerHour: Int
    /// Reads queue depths for `/status` (cached a few seconds); nil when the site runs without a broker (an
    /// archive).
    public let inspector: CachedQueueInspection?

    public init(
        store: any NewsArchive,
        displayTimeZone: TimeZone = TimeZone(identifier: "Africa/Cairo")!,
        reportThreshold: Int = 3,
        reportsPerHour: Int = 20,
        inspector: QueueInspector? = nil
    ) {
        self.inspector = inspector.map { CachedQueueInspection($0) }
        self.store = store
        self.displayTimeZone = displayTimeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = displayTimeZone
        self.calendar = calendar
        self.reportThreshold = reportThreshold
        self.reportsPerHour = reportsPerHour
    }

    public static let reportThanks =
        "شكرا على الإبلاغ! سيتم حجب هذه الصورة تلقائيا عندما يتم الإبلاغ عنها من طرف عدة أشخاص."

    /// Arabic names of the topics. The shipped model's labels come first (ANT's); a model trained on another
    /// corpus may bring other labels, whose sections work too and show their slug until named here.
    public static let topicNames = [
        "middleEast": "الشرق الأوسط", "internationalNews": "دولي", "economy": "اقتصاد", "sport": "رياضة",
        "technology": "علوم وتكنولوجيا", "culture": "ثقافة وفنون", "politics": "سياسة", "health": "صحة",
        "general": "منوعات",
    ]

    static let sectionOrder = [
        "politics", "middleEast", "internationalNews", "economy", "sport", "technology", "culture", "health", "general",
    ]

    /// Whether `slug` names a section: a named topic, or one the store has articles of.
    func isSection(_ slug: String) async throws -> Bool {
        if Self.topicNames[slug] != nil { return true }
        guard slug.count <= 40 else { return false }
        return try await store.hasArticles(ofTopic: slug)
    }

    /// The sections that have articles, in the site's editorial order (named topics first, in `sectionOrder`;
    /// others alphabetically).
    public func sections() async throws -> [String] {
        let order = Dictionary(uniqueKeysWithValues: Self.sectionOrder.enumerated().map { ($1, $0) })
        return try await store.topics().sorted { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }
    }

    /// Adds the reader's routes to `router`.
    public func addRoutes(to router: Router<ReaderContext>) {
        router.get("/") { _, _ in try await home() }
        router.get("/article/:id") { _, context in
            let id = context.parameters.get("id").map { String($0) }
            guard let id, id.count <= 64, let article = try await store.article(id: id) else {
                return page(title: "غير موجود", body: "<p>لم نجد هذا الخبر.</p>", status: .notFound)
            }
            return await articlePage(article)
        }
        addSectionRoutes(to: router)
        addStatusRoute(to: router)
        router.post("/api/images/:id/report") { request, context -> Response in
            guard let id = context.parameters.get("id", as: Int64.self) else { return Response(status: .badRequest) }
            let address = context.remoteAddress?.ipAddress ?? "unknown"
            let userAgent = String((request.headers[.userAgent] ?? "").prefix(300))
            let outcome = try await store.report(
                image: id,
                address: address,
                userAgent: userAgent,
                threshold: reportThreshold,
                perHour: reportsPerHour
            )
            switch outcome {
            case .unknownImage:
                return page(title: "غير موجود", body: "<p>لا توجد صورة بهذا الرقم.</p>", status: .notFound)
            case .rateLimited:
                return page(
                    title: "مهلا",
                    body: "<p>أبلغت عن صور كثيرة خلال ساعة. حاول لاحقا.</p>",
                    status: .tooManyRequests
                )
            case .counted, .duplicate:
                return page(title: "شكرا", body: "<p>\(Self.reportThanks)</p><p><a href=\"/\">الرئيسية</a></p>")
            }
        }
        router.get("/search") { request, _ in
            let query = request.uri.queryParameters.get("q") ?? ""
            return try await searchPage(query: query)
        }
        router.get("/api/search") { request, _ -> Response in
            let query = request.uri.queryParameters.get("q") ?? ""
            let hits = try await store.search(query, limit: 20)
            return try json(
                hits.map {
                    SearchResult(
                        id: $0.article.id,
                        title: $0.article.title,
                        source: $0.article.sourceName ?? $0.article.sourceID,
                        published: $0.article.published,
                        url: $0.article.url,
                        snippet: $0.snippetText,
                        matched: $0.snippet.filter(\.highlighted).map(\.text)
                    )
                }
            )
        }
        router.get("/api/articles") { request, _ -> Response in
            let parameters = request.uri.queryParameters
            let limit = min(max(parameters.get("limit", as: Int.self) ?? 50, 1), 200)
            let requested = parameters.get("section").map { String($0) }
            let before = parameters.get("before", as: Double.self).map(Date.init(timeIntervalSince1970:))
            var section: String?
            if let requested, try await isSection(requested) { section = requested }
            return try json(try await store.latest(limit: limit, topic: section, before: before))
        }
        router.get("/api/articles/:id") { _, context -> Response in
            let id = context.parameters.get("id").map { String($0) }
            guard let id, id.count <= 64, let article = try await store.article(id: id) else {
                return Response(status: .notFound)
            }
            return try json(article)
        }
    }

    public static let searchForm =
        "<form action=\"/search\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" "
        + "maxlength=\"200\" placeholder=\"ابحث في الأخبار\" dir=\"auto\"> <button>بحث</button></form>"

    func searchPage(query: String) async throws -> Response {
        let query = String(query.prefix(ArticleStore.maximumQueryLength))
        var body = "<h1><a href=\"/\">نشرة</a> — بحث</h1>" + Self.searchForm
        guard !query.trimmingCharacters(in: .whitespaces).isEmpty else { return page(title: "بحث", body: body) }
        let hits = try await store.search(query, limit: 20)
        body += "<p>نتائج البحث عن «\(HTMLEscaping.escape(query))»: \(hits.count)</p><ol class=\"results\">"
        for hit in hits {
            body += "<li><a href=\"/article/\(HTMLEscaping.escape(hit.article.id))\">"
            body += "\(HTMLEscaping.escape(hit.article.title))</a> <small>"
            body += HTMLEscaping.escape(hit.article.sourceName ?? hit.article.sourceID)
            if let published = hit.article.published { body += " · \(displayDate(published))" }
            body += "</small><p>"
            for run in hit.snippet {
                body +=
                    run.highlighted ? "<mark>\(HTMLEscaping.escape(run.text))</mark>" : HTMLEscaping.escape(run.text)
            }
            body += "</p></li>"
        }
        body += "</ol>"
        if hits.isEmpty { body += "<p>لا توجد نتائج.</p>" }
        return page(title: "بحث: " + query, body: body)
    }

    func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value)))
        )
    }

    public func home() async throws -> Response {
        let articles = try await store.latest(limit: 10, topic: nil, before: nil, headlinesOnly: true)
        var body = "<h1>نشرة — آخر الأخبار</h1>" + Self.searchForm
        if articles.isEmpty { body += "<p>لا توجد أخبار بعد.</p>" }
        body += "<ul class=\"ticker\">"
        for article in articles {
            body +=
                "<li><a href=\"/article/\(HTMLEscaping.escape(article.id))\">\(HTMLEscaping.escape(article.title))</a>"
            body += " <small>\(HTMLEscaping.escape(article.sourceName ?? article.sourceID))"
            body += " · \(Self.topicNames[article.topic] ?? HTMLEscaping.escape(article.topic))</small></li>"
        }
        body += "</ul>" + (try await sectionBlocks())
        return page(title: "نشرة", body: body)
    }

    public func articlePage(_ article: StoredArticle) async -> Response {
        let source = HTMLEscaping.escape(article.sourceName ?? article.sourceID)
        var body = "<article><h1>\(HTMLEscaping.escape(article.title))</h1>"
        if let published = article.published {
            body += "<p class=\"byline\">نشر في \(source) يوم \(displayDate(published))</p>"
        } else {
            body += "<p class=\"byline\">نشر في \(source)</p>"
        }
        for image in article.images {
            body +=
                "<figure><img src=\"\(HTMLEscaping.url(image.url))\" alt=\"\(HTMLEscaping.escape(image.caption ?? ""))\""
            body += " loading=\"lazy\" referrerpolicy=\"no-referrer\">"
            if let caption = image.caption { body += "<figcaption>\(HTMLEscaping.escape(caption))</figcaption>" }
            body +=
                "<form method=\"post\" action=\"/api/images/\(image.id)/report\"><button>إبلاغ عن الصورة</button></form>"
            body += "</figure>"
        }
        for paragraph in article.paragraphs { body += "<p>\(HTMLEscaping.escape(paragraph))</p>" }
        body +=
            "<p><a rel=\"noopener nofollow\" href=\"\(HTMLEscaping.url(article.url))\">انقر هنا لقراءة الخبر من مصدره</a></p>"
        let others = (try? await store.sameStory(as: article.id)) ?? []
        if !others.isEmpty {
            // The same story from other outlets, first publisher first.
            body += "<section class=\"also\"><h2>نشر أيضا في</h2><ul>"
            for other in others {
                body += "<li><a href=\"/article/\(HTMLEscaping.escape(other.id))\">"
                body += HTMLEscaping.escape(other.sourceName ?? other.sourceID) + "</a>"
                if let published = other.published { body += " <small>\(displayDate(published))</small>" }
                body += "</li>"
            }
            body += "</ul></section>"
        }
        body += "</article><p><a href=\"/\">الرئيسية</a></p>"
        return page(title: article.title, body: body)
    }

    /// `dd - mm - yyyy` in the display time zone, as Masress writes it.
    public func displayDate(_ date: Date) -> String {
        let parts = calendar.dateComponents([.day, .month, .year], from: date)
        return String(format: "%02d - %02d - %04d", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
    }

    func page(title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLEscaping.escape(title))</title>
            <style>body{font-family:"Noto Naskh Arabic","Noto Sans Arabic",Tahoma,sans-serif;max-width:48rem;margin:auto;\
            padding:1rem;line-height:1.8}a{color:#0b5394}small{color:#666}.byline{color:#555}img{max-width:100%}\
            ul.ticker li{margin:.4rem 0}mark{background:#fff3b0}table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd}\
            .bad{color:#b00;font-weight:bold}form{margin:1rem 0}input{font:inherit;padding:.3rem;width:60%}</style></head><body>\(body)</body></html>
            """
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; img-src https: http:; style-src 'unsafe-inline'",
                .init("X-Content-Type-Options")!: "nosniff",
                .init("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }
}

/// One result of `/api/search`.
struct SearchResult: Codable {
    var id: String
    var title: String
    var source: String
    var published: Date?
    var url: String
    var snippet: String
    var matched: [String]
}
