import Foundation

/// A position in a list of articles, newest first: the last (or first) item's sort time and id. Lists are paged
/// by cursor, never by offset, so a deep page costs what the first one does (an index seek), and an article
/// stored while a reader pages neither repeats an item nor skips one. The id breaks ties between articles of the
/// same second (feeds often give minutes only).
public struct ListCursor: Sendable, Hashable, Codable {
    public var time: Double
    public var id: String

    public init(time: Double, id: String) {
        self.time = time
        self.id = id
    }

    /// Just past (older than, or newer than) every article at `date`.
    public init(date: Date) {
        self.init(time: date.timeIntervalSince1970, id: "")
    }

    /// The cursor of an article in a list: its publication time, else its fetch time (the stored sort time).
    public init(_ article: StoredArticle) {
        self.init(time: article.sortDate.timeIntervalSince1970, id: article.id)
    }

    /// `1764000300.5_0123abcd…`: what links and the API carry.
    public var text: String { "\(time)_\(id)" }

    /// A cursor from its text; a bare number (the earlier `before=` form) is a time. Nil for anything else.
    public init?(text: String) {
        let parts = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let time = Double(first), time.isFinite else { return nil }
        let id = parts.count > 1 ? String(parts[1]) : ""
        // Ids are hex digits (`StableID`); anything else in a cursor is not one of ours.
        guard id.utf8.count <= 64, id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x7a).contains($0) })
        else { return nil }
        self.init(time: time, id: id)
    }
}

/// Which articles a list shows: filters, one page's position, and its size.
public struct ArticleQuery: Sendable, Equatable {
    public enum Page: Sendable, Equatable {
        case newest
        /// The articles after this one in the list (older).
        case olderThan(ListCursor)
        /// The articles before this one in the list (newer): the page a «أحدث» link goes back to.
        case newerThan(ListCursor)
    }

    public var topic: String?
    public var source: String?
    /// Only articles whose sort time is in `from..<until` (a day of the archive).
    public var from: Date?
    public var until: Date?
    public var page: Page
    public var limit: Int
    /// Leaves out bodies and images (lists of headlines need neither, and reading them is most of the cost).
    public var headlinesOnly: Bool

    public init(
        topic: String? = nil,
        source: String? = nil,
        from: Date? = nil,
        until: Date? = nil,
        page: Page = .newest,
        limit: Int = 50,
        headlinesOnly: Bool = true
    ) {
        self.topic = topic
        self.source = source
        self.from = from
        self.until = until
        self.page = page
        self.limit = min(max(limit, 1), 500)
        self.headlinesOnly = headlinesOnly
    }
}

/// One outlet's copies of one story in a window: when its first and latest copy came.
public struct StoryCoverage: Sendable, Equatable {
    public var story: String
    public var sourceID: String
    public var first: Date
    public var last: Date

    public init(story: String, sourceID: String, first: Date, last: Date) {
        self.story = story
        self.sourceID = sourceID
        self.first = first
        self.last = last
    }
}

/// An outlet as the sources directory shows it.
public struct SourceSummary: Sendable, Equatable, Codable {
    public var id: String
    public var name: String?
    /// Articles with a sort time in the window asked for (the last 24 hours on the site).
    public var recentArticles: Int
    public var newest: Date?
    /// Its feeds as the frontier last reported them; nil when no report named it.
    public var feeds: FeedHealth?

    public init(id: String, name: String?, recentArticles: Int, newest: Date?, feeds: FeedHealth? = nil) {
        self.id = id
        self.name = name
        self.recentArticles = recentArticles
        self.newest = newest
        self.feeds = feeds
    }

    /// The outlets with articles (`activity`) joined with the outlets of the feed reports (`health`, by source id,
    /// with the name the catalog gives): an outlet followed but with nothing stored yet is listed too.
    static func merge(activity: [SourceSummary], health: [String: (name: String?, feeds: FeedHealth)])
        -> [SourceSummary]
    {
        var merged = activity.map { source in
            var source = source
            source.feeds = health[source.id]?.feeds
            return source
        }
        let known = Set(activity.map(\.id))
        for (id, report) in health where !known.contains(id) {
            merged.append(SourceSummary(id: id, name: report.name, recentArticles: 0, newest: nil, feeds: report.feeds))
        }
        return merged.sorted { $0.id < $1.id }
    }
}

/// One outlet's feeds in the frontier's latest report (`SourceHealthReport`).
public struct FeedHealth: Sendable, Equatable, Codable {
    /// Feeds followed, and how many of them are broken (failed several polls in a row).
    public var feeds: Int
    public var broken: Int
    public var lastSuccess: Date?
    public var lastError: String?
    /// When the frontier made the report: an old report says nothing about now.
    public var reportedAt: Date

    public init(feeds: Int, broken: Int, lastSuccess: Date?, lastError: String?, reportedAt: Date) {
        self.feeds = feeds
        self.broken = broken
        self.lastSuccess = lastSuccess
        self.lastError = lastError
        self.reportedAt = reportedAt
    }
}

/// A story told by more than one outlet, for the sitemap: its id, how many outlets, its latest copy.
public struct StoryEntry: Sendable, Equatable {
    public var story: String
    public var outlets: Int
    public var latest: Date

    public init(story: String, outlets: Int, latest: Date) {
        self.story = story
        self.outlets = outlets
        self.latest = latest
    }
}

extension StoredArticle {
    /// The story this article belongs to (its own id when it tells a story alone).
    public var story: String { clusterID ?? id }
    /// The time lists sort by: publication, else fetch.
    public var sortDate: Date { published ?? fetchedAt }
}
