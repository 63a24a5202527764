import Foundation
import GRDB
import NashraMessages

/// The frontier's feed reports on SQLite: one row per source, replaced by a newer report's.
extension ArticleStore {
    static func registerHealthMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v14: feed health") { db in
            try db.execute(
                sql: """
                    CREATE TABLE source_health (
                        source_id TEXT PRIMARY KEY, name TEXT, feeds INTEGER NOT NULL, broken INTEGER NOT NULL,
                        last_success REAL, last_error TEXT, reported_at REAL NOT NULL
                    )
                    """
            )
        }
    }

    /// Keeps each source of `report` unless a newer report is already kept for it (reports may arrive out of
    /// order after a retry).
    public func record(health report: SourceHealthReport) throws {
        try pool.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO source_health (source_id, name, feeds, broken, last_success, last_error, reported_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (source_id) DO UPDATE SET name = excluded.name, feeds = excluded.feeds,
                        broken = excluded.broken, last_success = excluded.last_success,
                        last_error = excluded.last_error, reported_at = excluded.reported_at
                    WHERE excluded.reported_at >= source_health.reported_at
                    """
            )
            for source in report.sources {
                try statement.execute(arguments: [
                    source.sourceID, source.name, source.feeds, source.broken,
                    source.lastSuccess?.timeIntervalSince1970, source.lastError.map { String($0.prefix(500)) },
                    report.reportedAt.timeIntervalSince1970,
                ])
            }
        }
    }

    /// The kept reports of sources that are not hidden, by source id.
    func feedHealth(_ db: Database) throws -> [String: (name: String?, feeds: FeedHealth)] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT source_id, name, feeds, broken, last_success, last_error, reported_at FROM source_health
                    WHERE source_id NOT IN (SELECT source_id FROM hidden_sources)
                    """
            )
        )
        var health: [String: (name: String?, feeds: FeedHealth)] = [:]
        for row in rows {
            health[row[0]] = (
                row[1],
                FeedHealth(
                    feeds: row[2],
                    broken: row[3],
                    lastSuccess: (row[4] as Double?).map(Date.init(timeIntervalSince1970:)),
                    lastError: row[5],
                    reportedAt: Date(timeIntervalSince1970: row[6])
                )
            )
        }
        return health
    }
}
