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
            let deleted = try write { db in
                try Self.deleteArticles(
                    where: "sort_time < ?",
                    arguments: [horizon.timeIntervalSince1970],
                    limit: chunk,
                    in: db
                )
            }
            total += deleted
            if deleted < chunk { return total }
        }
    }
}
