import Foundation

/// The frontier's view of every source's feeds, sent to the store about once a minute (queue `nashra.health`).
/// The reader site reads only the store, on another process and possibly another machine; this report is how
/// its sources directory knows whether an outlet's feeds are healthy, not only whether the outlet published.
public struct SourceHealthReport: NashraMessage, Hashable {
    public static let messageType = "nashra.source-health"
    public static let currentSchema = 1

    /// One source's feeds as the frontier last saw them.
    public struct Source: Codable, Sendable, Hashable {
        public var sourceID: String
        public var name: String?
        /// Feeds followed (the home page counts as one for a source followed through its page).
        public var feeds: Int
        /// Feeds that failed several polls in a row (reported broken and polled rarely).
        public var broken: Int
        /// The last successful poll of any of its feeds.
        public var lastSuccess: Date?
        /// The latest failure of a broken feed, as the fetcher described it.
        public var lastError: String?

        public init(
            sourceID: String,
            name: String? = nil,
            feeds: Int,
            broken: Int,
            lastSuccess: Date? = nil,
            lastError: String? = nil
        ) {
            self.sourceID = sourceID
            self.name = name
            self.feeds = feeds
            self.broken = broken
            self.lastSuccess = lastSuccess
            self.lastError = lastError
        }
    }

    public var schema: Int = Self.currentSchema
    public var sources: [Source]
    public var reportedAt: Date

    public var messageID: String { "health:" + String(Int(reportedAt.timeIntervalSince1970 * 1000)) }

    public init(sources: [Source], reportedAt: Date = Date()) {
        self.sources = sources
        self.reportedAt = reportedAt
    }
}
