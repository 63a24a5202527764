import Foundation
import PostgresNIO

/// Lists for the reader site, as in SQLite (`ArticleStore+Listing`): pages by cursor, headlines with lead images,
/// a story's copies, story coverage, the sources directory and the sitemap's stories.
extension PostgresArchive {
    public func list(_ query: ArticleQuery) async throws -> [StoredArticle] {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let topic = query.topic { conditions.append("topic = \(bind(topic))") }
        if let source = query.source { conditions.append("source_id = \(bind(source))") }
        if let from = query.from { conditions.append("sort_time >= \(bind(from.timeIntervalSince1970))") }
        if let until = query.until { conditions.append("sort_time < \(bind(until.timeIntervalSince1970))") }
        var ascending = false
        switch query.page {
        case .newest:
            break
        case .olderThan(let cursor):
            let time = bind(cursor.time)
            conditions.append("sort_time <= \(time) AND (sort_time < \(time) OR id < \(bind(cursor.id)))")
        case .newerThan(let cursor):
            let time = bind(cursor.time)
            conditions.append("sort_time >= \(time) AND (sort_time > \(time) OR id > \(bind(cursor.id)))")
            ascending = true
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let order = ascending ? "sort_time, id" : "sort_time DESC, id DESC"
        let body = query.headlinesOnly ? "'' AS body" : "body"
        let sql = """
            SELECT \(Self.articleColumns), \(body) FROM articles \(filter) ORDER BY \(order) LIMIT \(bind(query.limit))
            """
        var articles = try await decodeArticles(
            client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        )
        if ascending { articles.reverse() }
        return query.headlinesOnly ? articles : try await withImages(articles)
    }

    public func headlines(ids: [String]) async throws -> [StoredArticle] {
        guard !ids.isEmpty else { return [] }
        let found = try await decodeArticles(
            client.query(
                "SELECT \(unescaped: Self.articleColumns), '' AS body FROM articles WHERE id = ANY(\(ids))",
                logger: logger
            )
        )
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return try await withLeadImages(ids.compactMap { byID[$0] })
    }

    public func story(_ id: String, limit: Int) async throws -> [StoredArticle] {
        let limit = min(max(limit, 1), 1000)
        return try await withLeadImages(
            decodeArticles(
                client.query(
                    """
                    SELECT \(unescaped: Self.articleColumns), '' AS body FROM articles WHERE cluster_id = \(id)
                    ORDER BY sort_time, id LIMIT \(limit)
                    """,
                    logger: logger
                )
            )
        )
    }

    public func coverage(since: Date) async throws -> [StoryCoverage] {
        let rows = try await client.query(
            """
            WITH recent AS (
                SELECT cluster_id AS story, source_id, min(sort_time) AS first, max(sort_time) AS last
                FROM articles WHERE sort_time >= \(since.timeIntervalSince1970) AND cluster_id IN (
                    SELECT DISTINCT cluster_id FROM articles
                    WHERE sort_time >= \(since.timeIntervalSince1970) AND cluster_id <> id
                )
                GROUP BY cluster_id, source_id
            )
            SELECT story, source_id, first, last FROM recent
            WHERE story IN (SELECT story FROM recent GROUP BY story HAVING count(*) > 1)
            """,
            logger: logger
        )
        var coverage: [StoryCoverage] = []
        for try await (story, source, first, last) in rows.decode((String, String, Double, Double).self) {
            coverage.append(
                StoryCoverage(
                    story: story,
                    sourceID: source,
                    first: Date(timeIntervalSince1970: first),
                    last: Date(timeIntervalSince1970: last)
                )
            )
        }
        return coverage
    }

    /// As in SQLite: a loose index scan of the by-outlet index, then each outlet's newest article and its count
    /// since `since`, from the index.
    public func sources(since: Date) async throws -> [SourceSummary] {
        let rows = try await client.query(
            """
            WITH RECURSIVE next(source) AS (
                SELECT min(source_id) FROM articles
                UNION ALL
                SELECT (SELECT min(source_id) FROM articles WHERE source_id > next.source) FROM next
                WHERE next.source IS NOT NULL
            )
            SELECT source,
                (SELECT source_name FROM articles WHERE source_id = source ORDER BY sort_time DESC LIMIT 1),
                (SELECT count(*) FROM articles WHERE source_id = source AND sort_time >= \(since.timeIntervalSince1970)),
                (SELECT max(sort_time) FROM articles WHERE source_id = source)
            FROM next WHERE source IS NOT NULL
            """,
            logger: logger
        )
        var sources: [SourceSummary] = []
        for try await (id, name, recent, newest) in rows.decode((String, String?, Int, Double?).self) {
            sources.append(
                SourceSummary(
                    id: id,
                    name: name,
                    recentArticles: recent,
                    newest: newest.map(Date.init(timeIntervalSince1970:))
                )
            )
        }
        return SourceSummary.merge(activity: sources, health: try await feedHealth())
    }

    public func multiOutletStories(limit: Int, before: Date?) async throws -> [StoryEntry] {
        let cursor = before?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude
        let rows = try await client.query(
            """
            SELECT cluster_id, count(DISTINCT source_id), max(sort_time) FROM articles
            WHERE cluster_id IS NOT NULL GROUP BY cluster_id
            HAVING count(DISTINCT source_id) > 1 AND max(sort_time) < \(cursor)
            ORDER BY max(sort_time) DESC LIMIT \(max(limit, 1))
            """,
            logger: logger
        )
        var stories: [StoryEntry] = []
        for try await (story, outlets, latest) in rows.decode((String, Int, Double).self) {
            stories.append(StoryEntry(story: story, outlets: outlets, latest: Date(timeIntervalSince1970: latest)))
        }
        return stories
    }

    /// The articles with their lead images: each one's first visible image.
    func withLeadImages(_ articles: [StoredArticle]) async throws -> [StoredArticle] {
        guard !articles.isEmpty else { return articles }
        let rows = try await client.query(
            """
            SELECT DISTINCT ON (article_id) article_id, id, url, caption FROM images
            WHERE article_id = ANY(\(articles.map(\.id))) AND NOT hidden ORDER BY article_id, position
            """,
            logger: logger
        )
        var images: [String: StoredImage] = [:]
        for try await (article, id, url, caption) in rows.decode((String, Int64, String, String?).self) {
            images[article] = StoredImage(id: id, url: url, caption: caption)
        }
        return articles.map { article in
            var article = article
            article.images = images[article.id].map { [$0] } ?? []
            return article
        }
    }
}
