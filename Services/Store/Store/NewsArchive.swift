import Foundation
import Logging
import NashraMessages

/// The store as the services see it: what the store stage writes and what the reader site, retention and the
/// operators' tools read. Two back ends implement it:
/// - `SQLiteArchive` (the embedded default, one file, one writer): `ArticleStore` through GRDB;
/// - `PostgresArchive` (`NASHRA_DB=postgres://…`): PostgreSQL through PostgresNIO, for archives and read loads
///   beyond one machine, and for more than one store writer on one queue.
///
/// Both keep the same rules: idempotent upserts keyed by the article id (a redelivery never duplicates a row),
/// search over `SearchText`'s folded forms, story clusters from the classifier's MinHash bands verified by
/// `StorySimilarity`, image reports hidden at a threshold of distinct readers. `NewsArchiveContractTests` and
/// `PostgresStoreTests` run the same checks against both.
public protocol NewsArchive: Sendable {
    /// Where the archive is, for logs (a path, or a PostgreSQL URL without its password).
    var location: String { get }

    /// Stores a batch in one transaction: inserts new articles, updates changed ones, assigns their stories.
    /// - Returns: the ids of the articles that were new.
    @discardableResult func store(_ batch: [ClassifiedArticle]) async throws -> Set<String>
    /// Whether a failed write is the machine's trouble (disk full, I/O, the database unreachable) rather than
    /// the data's: the writer then holds its batch and tries again instead of spending an attempt.
    func isEnvironmental(_ error: any Error) -> Bool

    func count() async throws -> Int
    /// One page of a list of articles, newest first (by publication time, else fetch time, then id).
    func list(_ query: ArticleQuery) async throws -> [StoredArticle]
    /// Headlines (no body) by id, in the order of `ids`, each with its lead image (the first visible one) if any.
    func headlines(ids: [String]) async throws -> [StoredArticle]
    /// Every copy of a story (at most `limit`), first publisher first, as headlines with their lead images.
    func story(_ id: String, limit: Int) async throws -> [StoredArticle]
    /// Per story of more than one outlet and per outlet, its first and latest copy with a sort time from `since`.
    func coverage(since: Date) async throws -> [StoryCoverage]
    /// Every outlet with articles or a feed report (hidden ones left out): its name, its articles since `since`,
    /// its newest article's time, and its feeds' health as the frontier last reported it.
    func sources(since: Date) async throws -> [SourceSummary]
    /// Keeps the frontier's report on its sources' feeds (each source's row replaced by a newer report's).
    func record(health: SourceHealthReport) async throws
    /// The stories of more than one outlet, latest copy first, at most `limit`, whose latest copy is older than
    /// `before` when given (the sitemap's and the stories API's).
    func multiOutletStories(limit: Int, before: Date?) async throws -> [StoryEntry]
    /// The topics with articles, in alphabetical order.
    func topics() async throws -> [String]
    func hasArticles(ofTopic topic: String) async throws -> Bool
    func article(id: String) async throws -> StoredArticle?
    /// The other articles of an article's story, first publisher first.
    func sameStory(as id: String) async throws -> [StoredArticle]
    /// Articles matching every term of `query`, best first, with a passage around the matches.
    func search(_ query: String, limit: Int) async throws -> [SearchHit]
    /// Articles matching every term of `query`, newest stored first, before or after a hit's `sequence`: search
    /// results paged by cursor.
    func searchNewest(_ query: String, limit: Int, before: Int64?, after: Int64?) async throws -> [SearchHit]

    /// Removes an article, by id or by URL, from every surface and refuses it from now on; `title` and `url` are
    /// the stored article's when it was stored. An id or URL the store never had is refused all the same.
    func remove(article idOrURL: String, reason: String) async throws -> Removal
    /// Hides a source: deletes its articles and refuses its articles from now on.
    func hide(source: String, reason: String) async throws -> Removal
    /// Accepts a hidden source's articles again (its deleted articles come back only if fetched again); false when
    /// it was not hidden.
    func unhide(source: String) async throws -> Bool
    /// Every removal in force, newest first.
    func removals() async throws -> [Removal]
    /// A number that changes whenever readers must stop (or start) seeing something at once: a removal, a hidden
    /// source, an image hidden by reports or restored. Caches of pages are valid only while it stays the same.
    func takedownVersion() async throws -> Int64

    /// A reader's report of an image (the reader known by a salted hash of address and user agent).
    func report(image: Int64, address: String, userAgent: String, threshold: Int, perHour: Int) async throws
        -> ReportOutcome
    /// Shows an image again and forgets its reports.
    func restore(image: Int64) async throws

    /// Freshness of the articles first stored in the last `window` seconds.
    func freshness(window: TimeInterval, now: Date) async throws -> Freshness
    /// Deletes the articles older than `horizon` with all that hangs on them; returns how many.
    func prune(olderThan horizon: Date) async throws -> Int
    /// Every stored article's id, URL and first commit time (`nashra-dev audit`).
    func storedRows() async throws -> [StoredRow]
    /// Closes connections; the archive is not used afterwards.
    func close() async
}

extension NewsArchive {
    /// The newest articles first, optionally of one topic and older than `before`; `headlinesOnly` leaves out
    /// bodies and images.
    public func latest(limit: Int = 50, topic: String? = nil, before: Date? = nil, headlinesOnly: Bool = false)
        async throws -> [StoredArticle]
    {
        try await list(
            ArticleQuery(
                topic: topic,
                page: before.map { .olderThan(ListCursor(date: $0)) } ?? .newest,
                limit: limit,
                headlinesOnly: headlinesOnly
            )
        )
    }

    public func freshness() async throws -> Freshness { try await freshness(window: 3600, now: Date()) }
}

/// A stored article's id, URL and first commit time.
public struct StoredRow: Sendable {
    public var id: String
    public var url: String
    /// When the store first committed it (seconds since 1970).
    public var createdAt: Double
}

/// Opens the archive that `NASHRA_DB` names: a `postgres://` or `postgresql://` URL opens PostgreSQL, anything
/// else is the path of a SQLite file.
/// - Throws: when the database cannot be reached, opened or migrated.
public func openNewsArchive(_ location: String, logger: Logger) async throws -> any NewsArchive {
    if PostgresArchive.handles(location) {
        return try await PostgresArchive(url: location, logger: logger)
    }
    return try SQLiteArchive(ArticleStore(path: location))
}
