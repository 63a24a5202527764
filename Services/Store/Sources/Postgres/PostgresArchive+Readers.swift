import ArabicText
import Foundation
import NashraModel
import PostgresNIO

/// What readers do: search, and report images.
extension PostgresArchive {
    /// Search over the `search` column: the title's folded words weighted A, the body's D, both from
    /// `SearchText.indexForm`, matched by `plainto_tsquery('simple', …)` of the query's folded terms (every term
    /// must match). As in SQLite, only the newest `ArticleStore.rankingWindow` matches are ranked (`ts_rank` with
    /// the title weighted three times the body) and the snippet is cut around the matching stems.
    public func search(_ query: String, limit: Int) async throws -> [SearchHit] {
        let query = String(query.prefix(ArticleStore.maximumQueryLength))
        let terms = SearchText.terms(query).prefix(12)
        guard !terms.isEmpty else { return [] }
        let text = terms.joined(separator: " ")
        let rows = try await client.query(
            """
            SELECT id FROM (
                SELECT seq, id, search FROM articles WHERE search @@ plainto_tsquery('simple', \(text))
                ORDER BY seq DESC LIMIT \(ArticleStore.rankingWindow)
            ) AS recent
            ORDER BY ts_rank('{0.33, 0.33, 0.33, 1.0}', search, plainto_tsquery('simple', \(text))) DESC, seq DESC
            LIMIT \(min(max(limit, 1), ArticleStore.maximumResults))
            """,
            logger: logger
        )
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        let hashes = SearchText.termHashes(query)
        return try await articles(ids: ids).map {
            SearchHit(article: $0, snippet: ArticleStore.snippet($0, terms: hashes))
        }
    }

    /// As in SQLite: one report per reader per image, `perHour` reports a reader an hour, and the image hidden
    /// everywhere it appears (by URL) once `threshold` readers have reported it. The image's row is locked for the
    /// count, so that reports arriving together at two web servers are counted one after the other.
    public func report(image: Int64, address: String, userAgent: String, threshold: Int, perHour: Int) async throws
        -> ReportOutcome
    {
        let reader = StableID.of(salt + "|" + address + "|" + userAgent)
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            guard
                let url = try await one(
                    connection.query("SELECT url FROM images WHERE id = \(image) FOR UPDATE", logger: logger),
                    String.self
                )
            else { return .unknownImage }
            let now = Date().timeIntervalSince1970
            let recent =
                try await one(
                    connection.query(
                        "SELECT count(*) FROM image_reports WHERE reader = \(reader) AND reported_at > \(now - 3600)",
                        logger: logger
                    ),
                    Int.self
                ) ?? 0
            guard recent < perHour else { return .rateLimited }
            let counted = try await one(
                connection.query(
                    """
                    INSERT INTO image_reports (image_id, reader, reported_at) VALUES (\(image), \(reader), \(now))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """,
                    logger: logger
                ),
                Int32.self
            )
            guard counted != nil else { return .duplicate }
            let readers =
                try await one(
                    connection.query("SELECT count(*) FROM image_reports WHERE image_id = \(image)", logger: logger),
                    Int.self
                ) ?? 0
            guard readers >= threshold else { return .counted(hidden: false) }
            try await connection.query("UPDATE images SET hidden = true WHERE url = \(url)", logger: logger)
            return .counted(hidden: true)
        }
    }

    public func restore(image: Int64) async throws {
        let logger = logger
        try await client.withTransaction(logger: logger) { connection in
            guard
                let url = try await one(
                    connection.query("SELECT url FROM images WHERE id = \(image)", logger: logger),
                    String.self
                )
            else { return }
            try await connection.query("UPDATE images SET hidden = false WHERE url = \(url)", logger: logger)
            try await connection.query(
                "DELETE FROM image_reports WHERE image_id IN (SELECT id FROM images WHERE url = \(url))",
                logger: logger
            )
        }
    }
}
