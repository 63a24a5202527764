import Foundation

/// Hints a feed or sitemap gives about an item before its page is fetched.
public struct ItemHints: Codable, Sendable, Hashable {
    public var title: String?
    public var published: Date?
    public var section: String?
    public var image: String?

    public init(title: String? = nil, published: Date? = nil, section: String? = nil, image: String? = nil) {
        self.title = title
        self.published = published
        self.section = section
        self.image = image
    }
}

/// What the sources file says about a publisher that the parser needs: its time zone (for dates written
/// without an offset), its charset (when pages do not declare theirs), and extraction rules for outlets where
/// the generic extractor is not enough.
public struct SourceHints: Codable, Sendable, Hashable {
    public var timezone: String?
    public var charset: String?
    public var rules: ExtractionRules?

    public init(timezone: String? = nil, charset: String? = nil, rules: ExtractionRules? = nil) {
        self.timezone = timezone
        self.charset = charset
        self.rules = rules
    }
}

/// Per-source extraction rules: CSS selectors (a tag, `.class`, `#id`, or a compound of them such as
/// `div.article-body`; several separated by commas). The generic extractor stays the fallback for whatever a
/// rule does not find.
public struct ExtractionRules: Codable, Sendable, Hashable {
    /// The element holding the article's text: its paragraphs and sub-headings, in order.
    public var body: String?
    public var title: String?
    /// An element whose text states the publication date (an Arabic text date or a structured one).
    public var date: String?
    /// Elements inside the body to leave out (share bars, related lists, ads).
    public var remove: [String]?

    public init(body: String? = nil, title: String? = nil, date: String? = nil, remove: [String]? = nil) {
        self.body = body
        self.title = title
        self.date = date
        self.remove = remove
    }
}

/// Work for a fetcher worker: poll a feed or fetch an article page. Queue `nashra.fetch`.
public struct FetchJob: NashraMessage, Hashable {
    public static let messageType = "nashra.fetch-job"
    public static let currentSchema = 1

    public enum Kind: String, Codable, Sendable { case feed, article }

    public var schema: Int = Self.currentSchema
    public var kind: Kind
    public var url: String
    public var sourceID: String
    /// The publisher's display name (Arabic), from the sources file.
    public var sourceName: String?
    /// The publisher's time zone and charset, from the sources file.
    public var sourceHints: SourceHints?
    public var hints: ItemHints?
    /// Validators of the previous successful feed poll, sent back verbatim (conditional GET).
    public var etag: String?
    public var lastModified: String?
    /// Failed tries of this fetch so far (the frontier counts them).
    public var attempt: Int?
    /// When the frontier first saw the article's URL (in a feed or sitemap): the start of its freshness.
    public var discoveredAt: Date?

    public var messageID: String { "\(kind.rawValue):" + StableID.of(url) }

