import Foundation
import GRDB

/// Lists for the reader site: pages of articles by cursor, headlines with their lead images, a story's copies,
/// story coverage for top stories, the sources directory and the sitemap's stories.
extension ArticleStore {
    /// The columns of a headline (no body), in `article(from:db:)`'s names.
    static let headlineColumns = """
        a.id, a.url, a.source_id, a.source_name, a.title, a.published, a.fetched_at, a.topic, a.confidence,
        a.uncertain, a.cluster_id, a.language, a.time_zone, a.credit, '' AS body
        """

    /// A headline's columns with its lead image: the first image readers may see.
    static let headlineWithImageSQL = """
        SELECT \(headlineColumns), i.id AS image_id, i.url AS image_url, i.caption AS image_caption
        FROM articles a LEFT JOIN images i ON i.id = (
            SELECT id FROM images WHERE article_id = a.id AND hidden = 0 ORDER BY position LIMIT 1
        )
        """

    /// One page of a list, newest first. The cursor is a condition on the sort-time index (`sort_time <= t`) with
    /// the id deciding ties, so a page is an index seek however deep it is.
    public func list(_ query: ArticleQuery) throws -> [StoredArticle] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let topic = query.topic {
            conditions.append("a.topic = ?")
            arguments += [topic]
        }
        if let source = query.source {
            conditions.append("a.source_id = ?")
            arguments += [source]
        }
        if let from = query.from {
            conditions.append("a.sort_time >= ?")
            arguments += [from.timeIntervalSince1970]
        }
        if let until = query.until {
            conditions.append("a.sort_time < ?")
            arguments += [until.timeIntervalSince1970]
        }
        var ascending = false
        switch query.page {
        case .newest:
            break
        case .olderThan(let cursor):
            conditions.append("a.sort_time <= ? AND (a.sort_time < ? OR a.id < ?)")
            arguments += [cursor.time, cursor.time, cursor.id]
        case .newerThan(let cursor):
            conditions.append("a.sort_time >= ? AND (a.sort_time > ? OR a.id > ?)")
            arguments += [cursor.time, cursor.time, cursor.id]
            ascending = true
        }
        arguments += [query.limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let order = ascending ? "a.sort_time, a.id" : "a.sort_time DESC, a.id DESC"
        let columns = query.headlinesOnly ? Self.headlineColumns : "a.*"
        let articles = try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(columns) FROM articles a \(filter) ORDER BY \(order) LIMIT ?"),
                arguments: arguments
            ).map { try Self.article(from: $0, db: query.headlinesOnly ? nil : db) }
        }
        return ascending ? articles.reversed() : articles
    }

    /// Headlines by id, in the order of `ids`, with their lead images.
    public func headlines(ids: [String]) throws -> [StoredArticle] {
        guard !ids.isEmpty else { return [] }
        let found = try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: Self.headlineWithImageSQL + " WHERE a.id IN (SELECT value FROM json_each(?))"),
                arguments: [String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)]
            ).map(Self.headline(from:))
        }
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    /// A story's copies, first publisher first.
    public func story(_ id: String, limit: Int = 200) throws -> [StoredArticle] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: Self.headlineWithImageSQL + " WHERE a.cluster_id = ? ORDER BY a.sort_time, a.id LIMIT ?"
                ),
                arguments: [id, min(max(limit, 1), 1000)]
            ).map(Self.headline(from:))
        }
    }

    /// Per story of more than one outlet, per outlet: its first and latest copy from `since` on. Only stories
    /// with a copy that joined them (`cluster_id <> id`, by the partial index `articles_copies`) can have more
    /// than one outlet, so the day's other articles, most of them, are never read.
    public func coverage(since: Date) throws -> [StoryCoverage] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        WITH recent AS (
                            SELECT cluster_id AS story, source_id, min(sort_time) AS first, max(sort_time) AS last
                            FROM articles WHERE sort_time >= ?1 AND cluster_id IN (
                                SELECT DISTINCT cluster_id FROM articles INDEXED BY articles_copies
                                WHERE sort_time >= ?1 AND cluster_id <> id
                            )
                            GROUP BY cluster_id, source_id
                        )
                        SELECT story, source_id, first, last FROM recent
                        WHERE story IN (SELECT story FROM recent GROUP BY story HAVING count(*) > 1)
                        """
                ),
                arguments: [since.timeIntervalSince1970]
            ).map {
                StoryCoverage(
                    story: $0[0],
                    sourceID: $0[1],
                    first: Date(timeIntervalSince1970: $0[2]),
                    last: Date(timeIntervalSince1970: $0[3])
                )
            }
        }
    }

    /// Every outlet: a skip scan of the by-outlet index, then for each outlet its newest article (its name as
    /// that article gives it) and a count of its articles since `since`, all from the index.
    public func sources(since: Date) throws -> [SourceSummary] {
        try pool.read { db in
            let activity = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        WITH RECURSIVE next(source) AS (
                            SELECT min(source_id) FROM articles
                            UNION ALL
                            SELECT (SELECT min(source_id) FROM articles WHERE source_id > next.source) FROM next
                            WHERE next.source IS NOT NULL
                        )
                        SELECT source,
                            (SELECT source_name FROM articles WHERE source_id = source ORDER BY sort_time DESC LIMIT 1),
                            (SELECT count(*) FROM articles WHERE source_id = source AND sort_time >= ?),
                            (SELECT max(sort_time) FROM articles WHERE source_id = source)
                        FROM next WHERE source IS NOT NULL
                        """
                ),
                arguments: [since.timeIntervalSince1970]
            ).map {
                SourceSummary(
                    id: $0[0],
                    name: $0[1],
                    recentArticles: $0[2],
                    newest: ($0[3] as Double?).map(Date.init(timeIntervalSince1970:))
                )
            }
            return SourceSummary.merge(activity: activity, health: try feedHealth(db))
        }
    }

    /// Stories of more than one outlet, latest copy first (older than `before` when given).
    public func multiOutletStories(limit: Int, before: Date? = nil) throws -> [StoryEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT cluster_id, count(DISTINCT source_id), max(sort_time) FROM articles
                        WHERE cluster_id IS NOT NULL GROUP BY cluster_id
                        HAVING count(DISTINCT source_id) > 1 AND max(sort_time) < ?
                        ORDER BY max(sort_time) DESC LIMIT ?
                        """
                ),
                arguments: [before?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude, max(limit, 1)]
            ).map { StoryEntry(story: $0[0], outlets: $0[1], latest: Date(timeIntervalSince1970: $0[2])) }
        }
    }

    /// A headline row of `headlineWithImageSQL`.
    private static func headline(from row: Row) throws -> StoredArticle {
        var article = try article(from: row, db: nil)
        if let id: Int64 = row["image_id"] {
            article.images = [StoredImage(id: id, url: row["image_url"], caption: row["image_caption"])]
        }
        return article
    }
}
