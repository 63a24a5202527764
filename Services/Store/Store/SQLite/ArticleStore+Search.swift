import ArabicText
import Foundation
import GRDB

extension ArticleStore {
    /// Articles matching every term of `query`, best first (bm25, title weighted three times the body) among the
    /// newest `ArchiveSearch.rankingWindow` matches, read with the matches in one statement (without their images, which results
    /// do not show). The matches are walked once, newest first, scored as they come, so the query's terms are
    /// looked up once (finding the window's oldest match in a second walk, then scoring, looks them up twice).
    /// Matching folds Arabic (diacritics, hamza and alef forms, ى/ي, ة/ه, tatweel, digits) and light stemming.
    public func search(_ query: String, limit: Int = 20) throws -> [SearchHit] {
        guard let match = SearchText.matchExpression(String(query.prefix(ArchiveSearch.maximumQueryLength))) else {
            return []
        }
        let terms = SearchText.termHashes(String(query.prefix(ArchiveSearch.maximumQueryLength)))
        let articles = try read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT a.* FROM (
                            SELECT rowid, score FROM (
                                SELECT rowid, bm25(articles_fts, 3.0, 1.0) AS score FROM articles_fts
                                WHERE articles_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3
                            ) ORDER BY score LIMIT ?2
                        ) AS best JOIN articles a ON a.rowid = best.rowid ORDER BY best.score
                        """
                ),
                arguments: [match, min(max(limit, 1), ArchiveSearch.maximumResults), ArchiveSearch.rankingWindow]
            ).map { try Self.article(from: $0, db: nil) }
        }
        return articles.map { SearchHit(article: $0, snippet: ArchiveSearch.snippet($0, terms: terms)) }
    }

    /// Articles matching every term of `query`, newest stored first, stored before `before` (or after `after`)
    /// in storage order: the search results paged by cursor. FTS5 walks its matches by rowid in either direction,
    /// so a deep page costs what the first one does.
    public func searchNewest(_ query: String, limit: Int = 20, before: Int64? = nil, after: Int64? = nil) throws
        -> [SearchHit]
    {
        let text = String(query.prefix(ArchiveSearch.maximumQueryLength))
        guard let match = SearchText.matchExpression(text) else { return [] }
        let terms = SearchText.termHashes(text)
        let limit = min(max(limit, 1), ArchiveSearch.maximumResults)
        let rows = try read { db in
            let newer = after != nil
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT a.*, f.rowid AS sequence FROM (
                            SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid \(newer ? ">" : "<") ?2
                            ORDER BY rowid \(newer ? "ASC" : "DESC") LIMIT ?3
                        ) AS f JOIN articles a ON a.rowid = f.rowid
                        """
                ),
                arguments: [match, newer ? after : (before ?? Int64.max), limit]
            ).map { (try Self.article(from: $0, db: nil), $0["sequence"] as Int64) }
            return rows.sorted { $0.1 > $1.1 }
        }
        return rows.map { article, sequence in
            SearchHit(article: article, snippet: ArchiveSearch.snippet(article, terms: terms), sequence: sequence)
        }
    }
}
