import Foundation
import Hummingbird
import NIOCore
import NashraHTML
import NashraRuntime
import Store

/// The reader web: right-to-left pages rebuilt from stored paragraphs (never the publisher's HTML), every scraped
/// string escaped, and a Content-Security-Policy that allows no script at all. The home page (breaking news, the
/// ticker, top stories, the latest list and section blocks), article pages, story pages («التغطية الكاملة»), the
/// sources directory and each source's page, section pages, one day's archive, search, RSS and JSON feeds, a
/// sitemap, image reports, a JSON API and `/status`. The pages read the store through `NewsArchive` (SQLite's
/// reads run on its own threads, PostgreSQL's over its connection pool), so no handler blocks a thread of the
/// cooperative pool. Every page and feed carries validators and answers conditional requests
/// (`ConditionalRequests`).
public struct ReaderSite: Sendable {
    public let store: any NewsArchive
    public let displayTimeZone: TimeZone
    /// The Gregorian calendar in `displayTimeZone`, made once: making one per date cost most of a home page.
    let calendar: Calendar

    /// Distinct readers whose reports hide an image, and the most reports one reader may make in an hour.
    public let reportThreshold: Int
    public let reportsPerHour: Int
    /// Who a request is from (behind trusted proxies, the client they name), and each client's search budget.
    public let clients: ClientAddresses
    public let searchLimiter: ClientRateLimiter
    /// The site's public address (`https://news.example`, no trailing slash) for canonical links, feeds and the
    /// sitemap; nil: the address each request came to.
    public let publicURL: String?
    /// How top stories are ranked and when a story is breaking.
    public let ranking: StoryRanking
    /// The present, for top stories, breaking news and the sources' last 24 hours (tests set it).
    let now: @Sendable () -> Date
    /// How long a list is served from the page cache before it is made again (`ResponseCache`).
    let pageLifetime: Duration
    /// The last ranking of top stories (`topStories`).
    let rankedStories = RankedStories()

    public init(
        store: any NewsArchive,
        displayTimeZone: TimeZone = TimeZone(identifier: "Africa/Cairo")!,
        reportThreshold: Int = 3,
        reportsPerHour: Int = 20,
        publicURL: String? = nil,
        ranking: StoryRanking = StoryRanking(),
        pageLifetime: Duration = .seconds(1),
        clients: ClientAddresses = ClientAddresses(),
        searchesPerMinute: Int = 60,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.clients = clients
        self.searchLimiter = ClientRateLimiter(perMinute: searchesPerMinute)
        self.pageLifetime = pageLifetime
        self.store = store
        self.displayTimeZone = displayTimeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = displayTimeZone
        self.calendar = calendar
        self.reportThreshold = reportThreshold
        self.reportsPerHour = reportsPerHour
        self.publicURL = publicURL.flatMap { url in
            let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
            return trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://") ? trimmed : nil
        }
        self.ranking = ranking
        self.now = now
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

    /// Adds the reader's routes to `router`, behind conditional requests.
    public func addRoutes(to router: Router<ReaderContext>) {
        router.add(middleware: ConditionalRequests<ReaderContext>())
        router.add(middleware: ResponseCache<ReaderContext>(store: store, lifetime: pageLifetime))
        router.get("/site.css") { _, _ in
            Self.respond(Self.stylesheet, type: "text/css; charset=utf-8", maxAge: 31_536_000)
        }
        addArticleRoutes(to: router)
        addStoryRoutes(to: router)
        addSourceRoutes(to: router)
        addSectionRoutes(to: router)
        addFeedRoutes(to: router)
        addAPIRoutes(to: router)
        addStatusRoute(to: router)
        router.post("/api/images/:id/report") { request, context -> Response in
            guard let id = context.parameters.get("id", as: Int64.self) else { return Response(status: .badRequest) }
            let address = clients.client(of: request, context: context)
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
                return notFound("لا توجد صورة بهذا الرقم.")
            case .rateLimited:
                return page(
                    title: "مهلا",
                    body: "<p>أبلغت عن صور كثيرة خلال ساعة. حاول لاحقا.</p>",
                    status: .tooManyRequests
                )
            case .counted, .duplicate:
                var response = page(
                    title: "شكرا",
                    body: "<p>\(Self.reportThanks)</p><p><a href=\"/\">الرئيسية</a></p>"
                )
                response.headers[.cacheControl] = "no-store"
                return response
            }
        }
    }

    func notFound(_ message: String) -> Response {
        page(title: "غير موجود", body: "<h1>غير موجود</h1><p>\(message)</p>", status: .notFound)
    }

    /// The site's own address: `publicURL`, else the one the reader reached (for absolute links).
    func base(of request: Request) -> String {
        if let publicURL { return publicURL }
        let host = request.head.authority.map { String($0.prefix(255)) } ?? "127.0.0.1:8080"
        let safe = host.allSatisfy { $0.isLetter || $0.isNumber || ".-:[]".contains($0) }
        return "http://" + (safe ? host : "127.0.0.1:8080")
    }

    /// ISO 8601 with the display zone's offset (what `<time datetime>`, JSON-LD and sitemaps carry).
    static func iso(_ date: Date, in zone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: zone)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
        return date.formatted(style)
    }

    /// JSON of the API and feeds, with `<`, `>` and `&` inside strings written as escapes (`HTMLEscaping.inertJSON`).
    func json<T: Encodable>(_ value: T, maxAge: Int = 15) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = HTMLEscaping.inertJSON(String(decoding: try encoder.encode(value), as: UTF8.self))
        return Self.respond(text, type: "application/json; charset=utf-8", maxAge: maxAge)
    }

    /// A JSON-LD block's text (`HTMLEscaping.inertJSON`), so that no text in it can close the `<script>` element.
    static func jsonLD(_ object: [String: Any]) -> String {
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: options) else { return "{}" }
        return HTMLEscaping.inertJSON(String(decoding: data, as: UTF8.self))
    }

    /// `url` when it is an http(s) address (images and links in JSON and meta tags); nil otherwise.
    static func webURL(_ url: String?) -> String? {
        guard let url, HTMLEscaping.url(url) != "#" else { return nil }
        return url
    }

    /// «خبر واحد», «خبران», «3 أخبار», «11 خبرا».
    static func articleCount(_ count: Int) -> String {
        switch count {
        case 0: "لا أخبار"
        case 1: "خبر واحد"
        case 2: "خبران"
        case 3...10: "\(count) أخبار"
        default: "\(count) خبرا"
        }
    }

    /// «مصدر واحد», «مصدران», «3 مصادر», «11 مصدرا»: Arabic counts agree with their noun.
    static func outletCount(_ count: Int) -> String {
        switch count {
        case 1: "مصدر واحد"
        case 2: "مصدران"
        case 3...10: "\(count) مصادر"
        default: "\(count) مصدرا"
        }
    }
}
