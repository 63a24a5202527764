import Foundation
import GRDB
import NashraRuntime

/// What the frontier knows about one feed.
public struct FeedState: Sendable, Equatable {
    public var url: String
    public var sourceID: String
    public var etag: String?
    public var lastModified: String?
    public var nextPoll: Date
    public var failures: Int
    public var lastError: String?
    /// The adaptive poll interval in seconds (nil until the first result).
    public var interval: Double?
    /// When the feed was last fetched without validators.
    public var lastUnconditional: Date?
    /// When a poll last succeeded.
    public var lastSuccess: Date? = nil

    /// A feed that failed this many times in a row is reported broken (and polled rarely).
    public static let brokenAfter = 5
    public var isBroken: Bool { failures >= Self.brokenAfter }
}

/// The frontier's crawl state on disk (SQLite in `NASHRA_STATE_DIR`): feeds with their validators and schedule,
/// and every article URL already sent to the fetchers. Surviving a restart is what makes the frontier safe to
/// kill: a new process resumes the schedule and never re-fetches a seen article.
public final class FrontierState: Sendable {
    let queue: DatabaseQueue
    private let executor = BlockingExecutor(label: "nashra.frontier.state")

    /// Runs state calls from async code (the intake, the scheduler) one at a time on the state's own thread, off
    /// the cooperative pool.
    public func run<T: Sendable>(_ work: @escaping @Sendable (FrontierState) throws -> T) async throws -> T {
        try await executor.run { try work(self) }
    }

    /// `run` for work that handles its own errors.
    public func run<T: Sendable>(_ work: @escaping @Sendable (FrontierState) -> T) async -> T {
        await executor.run { work(self) }
    }

