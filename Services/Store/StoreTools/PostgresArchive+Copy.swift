import Foundation
import PostgresNIO
import Store

/// `nashra copy-db`: a SQLite archive moved into an empty PostgreSQL database, with its stories, first-stored
/// times, hidden images, reports and readers' salt as they were.
extension PostgresArchive {
    /// Copies `source` into this (empty) database, `batch` articles a transaction, in the order they were stored.
    /// Articles go through `store(_:)` (rows, search forms, story bands), then keep the story and times they had.
    /// - Returns: how many articles and reports were copied.
    /// - Throws: `PostgresArchiveError.notEmpty`, or a database error (what was copied stays; copy again into an
    ///   emptied database).
    public func copy(from source: ArticleStore, batch: Int = 1000, progress: @Sendable (Int) -> Void = { _ in })
        async throws -> (articles: Int, reports: Int)
    {
        guard try await count() == 0 else { throw PostgresArchiveError.notEmpty(location) }
        var after: Int64 = 0
        var copied = 0
        while true {
            let from = after
            let (articles, last) = try await source.reading { try $0.archived(after: from, limit: batch) }
            guard !articles.isEmpty else { break }
            try await store(articles.map(\.classified))
            try await client.query(
                """
                UPDATE articles SET cluster_id = v.cluster, created_at = v.created, updated_at = v.updated
                FROM unnest(\(articles.map(\.classified.article.id))::text[], \(articles.map(\.clusterID))::text[],
                    \(articles.map(\.createdAt))::float8[], \(articles.map(\.updatedAt))::float8[])
                    AS v(id, cluster, created, updated)
                WHERE articles.id = v.id
                """,
                logger: logger
            )
            let hidden = articles.flatMap(\.hiddenImages)
            if !hidden.isEmpty {
                try await client.query("UPDATE images SET hidden = true WHERE url = ANY(\(hidden))", logger: logger)
            }
            copied += articles.count
            after = last
            progress(copied)
        }
        let (reports, salt) = try await source.reading { try $0.archivedReports() }
        try await client.query("UPDATE settings SET value = \(salt) WHERE key = 'reader_salt'", logger: logger)
        for start in stride(from: 0, to: reports.count, by: 10_000) {
            let part = reports[start..<min(reports.count, start + 10_000)]
            try await client.query(
                """
                INSERT INTO image_reports (image_id, reader, reported_at)
                SELECT i.id, r.reader, r.at FROM unnest(\(part.map(\.articleID))::text[], \(part.map(\.imageURL))::text[],
                    \(part.map(\.reader))::text[], \(part.map(\.reportedAt))::float8[]) AS r(article, url, reader, at)
                JOIN images i ON i.article_id = r.article AND i.url = r.url
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
        }
        return (copied, reports.count)
    }
}
