import Foundation
import GRDB
import NashraMessages

/// The embedded back end: `ArticleStore` (SQLite through GRDB, synchronous) run on its own threads, reads
/// several at once and writes one at a time, off the cooperative pool.
public struct SQLiteArchive: NewsArchive {
    public let engine: ArticleStore

    public init(_ engine: ArticleStore) {
        self.engine = engine
    }

    public var location: String { engine.path }

    @discardableResult
    public func store(_ batch: [ClassifiedArticle]) async throws -> Set<String> {
        try await engine.writing { try $0.commit($0.prepare(batch)) }
    }

    /// Disk full, I/O errors, locks held too long.
    public func isEnvironmental(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN, .SQLITE_NOMEM]
            .contains(error.resultCode)
    }

    public func count() async throws -> Int { try await engine.reading { try $0.count() } }

    public func list(_ query: ArticleQuery) async throws -> [StoredArticle] {
        try await engine.reading { try $0.list(query) }
    }

    public func headlines(ids: [String]) async throws -> [StoredArticle] {
        try await engine.reading { try $0.headlines(ids: ids) }
    }

    public func story(_ id: String, limit: Int) async throws -> [StoredArticle] {
        try await engine.reading { try $0.story(id, limit: limit) }
    }

    public func coverage(since: Date) async throws -> [StoryCoverage] {
        try await engine.reading { try $0.coverage(since: since) }
    }

    public func sources(since: Date) async throws -> [SourceSummary] {
        try await engine.reading { try $0.sources(since: since) }
    }

    public func multiOutletStories(limit: Int, before: Date?) async throws -> [StoryEntry] {
        try await engine.reading { try $0.multiOutletStories(limit: limit, before: before) }
    }

    public func topics() async throws -> [String] { try await engine.reading { try $0.topics() } }

    public func hasArticles(ofTopic topic: String) async throws -> Bool {
        try await engine.reading { try $0.hasArticles(ofTopic: topic) }
    }

    public func article(id: String) async throws -> StoredArticle? {
        try await engine.reading { try $0.article(id: id) }
    }

    public func sameStory(as id: String) async throws -> [StoredArticle] {
        try await engine.reading { try $0.sameStory(as: id) }
    }

    public func search(_ query: String, limit: Int) async throws -> [SearchHit] {
        try await engine.reading { try $0.search(query, limit: limit) }
    }

    public func remove(article idOrURL: String, reason: String) async throws -> Removal {
        try await engine.writing { try $0.remove(article: idOrURL, reason: reason) }
    }

    public func hide(source: String, reason: String) async throws -> Removal {
        try await engine.writing { try $0.hide(source: source, reason: reason) }
    }

    public func unhide(source: String) async throws -> Bool {
        try await engine.writing { try $0.unhide(source: source) }
    }

    public func record(health: SourceHealthReport) async throws {
        try await engine.writing { try $0.record(health: health) }
    }

    public func removals() async throws -> [Removal] { try await engine.reading { try $0.removals() } }

    public func takedownVersion() async throws -> Int64 { try await engine.readingVersion() }

    public func searchNewest(_ query: String, limit: Int, before: Int64?, after: Int64?) async throws
        -> [SearchHit]
    {
        try await engine.reading { try $0.searchNewest(query, limit: limit, before: before, after: after) }
    }

    public func report(image: Int64, address: String, userAgent: String, threshold: Int, perHour: Int) async throws
        -> ReportOutcome
    {
        try await engine.writing { store in
            let reader = try store.readerIdentity(address: address, userAgent: userAgent)
            return try store.report(image: image, reader: reader, threshold: threshold, perHour: perHour)
        }
    }

    public func restore(image: Int64) async throws { try await engine.writing { try $0.restore(image: image) } }

    public func freshness(window: TimeInterval, now: Date) async throws -> Freshness {
        try await engine.reading { try $0.freshness(window: window, now: now) }
    }

    public func prune(olderThan horizon: Date) async throws -> Int {
        try await engine.writing { try $0.prune(olderThan: horizon) }
    }

    public func storedRows() async throws -> [StoredRow] { try await engine.reading { try $0.storedRows() } }

    public func close() async {}
}
