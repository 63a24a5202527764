import ArabicText
import Foundation
import GRDB
import NashraMessages
import NashraRuntime
import Synchronization

/// A stored article as readers see it.
public struct StoredArticle: Sendable, Codable, Equatable {
    public var id: String
    public var url: String
    public var sourceID: String
    public var sourceName: String?
    public var title: String
    public var published: Date?
    public var fetchedAt: Date
    public var topic: String
    public var confidence: Double
    public var uncertain: Bool
    public var paragraphs: [String]
    /// Images readers may see (hidden ones, reported by enough readers, are left out).
    public var images: [StoredImage]
    /// The story this article belongs to (the id of its first article).
    public var clusterID: String?
    /// The page's language as it declared it (`ar`, `en`…), when it did.
    public var language: String?
    /// The zone its dates are shown in (`Article.timeZone`); nil: the site's default.
    public var timeZone: String? = nil
    /// The outlet the page credits as the story's publisher (`Article.credit`), when not the site itself.
    public var credit: String? = nil
}

/// A stored image of an article: its id is what readers report.
public struct StoredImage: Sendable, Codable, Equatable {
    public var id: Int64
    public var url: String
    public var caption: String?
}

/// The product's memory: SQLite in WAL mode through GRDB on the system SQLite.
///
/// Why GRDB rather than our own wrapper of the C API: it is a mature, Sendable front over SQLite (a
/// `DatabasePool` serialises writes and runs reads concurrently under WAL), with migrations and FTS5 (custom
/// tokenizers in Swift included) that the reader's Arabic search needs; it builds in under a minute here.
/// Writes are idempotent upserts keyed by the article id (a hash of the canonical URL), one transaction per
/// batch: a redelivered or re-fetched article updates its row and never duplicates it.
public final class ArticleStore: Sendable {
    let pool: DatabasePool
    public let path: String
    /// Where async callers run the store's synchronous calls: reads several at once, writes one at a time.
    private let readers = BlockingExecutor(label: "nashra.store.read", width: 4)
    private let writer = BlockingExecutor(label: "nashra.store.write")
    /// The reader site asks for the takedown version before every page: on a thread of its own, so that the
    /// check never queues behind the page reads (`takedownVersion`). The pool's five reader connections cover
    /// the four readers and this one.
    private let versions = BlockingExecutor(label: "nashra.store.version")

    /// `takedownVersion()` from async code, on its own thread.
    public func readingVersion() async throws -> Int64 {
        try await versions.run { try self.takedownVersion() }
    }

    /// Runs reads from async code (the reader site) on the store's own threads, off the cooperative pool.
    public func reading<T: Sendable>(_ work: @escaping @Sendable (ArticleStore) throws -> T) async throws -> T {
        try await readers.run { try work(self) }
    }

