import Foundation
import GRDB

/// How fresh the news is, the figure readers feel: how long after its publication (and after the frontier first
/// saw its URL) an article was stored.
public struct Freshness: Sendable, Codable, Equatable {
    /// Quantiles of one measure, in seconds.
    public struct Quantiles: Sendable, Codable, Equatable {
        public var count: Int
        public var p50: Double?
        public var p95: Double?

        /// The nearest-rank quantiles of `values` (which need not be sorted).
        public init(_ values: [Double]) {
            let sorted = values.sorted()
            count = sorted.count
            func rank(_ q: Double) -> Double? {
                sorted.isEmpty
                    ? nil : sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
            }
            p50 = rank(0.5)
            p95 = rank(0.95)
        }
    }

    /// Publication → stored (articles with a publication date).
    public var sincePublished: Quantiles
    /// Discovery by the frontier → stored (articles that came through the fetcher).
    public var sinceDiscovered: Quantiles
    /// The window: articles first stored within it.
    public var window: TimeInterval
}

extension ArticleStore {
    /// Freshness of the articles first stored in the last `window` seconds (an hour by default). A publication
    /// time in the future (a publisher's clock or time zone gone wrong) counts as 0.
    public func freshness(window: TimeInterval = 3600, now: Date = Date()) throws -> Freshness {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT created_at, published, discovered_at FROM articles WHERE created_at >= ?",
                arguments: [now.timeIntervalSince1970 - window]
            )
            var published: [Double] = []
            var discovered: [Double] = []
            for row in rows {
                let created: Double = row["created_at"]
                if let time: Double = row["published"] { published.append(max(0, created - time)) }
                if let time: Double = row["discovered_at"] { discovered.append(max(0, created - time)) }
            }
            return Freshness(
                sincePublished: .init(published),
                sinceDiscovered: .init(discovered),
                window: window
            )
        }
    }
}
