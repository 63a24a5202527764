import Foundation
import GRDB
import NashraMessages

/// What became of a reader's report of an image.
public enum ReportOutcome: Sendable, Equatable {
    /// Counted; `hidden` when this report reached the threshold.
    case counted(hidden: Bool)
    /// This reader had already reported this image: counted once only.
    case duplicate
    /// Too many reports from this reader in the last hour.
    case rateLimited
    case unknownImage
}

/// Image reports: one per reader per image (readers are known by a salted hash of their address and user
/// agent), rate-limited per reader; once `threshold` distinct readers have reported an image it is hidden
/// everywhere it appears, until an operator restores it.
extension ArticleStore {
    static func registerReportMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4: image reports") { db in
            try db.execute(
                sql: """
                    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE image_reports (
                        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
                        reader TEXT NOT NULL, reported_at REAL NOT NULL,
                        PRIMARY KEY (image_id, reader)
                    ) WITHOUT ROWID;
                    CREATE INDEX image_reports_by_reader ON image_reports(reader, reported_at);
                    """
            )
            try db.execute(
                sql: "INSERT INTO settings (key, value) VALUES ('reader_salt', ?)",
                arguments: [UUID().uuidString + UUID().uuidString]
            )
        }
    }

    /// The identity of a reader: a salted hash, so no address is stored.
    public func readerIdentity(address: String, userAgent: String) throws -> String {
        let salt = try read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'reader_salt'")
        }
        return StableID.of((salt ?? "") + "|" + address + "|" + userAgent)
    }

    /// Records a report of `image` by `reader`.
    public func report(image: Int64, reader: String, threshold: Int, perHour: Int) throws -> ReportOutcome {
        try write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM images WHERE id = ?", arguments: [image]) != nil else {
                return .unknownImage
            }
            let now = Date().timeIntervalSince1970
            let recent =
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM image_reports WHERE reader = ? AND reported_at > ?",
                    arguments: [reader, now - 3600]
                ) ?? 0
            guard recent < perHour else { return .rateLimited }
            try db.execute(
                sql: "INSERT OR IGNORE INTO image_reports (image_id, reader, reported_at) VALUES (?, ?, ?)",
                arguments: [image, reader, now]
            )
            guard db.changesCount > 0 else { return .duplicate }
            let readers =
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM image_reports WHERE image_id = ?",
                    arguments: [image]
                ) ?? 0
            guard readers >= threshold else { return .counted(hidden: false) }
            try db.execute(sql: "UPDATE images SET hidden = 1 WHERE id = ?", arguments: [image])
            // The same picture elsewhere (another article, another outlet) is hidden too.
            try db.execute(
                sql: "UPDATE images SET hidden = 1 WHERE url = (SELECT url FROM images WHERE id = ?)",
                arguments: [image]
            )
            try Self.bumpTakedownVersion(in: db)
            return .counted(hidden: true)
        }
    }

    /// An operator's decision: shows the image again and forgets its reports.
    public func restore(image: Int64) throws {
        try write { db in
            try Self.bumpTakedownVersion(in: db)
            try db.execute(
                sql: "UPDATE images SET hidden = 0 WHERE url = (SELECT url FROM images WHERE id = ?)",
                arguments: [image]
            )
            try db.execute(
                sql: """
                    DELETE FROM image_reports WHERE image_id IN
                        (SELECT id FROM images WHERE url = (SELECT url FROM images WHERE id = ?))
                    """,
                arguments: [image]
            )
        }
    }
}
