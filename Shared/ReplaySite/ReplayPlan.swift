import Foundation

/// The feed format an outlet publishes.
public enum ReplayFeedFormat: String, Sendable, CaseIterable {
    case rss, atom, sitemap

    var path: String {
        switch self {
        case .rss: "/feed.xml"
        case .atom: "/atom.xml"
        case .sitemap: "/sitemap-news.xml"
        }
    }
}

/// One simulated outlet: its own port (so its own host for the frontier's pacing), name, feed format, charset and
/// speed.
public struct ReplayOutlet: Sendable {
    public var index: Int
    public var port: Int
    /// The outlet's display name (Arabic).
    public var name: String
    public var feed: ReplayFeedFormat
    /// Pages and feed served in windows-1256 rather than UTF-8.
    public var windows1256: Bool
    /// Every answer of this outlet is delayed this long.
    public var delayMilliseconds: Int

    public var id: String { "replay-\(index + 1)" }
    public var base: String { "http://127.0.0.1:\(port)" }
    public var feedURL: String { base + feed.path }
}

/// What a page of the replay publisher must become once the pipeline has seen it.
public enum ReplayFate: String, Codable, Sendable {
    /// An article (perhaps after a 503 or 429 first): stored exactly once.
    case stored
    /// A page that cannot be an article (gone, a decompression bomb, an endless body): dead-lettered with a
    /// reason.
    case dead
    /// Hostile markup that the parser may extract or refuse: stored or dead-lettered, never lost.
    case either
}

/// How a page behaves when asked for.
public enum ReplayBehaviour: String, Codable, Sendable, CaseIterable {
    case article
    /// 503 on the first request, then the article.
    case unavailableOnce = "503-once"
    /// 429 with `Retry-After: 1` on the first request, then the article.
    case throttledOnce = "429-once"
    /// 404 always.
    case gone
    /// `Content-Encoding: gzip` over 64 MB of zeros, 64 KB on the wire.
    case gzipBomb = "gzip-bomb"
    /// A body that never ends.
    case endless
    /// 100,000 nested elements around the article.
    case deepNesting = "deep-nesting"
    /// The article with bytes that are valid in no charset sprinkled through it.
    case invalidBytes = "invalid-bytes"

    /// The hostile behaviours, placed a few times in every run (`--hostile`).
    public static let hostile: [ReplayBehaviour] = [.gone, .gzipBomb, .endless, .deepNesting, .invalidBytes]

    public var fate: ReplayFate {
        switch self {
        case .article, .unavailableOnce, .throttledOnce: .stored
        case .gone, .gzipBomb, .endless: .dead
        case .deepNesting, .invalidBytes: .either
        }
    }
}

/// One page of the replay publisher, as the manifest lists it.
public struct ReplayArticle: Codable, Sendable {
    public var url: String
    public var outlet: String
    /// When it appears in its outlet's feed (seconds since 1970): the start of its freshness.
    public var published: Double
    public var behaviour: ReplayBehaviour
    public var fate: ReplayFate
    /// Index of the corpus story it tells.
    public var story: Int
}

/// Everything the replay publisher will publish, decided before it starts: outlets, and per outlet its pages in
/// publication order. Deterministic for given settings, so a run can be reproduced and audited.
public struct ReplayPlan: Sendable {
    public struct Settings: Sendable {
        /// Good articles (the hostile pages come on top).
        public var articles = 1000
        public var hosts = 20
        /// Port of the first outlet; the others follow.
        public var firstPort = 8800
        /// Articles published per second over all outlets; 0 publishes everything at the start.
        public var rate: Double = 0
        /// How many pages of each hostile kind.
        public var hostile = 1
        /// One 503-once and one 429-once article in this many.
        public var flakyEvery = 25
        /// Delay of the slow outlets (one in seven), in milliseconds.
        public var slowMilliseconds = 150
        /// How many of the newest published pages a feed lists, as a publisher's feed carries its latest items; 0
        /// lists every page published so far (a backlog run needs them all, a long run at a rate does not).
        public var feedItems = 0

        public init() {}
    }

    public let settings: Settings
    public let start: Date
    public let outlets: [ReplayOutlet]
    /// Per outlet, its pages in publication order.
    public let pages: [[ReplayArticle]]

