import ArabicText

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

/// What search is in both back ends: its limits, its ranking window and its snippets; each back end matches and
/// ranks in its own index (FTS5 in SQLite, a `tsvector` in PostgreSQL).
public enum ArchiveSearch {
    /// The longest query read, in characters, and the most results returned.
    public static let maximumQueryLength = 200
    public static let maximumResults = 50
    /// Ranking looks at the newest `rankingWindow` matches only. bm25 costs time in proportion to the matches it
    /// scores (a common word matches a fifth of an archive: 20 ms at 100k articles); FTS5 walks matches newest
    /// row first for nothing, so the window is cut there. A news reader searching a common word wants the best
    /// of the recent stories, not the best of ten years.
    public static let rankingWindow = 2000

    /// About `width` words of the paragraph with the most matching words, centred on the first match.
    /// Words are matched by the hashes of their stems (`SearchText.containsTerm`); only the first 40 paragraphs
    /// are looked at, each counted in one scan (`SearchText.countTerms`), and only the best one is split into
    /// words: splitting every paragraph into words and scanning each word on its own costs nine tenths of a
    /// search's time.
    public static func snippet(_ article: StoredArticle, terms: Set<UInt64>, width: Int = 36) -> [SearchHit.Run] {
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
