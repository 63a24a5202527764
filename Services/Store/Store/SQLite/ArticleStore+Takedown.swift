import Foundation
import GRDB
import NashraMessages

/// Takedown on SQLite (`Removal`): deletions and tombstones in one write transaction, on the writer's thread, so
/// a batch being written either precedes a removal (and is deleted by it) or follows it (and is refused).
extension ArticleStore {
    static func registerTakedownMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11: takedown") { db in
            try db.execute(
                sql: """
                    CREATE TABLE removed_articles (
                        id TEXT PRIMARY KEY, url TEXT, title TEXT, source_id TEXT, reason TEXT NOT NULL,
                        removed_at REAL NOT NULL, deleted INTEGER NOT NULL
                    );
                    CREATE TABLE hidden_sources (
                        source_id TEXT PRIMARY KEY, name TEXT, reason TEXT NOT NULL, hidden_at REAL NOT NULL,
                        deleted INTEGER NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v12: takedown version") { db in
            // What the reader site's page cache checks on every request (`takedownVersion`).
            try db.execute(
                sql: """
                    CREATE TABLE takedown_version (version INTEGER NOT NULL);
                    INSERT INTO takedown_version (version) VALUES (0);
                    """
            )
        }
    }

    /// Counts removals, hidden and restored images: what a reader must stop (or start) seeing at once. The reader
    /// site's page cache is valid only while it stays the same (`NewsArchive.takedownVersion`).
    public func takedownVersion() throws -> Int64 {
        try read { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT version FROM takedown_version")) ?? 0 }
    }

    static func bumpTakedownVersion(in db: Database) throws {
        try db.execute(sql: "UPDATE takedown_version SET version = version + 1")
    }

    public func remove(article key: String, reason: String) throws -> Removal {
        try write { db in
            try Self.bumpTakedownVersion(in: db)
            let byID = Removal.isArticleID(key)
            let row = try Row.fetchOne(
                db,
                sql: "SELECT id, url, title, source_id FROM articles WHERE \(byID ? "id" : "url") = ?",
                arguments: [key]
            )
            let id: String = row?["id"] ?? (byID ? key : StableID.of(key))
            let url: String? = row?["url"] ?? (byID ? nil : key)
            let deleted = try Self.deleteArticles(where: "id = ?", arguments: [id], in: db)
            let removal = Removal(
                kind: .article,
                key: id,
                url: url,
                title: row?["title"],
                reason: reason,
                removedAt: Date(),
                articles: deleted
            )
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO removed_articles (id, url, title, source_id, reason, removed_at, deleted)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, url, removal.title, row?["source_id"] as String?, reason,
                    removal.removedAt.timeIntervalSince1970, deleted,
                ]
            )
            return removal
        }
    }

    public func hide(source: String, reason: String) throws -> Removal {
        try write { db in
            try Self.bumpTakedownVersion(in: db)
            let name = try String.fetchOne(
                db,
                sql: "SELECT source_name FROM articles WHERE source_id = ? ORDER BY sort_time DESC LIMIT 1",
                arguments: [source]
            )
            let earlier = try Row.fetchOne(
                db,
                sql: "SELECT name, deleted FROM hidden_sources WHERE source_id = ?",
                arguments: [source]
            )
            let deleted =
                try Self.deleteArticles(where: "source_id = ?", arguments: [source], in: db)
                + (earlier?["deleted"] ?? 0)
            let removal = Removal(
                kind: .source,
                key: source,
                url: nil,
                title: name ?? earlier?["name"],
                reason: reason,
                removedAt: Date(),
                articles: deleted
            )
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO hidden_sources (source_id, name, reason, hidden_at, deleted)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [source, removal.title, reason, removal.removedAt.timeIntervalSince1970, deleted]
            )
            return removal
        }
    }

    public func unhide(source: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM hidden_sources WHERE source_id = ?", arguments: [source])
            let shown = db.changesCount > 0
            try Self.bumpTakedownVersion(in: db)
            return shown
        }
    }

    public func removals() throws -> [Removal] {
        try read { db in
            let articles = try Row.fetchAll(
                db,
                sql: "SELECT id, url, title, reason, removed_at, deleted FROM removed_articles"
            ).map {
                Removal(
                    kind: .article,
                    key: $0["id"],
                    url: $0["url"],
                    title: $0["title"],
                    reason: $0["reason"],
                    removedAt: Date(timeIntervalSince1970: $0["removed_at"]),
                    articles: $0["deleted"]
                )
            }
            let sources = try Row.fetchAll(
                db,
                sql: "SELECT source_id, name, reason, hidden_at, deleted FROM hidden_sources"
            ).map {
                Removal(
                    kind: .source,
                    key: $0["source_id"],
                    url: nil,
                    title: $0["name"],
                    reason: $0["reason"],
                    removedAt: Date(timeIntervalSince1970: $0["hidden_at"]),
                    articles: $0["deleted"]
                )
            }
            return (articles + sources).sorted { ($0.removedAt, $0.key) > ($1.removedAt, $1.key) }
        }
    }

    /// The positions of a batch's articles that a removal refuses: removed articles, and articles of hidden
    /// sources.
    static func refused(_ items: [ClassifiedArticle], in db: Database) throws -> Set<Int> {
        let hidden = Set(try String.fetchAll(db.cachedStatement(sql: "SELECT source_id FROM hidden_sources")))
        let removed = Set(
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM removed_articles WHERE id IN (SELECT value FROM json_each(?))"),
                arguments: [String(decoding: try JSONEncoder().encode(items.map(\.article.id)), as: UTF8.self)]
            )
        )
        guard !hidden.isEmpty || !removed.isEmpty else { return [] }
        return Set(
            items.indices.filter {
                removed.contains(items[$0].article.id) || hidden.contains(items[$0].article.sourceID)
            }
        )
    }

    /// Deletes the articles `condition` selects with everything that hangs on them: search index rows, story-band
    /// rows, images and their reports. Returns how many.
    static func deleteArticles(
        where condition: String,
        arguments: StatementArguments,
        limit: Int? = nil,
        in db: Database
    ) throws -> Int {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT id, \(indexedColumns) FROM articles WHERE \(condition) ORDER BY sort_time"
                + (limit.map { " LIMIT \($0)" } ?? ""),
            arguments: arguments
        )
        for row in rows {
            let id: String = row["id"]
            try unindex(stored: row, in: db)
            try db.execute(
                sql: "DELETE FROM image_reports WHERE image_id IN (SELECT id FROM images WHERE article_id = ?)",
                arguments: [id]
            )
            try db.execute(sql: "DELETE FROM images WHERE article_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM articles WHERE id = ?", arguments: [id])
        }
        return rows.count
    }
}