    static let names = [
        "صوت الشرق", "أنباء الخليج", "الرأي اليوم", "أخبار النيل", "بوابة المغرب", "الوطن العربي", "صدى الشام",
        "الجزيرة الخضراء", "نبض الرافدين", "الأهرام الجديد", "مرآة البحرين", "شمس الأردن", "أصداء تونس",
        "الخبر اليقين", "نافذة الجزائر", "فجر اليمن", "رسالة السودان", "منبر ليبيا", "عين الكويت", "ضحى عمان",
    ]

    /// - Parameters:
    ///   - stories: how many stories the corpus has (articles cycle through them).
    public init(settings: Settings, stories: Int, start: Date = Date()) {
        self.settings = settings
        self.start = start
        let hosts = max(1, settings.hosts)
        outlets = (0..<hosts).map { index in
            let name = Self.names[index % Self.names.count]
            return ReplayOutlet(
                index: index,
                port: settings.firstPort + index,
                name: index < Self.names.count ? name : "\(name) \(index / Self.names.count + 1)",
                feed: ReplayFeedFormat.allCases[index % ReplayFeedFormat.allCases.count],
                windows1256: index % 5 == 4,
                delayMilliseconds: index % 7 == 3 ? settings.slowMilliseconds : 0
            )
        }
        // Good articles in publication order, then the hostile pages spread evenly through the same timeline.
        var timeline: [(position: Double, behaviour: ReplayBehaviour)] = (0..<settings.articles).map { number in
            (Double(number), .article)
        }
        let hostile = ReplayBehaviour.hostile.flatMap { Array(repeating: $0, count: max(0, settings.hostile)) }
        for (number, behaviour) in hostile.enumerated() {
            let position = Double(settings.articles) * Double(number + 1) / Double(hostile.count + 1) + 0.5
            timeline.append((position, behaviour))
        }
        timeline.sort { $0.position < $1.position }
        var pages = [[ReplayArticle]](repeating: [], count: hosts)
        var goodSoFar = [Int](repeating: 0, count: hosts)  // per outlet
        for (number, var entry) in timeline.enumerated() {
            let outlet = outlets[number % hosts]
            if entry.behaviour == .article {
                entry.behaviour = Self.behaviour(
                    rank: goodSoFar[outlet.index],
                    outlet: outlet.index,
                    settings.flakyEvery
                )
                goodSoFar[outlet.index] += 1
            }
            let published =
                settings.rate > 0 ? start.addingTimeInterval(entry.position / settings.rate) : start
            pages[outlet.index].append(
                ReplayArticle(
                    url: outlet.base + "/news/\(number % 7 + 1)/article-\(number + 1).html",
                    outlet: outlet.id,
                    published: published.timeIntervalSince1970,
                    behaviour: entry.behaviour,
                    fate: entry.behaviour.fate,
                    story: number % max(1, stories)
                )
            )
        }
        self.pages = pages
    }

    /// One 503-once and one 429-once in every `flakyEvery` articles of each outlet (by the article's rank among the
    /// outlet's own), at places that differ from outlet to outlet, so that the outlets do not all fail at once.
    /// Chosen by the article's number over all outlets, as before, an outlet count that is a multiple of
    /// `flakyEvery` (50 outlets, one in 25) sent every flaky article of a kind to the same two outlets: in the
    /// hour-long soak those answered 429 to everything they published, the frontier honoured each `Retry-After`,
    /// and they fell twenty minutes behind, two outlets after another.
    static func behaviour(rank: Int, outlet: Int, _ every: Int) -> ReplayBehaviour {
        guard every > 0 else { return .article }
        switch (rank + outlet * 7) % every {
        case every / 2: return .unavailableOnce
        case every - 1: return .throttledOnce
        default: return .article
        }
    }

    /// Every page, in publication order.
    public var manifest: [ReplayArticle] {
        pages.joined().sorted { ($0.published, $0.url) < ($1.published, $1.url) }
    }

    /// The sources file (YAML) that points the frontier at every outlet's feed.
    public func sourcesYAML(pollInterval: Int) -> String {
        var yaml = "# Written by `nashra-dev replay-site`: its \(outlets.count) simulated outlets.\nsources:\n"
        for outlet in outlets {
            yaml += """
                  - id: \(outlet.id)
                    name: \(outlet.name)
                    home: \(outlet.base)/
                    feeds:
                      - \(outlet.feedURL)
                    poll_interval: \(pollInterval)
                    language: ar
                    timezone: Asia/Riyadh

                """
        }
        return yaml
    }
}