    public init(
        kind: Kind,
        url: String,
        sourceID: String,
        sourceName: String? = nil,
        hints: ItemHints? = nil,
        etag: String? = nil,
        lastModified: String? = nil
    ) {
        self.kind = kind
        self.url = url
        self.sourceID = sourceID
        self.sourceName = sourceName
        self.hints = hints
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// What a worker learned from polling a feed, sent back to the frontier. Queue `nashra.discovered`.
public struct FeedResult: NashraMessage {
    public static let messageType = "nashra.feed-result"
    public static let currentSchema = 1

    public struct Item: Codable, Sendable, Hashable {
        public var url: String
        public var hints: ItemHints
        public init(url: String, hints: ItemHints) {
            self.url = url
            self.hints = hints
        }
    }

    public var schema: Int = Self.currentSchema
    public var sourceID: String
    public var feedURL: String
    public var status: Int
    public var notModified: Bool
    public var etag: String?
    public var lastModified: String?
    public var items: [Item]
    public var error: String?
    public var polledAt: Date
    /// What the host asked for: seconds until the next request (`Retry-After`) and between requests
    /// (robots.txt `Crawl-delay`).
    public var retryAfter: Double?
    public var crawlDelay: Double?
    /// Other feeds the polled URL pointed to: children of a sitemap index, feeds a home page advertises.
    public var discoveredFeeds: [String]?
    /// The WebSub hub the feed advertises (`<link rel="hub">` or an HTTP `Link` header) and its topic (the feed's
    /// `rel="self"` address, else the URL polled).
    public var hub: String?
    public var topic: String?
    /// True when the feed came from its hub's delivery (WebSub), not from a poll.
    public var pushed: Bool?

    public var messageID: String { "feed:" + StableID.of(feedURL) + ":" + String(Int(polledAt.timeIntervalSince1970)) }

    public init(
        sourceID: String,
        feedURL: String,
        status: Int,
        notModified: Bool = false,
        etag: String? = nil,
        lastModified: String? = nil,
        items: [Item] = [],
        error: String? = nil,
        polledAt: Date = Date(),
        retryAfter: Double? = nil,
        crawlDelay: Double? = nil
    ) {
        self.retryAfter = retryAfter
        self.crawlDelay = crawlDelay
        self.sourceID = sourceID
        self.feedURL = feedURL
        self.status = status
        self.notModified = notModified
        self.etag = etag
        self.lastModified = lastModified
        self.items = items
        self.error = error
        self.polledAt = polledAt
    }
}

/// What became of an article fetch, sent by the worker back to the frontier (queue `nashra.discovered`), which
/// owns per-host pacing, retries and dead letters for fetches.
public struct FetchReport: NashraMessage {
    public static let messageType = "nashra.fetch-report"
    public static let currentSchema = 1

    public enum Outcome: String, Codable, Sendable {
        /// Fetched and sent on to the parser.
        case fetched
        /// Failed in a way that may pass (timeout, 5xx, 429): the frontier retries later.
        case retry
        /// Failed for good (404, a blocked address, a body over the cap): the frontier dead-letters the job.
        case failed
        /// robots.txt forbids the URL: not fetched, and not retried.
        case disallowed
    }

    public var schema: Int = Self.currentSchema
    public var job: FetchJob
    public var outcome: Outcome
    public var status: Int
    public var reason: String?
    public var retryAfter: Double?
    public var crawlDelay: Double?
    public var finishedAt: Date

    public var messageID: String {
        "report:" + job.messageID + ":" + String(Int(finishedAt.timeIntervalSince1970 * 1000))
    }

    public init(
        job: FetchJob,
        outcome: Outcome,
        status: Int,
        reason: String? = nil,
        retryAfter: Double? = nil,
        crawlDelay: Double? = nil,
        finishedAt: Date = Date()
    ) {
        self.job = job
        self.outcome = outcome
        self.status = status
        self.reason = reason
        self.retryAfter = retryAfter
        self.crawlDelay = crawlDelay
        self.finishedAt = finishedAt
    }
}

/// A fetched article page: raw bytes as served plus what the parser needs to decode them. Queue `nashra.pages`.
public struct FetchedPage: NashraMessage {
    public static let messageType = "nashra.fetched-page"
    public static let currentSchema = 1

    public var schema: Int = Self.currentSchema
    /// The URL the job asked for (canonical), which identifies the article.
    public var url: String
    /// Where redirects ended.
    public var finalURL: String
    public var sourceID: String
    public var sourceName: String?
    /// The publisher's time zone and charset, from the sources file.
    public var sourceHints: SourceHints?
    public var status: Int
    public var contentType: String?
    public var fetchedAt: Date
    public var hints: ItemHints?
    /// The body as served, after transfer decoding; capped by the fetcher.
    public var body: Data
    /// When the frontier first saw the URL (from the fetch job).
    public var discoveredAt: Date?

    public var messageID: String { "page:" + StableID.of(url) }

    public init(
        url: String,
        finalURL: String,
        sourceID: String,
        sourceName: String? = nil,
        status: Int,
        contentType: String?,
        fetchedAt: Date = Date(),
        hints: ItemHints? = nil,
        body: Data
    ) {
        self.url = url
        self.finalURL = finalURL
        self.sourceID = sourceID
        self.sourceName = sourceName
        self.status = status
        self.contentType = contentType
        self.fetchedAt = fetchedAt
        self.hints = hints
        self.body = body
    }
}

/// An image of an article, with its caption when the page gives one.
public struct ArticleImage: Codable, Sendable, Hashable {
    public var url: String
    public var caption: String?
    public init(url: String, caption: String? = nil) {
        self.url = url
        self.caption = caption
    }
}

/// An extracted article. Queue `nashra.articles`.
public struct Article: NashraMessage, Hashable {
    public static let messageType = "nashra.article"
    public static let currentSchema = 1

    public var schema: Int = Self.currentSchema
    /// Stable id: a hash of the canonical URL.
    public var id: String
    public var url: String
    public var sourceID: String
    public var sourceName: String?
    public var title: String
    public var published: Date?
    public var authors: [String]
    public var section: String?
    public var language: String?
    public var description: String?
    public var paragraphs: [String]
    public var images: [ArticleImage]
    /// Hash of title and body, to tell a real update from a re-fetch of the same text.
    public var contentHash: String
    public var fetchedAt: Date
    /// When the frontier first saw the URL (from the fetched page; nil for imported articles).
    public var discoveredAt: Date?
    /// The time zone its dates are shown in: the source's (the catalog's `timezone`), else the offset the page
    /// gave with its date (`GMT+0400`); nil for neither (the site's default, Cairo).
    public var timeZone: String?
    /// The outlet a page credits as the story's publisher, when it is not the site's own (an aggregator's page:
    /// «نشر في اليوم السابع يوم …»); `sourceName` stays the site's.
    public var credit: String?

    public var messageID: String { "article:" + id }

    public init(
        url: String,
        sourceID: String,
        sourceName: String? = nil,
        title: String,
        published: Date? = nil,
        authors: [String] = [],
        section: String? = nil,
        language: String? = nil,
        description: String? = nil,
        paragraphs: [String],
        images: [ArticleImage] = [],
        fetchedAt: Date = Date()
    ) {
        self.id = StableID.of(url)
        self.url = url
        self.sourceID = sourceID
        self.sourceName = sourceName
        self.title = title
        self.published = published
        self.authors = authors
        self.section = section
        self.language = language
        self.description = description
        self.paragraphs = paragraphs
        self.images = images
        self.contentHash = StableID.of(title + "\n" + paragraphs.joined(separator: "\n"))
        self.fetchedAt = fetchedAt
    }
}

/// An article with its topic and near-duplicate signature. Queue `nashra.classified`.
public struct ClassifiedArticle: NashraMessage, Hashable {
    public static let messageType = "nashra.classified-article"
    public static let currentSchema = 1

    public var schema: Int = Self.currentSchema
    public var article: Article
    public var topic: String
    public var confidence: Double
    /// True when the confidence is below the classifier's threshold.
    public var uncertain: Bool
    /// MinHash signature of the normalised text (see `StorySignature`).
    public var signature: [UInt32]

    public var messageID: String { "classified:" + article.id }

    public init(article: Article, topic: String, confidence: Double, uncertain: Bool, signature: [UInt32]) {
        self.article = article
        self.topic = topic
        self.confidence = confidence
        self.uncertain = uncertain
        self.signature = signature
    }
}
