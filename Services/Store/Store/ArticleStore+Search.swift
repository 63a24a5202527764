import ArabicText
import Foundation
import GRDB

/// A search result: the article and a passage of its text around the matching words.
public struct SearchHit: Sendable, Codable, Equatable {
    public var article: StoredArticle
    /// The passage, as runs of text; `highlighted` runs are words that matched the query.
    public var snippet: [Run]

    public struct Run: Sendable, Codable, Equatable {
        public var text: String
        public var highlighted: Bool
    }

    /// The passage as plain text.
    public var snippetText: String { snippet.map(\.text).joined() }
    /// Its place in storage order, for paging results newest first (`searchNewest`); nil in a ranked search.
    public var sequence: Int64?
}

extension ArticleStore {
    /// The longest query read, in characters, and the most results returned.
    public static let maximumQueryLength = 200
    public static let maximumResults = 50
    /// Ranking looks at the newest `rankingWindow` matches only. bm25 costs time in proportion to the matches it
    /// scores (a common word matches a fifth of an archive: 20 ms at 100k articles); FTS5 walks matches newest
    /// row first for nothing, so the window is cut there. A news reader searching a common word wants the best
    /// of the recent stories, not the best of ten years.
    public static let rankingWindow = 2000

    /// Articles matching every term of `query`, best first (bm25, title weighted three times the body) among the
    /// newest `rankingWindow` matches, read with the matches in one statement (without their images, which results
    /// do not show). The matches are walked once, newest first, scored as they come (an earlier form found the
    /// window's oldest match in a second walk, then scored: the query's terms were looked up twice).
    /// Matching folds Arabic (diacritics, hamza and alef forms, ى/ي, ة/ه, tatweel, digits) and light stemming.
    public func search(_ query: String, limit: Int = 20) throws -> [SearchHit] {
        guard let match = SearchText.matchExpression(String(query.prefix(Self.maximumQueryLength))) else { return [] }
        let terms = SearchText.termHashes(String(query.prefix(Self.maximumQueryLength)))
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
                arguments: [match, min(max(limit, 1), Self.maximumResults), Self.rankingWindow]
            ).map { try Self.article(from: $0, db: nil) }
        }
        return articles.map { SearchHit(article: $0, snippet: Self.snippet($0, terms: terms)) }
    }

    /// Articles matching every term of `query`, newest stored first, stored before `before` (or after `after`)
    /// in storage order: the search results paged by cursor. FTS5 walks its matches by rowid in either direction,
    /// so a deep page costs what the first one does.
    public func searchNewest(_ query: String, limit: Int = 20, before: Int64? = nil, after: Int64? = nil) throws
        -> [SearchHit]
    {
        let text = String(query.prefix(Self.maximumQueryLength))
        guard let match = SearchText.matchExpression(text) else { return [] }
        let terms = SearchText.termHashes(text)
        let limit = min(max(limit, 1), Self.maximumResults)
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
            SearchHit(article: article, snippet: Self.snippet(article, terms: terms), sequence: sequence)
        }
    }

    /// About `width` words of the paragraph with the most matching words, centred on the first match.
    /// Words are matched by the hashes of their stems (`SearchText.containsTerm`); only the first 40 paragraphs
    /// are looked at, each counted in one scan (`SearchText.countTerms`), and only the best one is split into
    /// words: splitting every paragraph into words and scanning each word on its own had been nine tenths of a
    /// search's time.
    static func snippet(_ article: StoredArticle, terms: Set<UInt64>, width: Int = 36) -> [SearchHit.Run] {
        func matches(_ word: Substring) -> Bool { SearchText.containsTerm(word, of: terms) }
        let paragraphs = article.paragraphs.prefix(40)
        let counts = paragraphs.map { SearchText.countTerms(in: $0, of: terms) }
        let words: [Substring]
        if let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0 {
            words = paragraphs[paragraphs.startIndex + best].split(separator: " ", omittingEmptySubsequences: true)
        } else {
            words = (paragraphs.first ?? article.title).split(separator: " ", omittingEmptySubsequences: true)
        }
        let first = words.firstIndex(where: matches) ?? 0
        let start = max(0, first - width / 3)
        let end = min(words.count, start + width)
        var runs: [SearchHit.Run] = []
        if start > 0 { runs.append(.init(text: "… ", highlighted: false)) }
        for (offset, word) in words[start..<end].enumerated() {
            if offset > 0 { runs.append(.init(text: " ", highlighted: false)) }
            runs.append(.init(text: String(word), highlighted: matches(word)))
        }
        if end < words.count { runs.append(.init(text: " …", highlighted: false)) }
        return runs
    }
}
