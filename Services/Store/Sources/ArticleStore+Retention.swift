import Foundation
import GRDB

/// Retention: articles older than a horizon are deleted with everything that hangs on them (search index rows,
/// story-band rows, images and their reports), in chunks of one transaction each so that the writer never holds
/// the database for long. Age is the article's sort time (publication time, else fetch time). A story whose
/// first article is pruned keeps its other articles; the earliest remaining one is shown first.
extension ArticleStore {
    /// Deletes the articles older than `horizon`; returns how many.
    @discardableResult
    public func prune(olderThan horizon: Date, chunk: Int = 1000) throws -> Int {
        var total = 0
        while true {
            let deleted = try write { db -> Int in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, \(Self.indexedColumns) FROM articles WHERE sort_time < ? ORDER BY sort_time LIMIT ?
                        """,
                    arguments: [horizon.timeIntervalSince1970, chunk]
                )
                for row in rows {
                    let id: String = row["id"]
                    try Self.unindex(stored: row, in: db)
                    try db.execute(
                        sql: "DELETE FROM image_reports WHERE image_id IN (SELECT id FROM images WHERE article_id = ?)",
                        arguments: [id]
                    )
                    try db.execute(sql: "DELETE FROM images WHERE article_id = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM articles WHERE id = ?", arguments: [id])
                }
                return rows.count
            }
            total += deleted
            if deleted < chunk { return total }
        }
    }
}
