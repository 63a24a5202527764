import Foundation
import NashraMessages
import PostgresNIO

/// The frontier's feed reports on PostgreSQL, as on SQLite: one row per source, replaced by a newer report's.
extension PostgresArchive {
    public func record(health report: SourceHealthReport) async throws {
        let logger = logger
        let reportedAt = report.reportedAt.timeIntervalSince1970
        try await client.withTransaction(logger: logger) { connection in
            for source in report.sources {
                let lastSuccess = source.lastSuccess?.timeIntervalSince1970
                let lastError = source.lastError.map { String($0.prefix(500)) }
                try await connection.query(
                    """
                    INSERT INTO source_health (source_id, name, feeds, broken, last_success, last_error, reported_at)
                    VALUES (\(source.sourceID), \(source.name), \(source.feeds), \(source.broken), \(lastSuccess),
                        \(lastError), \(reportedAt))
                    ON CONFLICT (source_id) DO UPDATE SET name = excluded.name, feeds = excluded.feeds,
                        broken = excluded.broken, last_success = excluded.last_success,
                        last_error = excluded.last_error, reported_at = excluded.reported_at
                    WHERE excluded.reported_at >= source_health.reported_at
                    """,
                    logger: logger
                )
            }
        }
    }

    /// The kept reports of sources that are not hidden, by source id.
    func feedHealth() async throws -> [String: (name: String?, feeds: FeedHealth)] {
        let rows = try await client.query(
            """
            SELECT source_id, name, feeds, broken, last_success, last_error, reported_at FROM source_health
            WHERE source_id NOT IN (SELECT source_id FROM hidden_sources)
            """,
            logger: logger
        )
        var health: [String: (name: String?, feeds: FeedHealth)] = [:]
        for try await (id, name, feeds, broken, lastSuccess, lastError, reportedAt) in rows.decode(
            (String, String?, Int, Int, Double?, String?, Double).self
        ) {
            health[id] = (
                name,
                FeedHealth(
                    feeds: feeds,
                    broken: broken,
                    lastSuccess: lastSuccess.map(Date.init(timeIntervalSince1970:)),
                    lastError: lastError,
                    reportedAt: Date(timeIntervalSince1970: reportedAt)
                )
            )
        }
        return health
    }
}
