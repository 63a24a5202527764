import Foundation
import NashraMessages
import PostgresNIO

/// Takedown on PostgreSQL (`Removal`): deletions (images, reports and story bands go with their article by
/// cascade) and tombstones in one transaction under the writers' story lock, so that a batch being written
/// either commits before a removal (and is deleted by it) or after it (and is refused).
extension PostgresArchive {
    public func remove(article key: String, reason: String) async throws -> Removal {
        let logger = logger
        let byID = Removal.isArticleID(key)
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.storyLock))", logger: logger)
            try await Self.bumpTakedownVersion(connection, logger: logger)
            let found =
                byID
                ? try await connection.query(
                    "SELECT id, url, title, source_id FROM articles WHERE id = \(key)",
                    logger: logger
                )
                : try await connection.query(
                    "SELECT id, url, title, source_id FROM articles WHERE url = \(key)",
                    logger: logger
                )
            var row: (id: String, url: String, title: String, source: String)?
            for try await stored in found.decode((String, String, String, String).self) { row = stored }
            let id = row?.id ?? (byID ? key : StableID.of(key))
            let url = row?.url ?? (byID ? nil : key)
            let deleted = try await Self.count(
                connection.query("DELETE FROM articles WHERE id = \(id) RETURNING 1", logger: logger)
            )
            let now = Date()
            try await connection.query(
                """
                INSERT INTO removed_articles (id, url, title, source_id, reason, removed_at, deleted)
                VALUES (\(id), \(url), \(row?.title), \(row?.source), \(reason), \(now.timeIntervalSince1970), \(deleted))
                ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, removed_at = excluded.removed_at,
                    url = coalesce(removed_articles.url, excluded.url), title = coalesce(removed_articles.title, excluded.title),
                    deleted = removed_articles.deleted + excluded.deleted
                """,
                logger: logger
            )
            return Removal(
                kind: .article,
                key: id,
                url: url,
                title: row?.title,
                reason: reason,
                removedAt: now,
                articles: deleted
            )
        }
    }

    public func hide(source: String, reason: String) async throws -> Removal {
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.storyLock))", logger: logger)
            try await Self.bumpTakedownVersion(connection, logger: logger)
            var name: String?
            for try await stored in try await connection.query(
                "SELECT source_name FROM articles WHERE source_id = \(source) ORDER BY sort_time DESC LIMIT 1",
                logger: logger
            ).decode(String?.self) { name = stored }
            let deleted = try await Self.count(
                connection.query("DELETE FROM articles WHERE source_id = \(source) RETURNING 1", logger: logger)
            )
            let now = Date()
            var total = deleted
            var shown = name
            for try await (earlierName, earlier) in try await connection.query(
                """
                INSERT INTO hidden_sources (source_id, name, reason, hidden_at, deleted)
                VALUES (\(source), \(name), \(reason), \(now.timeIntervalSince1970), \(deleted))
                ON CONFLICT (source_id) DO UPDATE SET reason = excluded.reason, hidden_at = excluded.hidden_at,
                    name = coalesce(excluded.name, hidden_sources.name),
                    deleted = hidden_sources.deleted + excluded.deleted
                RETURNING name, deleted
                """,
                logger: logger
            ).decode((String?, Int).self) {
                total = earlier
                shown = earlierName
            }
            return Removal(
                kind: .source,
                key: source,
                url: nil,
                title: shown,
                reason: reason,
                removedAt: now,
                articles: total
            )
        }
    }

    public func unhide(source: String) async throws -> Bool {
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            try await Self.bumpTakedownVersion(connection, logger: logger)
            return try await Self.count(
                connection.query("DELETE FROM hidden_sources WHERE source_id = \(source) RETURNING 1", logger: logger)
            ) > 0
        }
    }

    public func takedownVersion() async throws -> Int64 {
        try await one(client.query("SELECT version FROM takedown_version", logger: logger), Int64.self) ?? 0
    }

    static func bumpTakedownVersion(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE takedown_version SET version = version + 1", logger: logger)
    }

    public func removals() async throws -> [Removal] {
        var removals: [Removal] = []
        for try await (id, url, title, reason, at, deleted) in try await client.query(
            "SELECT id, url, title, reason, removed_at, deleted FROM removed_articles",
            logger: logger
        ).decode((String, String?, String?, String, Double, Int).self) {
            removals.append(
                Removal(
                    kind: .article,
                    key: id,
                    url: url,
                    title: title,
                    reason: reason,
                    removedAt: Date(timeIntervalSince1970: at),
                    articles: deleted
                )
            )
        }
        for try await (source, name, reason, at, deleted) in try await client.query(
            "SELECT source_id, name, reason, hidden_at, deleted FROM hidden_sources",
            logger: logger
        ).decode((String, String?, String, Double, Int).self) {
            removals.append(
                Removal(
                    kind: .source,
                    key: source,
                    url: nil,
                    title: name,
                    reason: reason,
                    removedAt: Date(timeIntervalSince1970: at),
                    articles: deleted
                )
            )
        }
        return removals.sorted { ($0.removedAt, $0.key) > ($1.removedAt, $1.key) }
    }

    /// The ids of a batch's articles that a removal refuses (removed articles, articles of hidden sources); read
    /// inside the write's transaction, under the story lock.
    static func refused(_ batch: [ClassifiedArticle], connection: PostgresConnection, logger: Logger) async throws
        -> Set<String>
    {
        var removed = Set<String>()
        for row in try await connection.wholeResult(
            "SELECT id FROM removed_articles WHERE id = ANY(\(batch.map(\.article.id)))",
            logger: logger
        ) { removed.insert(try row.decode(String.self)) }
        var hidden = Set<String>()
        for row in try await connection.wholeResult("SELECT source_id FROM hidden_sources", logger: logger) {
            hidden.insert(try row.decode(String.self))
        }
        return Set(
            batch.lazy.map(\.article).filter { removed.contains($0.id) || hidden.contains($0.sourceID) }.map(\.id)
        )
    }

    /// How many rows a statement returned.
    static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