    /// - Throws: when the directory or database cannot be created.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync: a commit is a write to the log, not an fsync (the frontier commits a few
            // hundred times a second under load). A killed process loses nothing; a power cut may lose the last
            // commits, which the next feed polls make good (seen URLs are rediscovered, hosts paced afresh).
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        // Opened under the migration lock: the switch to WAL at open needs the file to itself (see `ArticleStore`).
        queue = try FileLock.withExclusiveLock(on: directory + "/frontier.migrate.lock") {
            try DatabaseQueue(path: directory + "/frontier.sqlite", configuration: configuration)
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: feeds and seen urls") { db in
            try db.execute(
                sql: """
                    CREATE TABLE feeds (
                        url TEXT PRIMARY KEY, source_id TEXT NOT NULL, etag TEXT, last_modified TEXT,
                        next_poll REAL NOT NULL, failures INTEGER NOT NULL DEFAULT 0, last_error TEXT,
                        last_success REAL
                    );
                    CREATE TABLE seen (url TEXT PRIMARY KEY, source_id TEXT NOT NULL, first_seen REAL NOT NULL)
                        WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v2: per-host pacing and pending fetches") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pending (
                        url TEXT PRIMARY KEY, host TEXT NOT NULL, job BLOB NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0, not_before REAL NOT NULL, queued_at REAL NOT NULL
                    );
                    CREATE INDEX pending_by_host ON pending(host, not_before);
                    CREATE TABLE hosts (
                        host TEXT PRIMARY KEY, next_allowed REAL NOT NULL DEFAULT 0, crawl_delay REAL,
                        in_flight_url TEXT, in_flight_since REAL
                    );
                    """
            )
        }
        migrator.registerMigration("v3: adaptive polling and unconditional refresh") { db in
            try db.execute(sql: "ALTER TABLE feeds ADD COLUMN interval REAL")
            try db.execute(sql: "ALTER TABLE feeds ADD COLUMN last_unconditional REAL")
        }
        migrator.registerMigration("v4: oldest pending article per host by index") { db in
            // `releasable` asks each free host for its oldest due article: one index probe per host, where a
            // correlated subquery over all pending rows made every tick quadratic in the backlog.
            try db.execute(
                sql: """
                    DROP INDEX pending_by_host;
                    CREATE INDEX pending_by_host_age ON pending(host, queued_at);
                    INSERT OR IGNORE INTO hosts (host) SELECT DISTINCT host FROM pending;
                    """
            )
        }
        migrator.registerMigration("v5: paused sources") { db in
            // Sources an operator hid (`nashra sources hide`): their feeds are not polled.
            try db.execute(
                sql:
                    "CREATE TABLE paused_sources (source_id TEXT PRIMARY KEY, reason TEXT NOT NULL, paused_at REAL NOT NULL)"
            )
        }
        Self.registerWebSubMigration(&migrator)
        // The frontier and `nashra status` may open the state together: one migrates, the other waits.
        try FileLock.withExclusiveLock(on: directory + "/frontier.migrate.lock") { try migrator.migrate(queue) }
    }

    /// Adds feeds of the catalog that are new; the first poll is due now.
    public func register(feeds: [(url: String, sourceID: String)]) throws {
        try queue.write { db in
            for feed in feeds {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO feeds (url, source_id, next_poll) VALUES (?, ?, ?)",
                    arguments: [feed.url, feed.sourceID, Date().timeIntervalSince1970]
                )
            }
        }
    }

    /// Feeds whose next poll is due.
    public func dueFeeds(at now: Date = Date()) throws -> [FeedState] {
        try queue.read { db in try Self.dueFeeds(db, at: now) }
    }

    static func dueFeeds(_ db: Database, at now: Date) throws -> [FeedState] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM feeds WHERE next_poll <= ? AND source_id NOT IN (SELECT source_id FROM paused_sources)
                ORDER BY next_poll
                """,
            arguments: [now.timeIntervalSince1970]
        ).map(Self.feed)
    }

    /// Stops following a source (takedown): its feeds are no longer polled and its pending articles are dropped.
    /// - Returns: how many pending articles were dropped.
    @discardableResult
    public func pause(source: String, reason: String) throws -> Int {
        try queue.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO paused_sources (source_id, reason, paused_at) VALUES (?, ?, ?)",
                arguments: [source, reason, Date().timeIntervalSince1970]
            )
            try db.execute(
                sql: "DELETE FROM pending WHERE url IN (SELECT url FROM seen WHERE source_id = ?)",
                arguments: [source]
            )
            return db.changesCount
        }
    }

    /// Follows a paused source again; false when it was not paused.
    public func resume(source: String) throws -> Bool {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM paused_sources WHERE source_id = ?", arguments: [source])
            return db.changesCount > 0
        }
    }

    /// The sources an operator paused.
    public func pausedSources() throws -> Set<String> {
        try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT source_id FROM paused_sources")) }
    }

    public func feeds() throws -> [FeedState] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM feeds ORDER BY url").map(Self.feed) }
    }

    /// Sets when a feed is polled next.
    public func schedule(feed url: String, at date: Date) throws {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE feeds SET next_poll = ? WHERE url = ?",
                arguments: [date.timeIntervalSince1970, url]
            )
        }
    }

    /// Records a poll result: validators on success, a failure count otherwise.
    public func record(feed url: String, etag: String?, lastModified: String?, error: String?) throws {
        try queue.write { db in
            if let error {
                try db.execute(
                    sql: "UPDATE feeds SET failures = failures + 1, last_error = ? WHERE url = ?",
                    arguments: [error, url]
                )
            } else {
                try db.execute(
                    sql: """
                        UPDATE feeds SET failures = 0, last_error = NULL, last_success = ?,
                            etag = coalesce(?, etag), last_modified = coalesce(?, last_modified) WHERE url = ?
                        """,
                    arguments: [Date().timeIntervalSince1970, etag, lastModified, url]
                )
            }
        }
    }

    public func seenCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM seen") ?? 0 }
    }

    private static func feed(_ row: Row) -> FeedState {
        FeedState(
            url: row["url"],
            sourceID: row["source_id"],
            etag: row["etag"],
            lastModified: row["last_modified"],
            nextPoll: Date(timeIntervalSince1970: row["next_poll"]),
            failures: row["failures"],
            lastError: row["last_error"],
            interval: row["interval"],
            lastUnconditional: (row["last_unconditional"] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastSuccess: (row["last_success"] as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }

    /// Adapts a feed's poll interval to how much it publishes: sooner when a poll brought new items, later when
    /// it brought none, always within `bounds` (seconds).
    public func adapt(feed url: String, newItems: Int, base: Double, bounds: ClosedRange<Double>) throws {
        try queue.write { db in
            let current =
                try Double.fetchOne(db, sql: "SELECT interval FROM feeds WHERE url = ?", arguments: [url]) ?? base
            let next = newItems > 0 ? current * 0.75 : current * 1.25
            try db.execute(
                sql: "UPDATE feeds SET interval = ? WHERE url = ?",
                arguments: [min(bounds.upperBound, max(bounds.lowerBound, next)), url]
            )
        }
    }

    /// Records that a feed was just fetched without validators.
    public func markUnconditional(feed url: String, at now: Date) throws {
        try queue.write { db in
            try db.execute(
                sql: "UPDATE feeds SET last_unconditional = ? WHERE url = ?",
                arguments: [now.timeIntervalSince1970, url]
            )
        }
    }
}