    /// Runs writes from async code (the store stage, image reports) on the store's writer thread, off the
    /// cooperative pool: a batch's preparation fans out over every core there, and its commit waits for the disk.
    public func writing<T: Sendable>(_ work: @escaping @Sendable (ArticleStore) throws -> T) async throws -> T {
        try await writer.run { try work(self) }
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// - Throws: GRDB's `DatabaseError` when the file cannot be opened or migrated.
    public init(path: String) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync (durable at checkpoints, never corrupt); a 64 MB page cache and memory-mapped
            // reads so that the FTS index and the band lookups of a large archive stay off read(2).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
        }
        // The writer and the web may open a new database together: one opens and migrates it, the others wait.
        // Opening is inside the lock too: a pool's first connection switches the file to WAL, which needs the
        // database to itself, and SQLite answers a second process doing the same at that moment with "database
        // is locked" at once, without waiting out the busy timeout (a compose start on a new volume failed so).
        pool = try FileLock.withExclusiveLock(on: path + ".migrate.lock") {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            return pool
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: articles and images") { db in
            try db.execute(
                sql: """
                    CREATE TABLE articles (
                        id TEXT PRIMARY KEY,
                        url TEXT NOT NULL UNIQUE,
                        source_id TEXT NOT NULL,
                        source_name TEXT,
                        title TEXT NOT NULL,
                        published REAL,
                        fetched_at REAL NOT NULL,
                        sort_time REAL NOT NULL,
                        section TEXT,
                        language TEXT,
                        description TEXT,
                        body TEXT NOT NULL,
                        content_hash TEXT NOT NULL,
                        topic TEXT NOT NULL,
                        confidence REAL NOT NULL,
                        uncertain INTEGER NOT NULL,
                        signature BLOB,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE INDEX articles_recent ON articles(sort_time DESC);
                    CREATE INDEX articles_topic ON articles(topic, sort_time DESC);
                    CREATE TABLE images (
                        id INTEGER PRIMARY KEY,
                        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        url TEXT NOT NULL,
                        caption TEXT,
                        hidden INTEGER NOT NULL DEFAULT 0,
                        UNIQUE(article_id, url)
                    );
                    """
            )
        }
        migrator.registerMigration("v2: Arabic full-text search") { db in
            // Replaced by v6's contentless index (filled there from the stored articles).
            try db.execute(sql: "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize = 'unicode61')")
        }
        migrator.registerMigration("v3: story clusters") { db in
            try db.execute(
                sql: """
                    ALTER TABLE articles ADD COLUMN cluster_id TEXT;
                    CREATE INDEX articles_cluster ON articles(cluster_id, sort_time);
                    CREATE TABLE signature_bands (
                        band INTEGER NOT NULL, hash INTEGER NOT NULL, article_id TEXT NOT NULL,
                        PRIMARY KEY (band, hash, article_id)
                    ) WITHOUT ROWID;
                    """
            )
            // Articles stored before clusters existed are clustered by v6.
        }
        registerReportMigration(&migrator)
        migrator.registerMigration("v5: band rows by article") { db in
            // Re-clustering an article deletes its band rows by article id: without this index that was a scan
            // of every band row for each stored article (quadratic in the archive's size).
            try db.execute(sql: "CREATE INDEX signature_bands_by_article ON signature_bands(article_id)")
        }
        migrator.registerMigration("v6: compact band index, contentless search index") { db in
            try rebuildIndexes(in: db)
        }
        migrator.registerMigration("v7: freshness") { db in
            // When the frontier first saw each article, and the articles stored in the last hour by index, for
            // the freshness figures of `nashra status` and /status.
            try db.execute(sql: "ALTER TABLE articles ADD COLUMN discovered_at REAL")
            try db.execute(sql: "CREATE INDEX articles_by_created ON articles(created_at)")
        }
        migrator.registerMigration("v8: bands of two slots") { db in
            // `bandWidth` went from 4 to 2: every article's band rows are made again from its stored signature.
            // Its story is kept.
            try rebuildBands(in: db)
        }
        migrator.registerMigration("v9: one search-index segment a batch") { db in
            // FTS5 writes its pending terms out as a new segment each time they pass `hashsize` (1 MB by default):
            // a batch of 5,000 articles made a dozen small segments that automerge then merged again. 16 MB holds
            // such a batch, so each is written once, as one segment.
            try db.execute(sql: "INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', 16777216)")
        }
        migrator.registerMigration("v10: lists by outlet") { db in
            // A source's page and the sources directory read one outlet's articles newest first.
            try db.execute(sql: "CREATE INDEX articles_source ON articles(source_id, sort_time DESC)")
        }
        registerTakedownMigration(&migrator)
        migrator.registerMigration("v13: copies by time") { db in
            // Top stories read the stories that grew in the last day: the articles that joined another's story
            // (`cluster_id <> id`), a small share of all, found by time without reading the others; then each
            // such story's outlets and times, from the story index alone (it now holds the outlet).
            try db.execute(
                sql: """
                    CREATE INDEX articles_copies ON articles(sort_time, cluster_id, id) WHERE cluster_id <> id;
                    DROP INDEX articles_cluster;
                    CREATE INDEX articles_cluster ON articles(cluster_id, sort_time, source_id);
                    """
            )
        }
        registerHealthMigration(&migrator)
        migrator.registerMigration("v15: time zones and credits") { db in
            try db.execute(sql: "ALTER TABLE articles ADD COLUMN time_zone TEXT")
            try db.execute(sql: "ALTER TABLE articles ADD COLUMN credit TEXT")
        }
        return migrator
    }

    /// Number of stored articles.
    public func count() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM articles") ?? 0 }
    }

    /// The newest articles first (by publication time, else fetch time), optionally of one topic and older
    /// than `before`. `headlinesOnly` leaves out the body and the images.
    public func latest(limit: Int = 50, topic: String? = nil, before: Date? = nil, headlinesOnly: Bool = false) throws
        -> [StoredArticle]
    {
        try list(
            ArticleQuery(
                topic: topic,
                page: before.map { .olderThan(ListCursor(date: $0)) } ?? .newest,
                limit: limit,
                headlinesOnly: headlinesOnly
            )
        )
    }

    /// The topics the store has articles of, in alphabetical order. A skip scan of the topic index (one seek per
    /// topic), where `GROUP BY topic` read every index entry: the home page asks on every view.
    public func topics() throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE next(topic) AS (
                        SELECT min(topic) FROM articles
                        UNION ALL
                        SELECT (SELECT min(topic) FROM articles WHERE topic > next.topic) FROM next
                        WHERE next.topic IS NOT NULL
                    )
                    SELECT topic FROM next WHERE topic IS NOT NULL
                    """
            )
        }
    }

    /// Whether the store has an article of `topic`.
    public func hasArticles(ofTopic topic: String) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM articles WHERE topic = ? LIMIT 1", arguments: [topic]) ?? false
        }
    }

    /// One article by id, or nil.
    public func article(id: String) throws -> StoredArticle? {
        try pool.read { db in
            // Cached statements: compiling one (GRDB authorises every column read) had cost as much as running it.
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM articles WHERE id = ?"), arguments: [id]).map {
                try Self.article(from: $0, db: db)
            }
        }
    }

    /// Runs a write transaction; for the store's own extensions.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }

    /// Runs a read-only query; for tests and operators' tools.
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// An article from its row; with no database, without its images.
    static func article(from row: Row, db: Database?) throws -> StoredArticle {
        let id: String = row["id"]
        let images =
            try db.map { db in
                try Row.fetchAll(
                    db.cachedStatement(
                        sql: "SELECT id, url, caption FROM images WHERE article_id = ? AND hidden = 0 ORDER BY position"
                    ),
                    arguments: [id]
                ).map { StoredImage(id: $0["id"], url: $0["url"], caption: $0["caption"]) }
            } ?? []
        let body: String = row["body"]
        return StoredArticle(
            id: id,
            url: row["url"],
            sourceID: row["source_id"],
            sourceName: row["source_name"],
            title: row["title"],
            published: (row["published"] as Double?).map(Date.init(timeIntervalSince1970:)),
            fetchedAt: Date(timeIntervalSince1970: row["fetched_at"]),
            topic: row["topic"],
            confidence: row["confidence"],
            uncertain: row["uncertain"],
            paragraphs: body.unicodeScalars.split(separator: "\n").map { String($0) },
            images: images,
            clusterID: row["cluster_id"],
            language: row["language"],
            timeZone: row["time_zone"],
            credit: row["credit"]
        )
    }
}
