import ArabicText
import Foundation
import NashraMessages
import PostgresNIO

/// What readers do: search, and report images.
extension PostgresArchive {
    /// Search over the `search` column: the title's and the body's folded words (`SearchText.indexForm`), matched
    /// by `plainto_tsquery('simple', …)` of the query's folded terms (every term must match). As in SQLite, only
    /// the newest `ArchiveSearch.rankingWindow` matches are ranked; the ranking differs: title matches first
    /// (`ts_rank` over the small `title_search` vector), then the newest. Ranking over the whole `search` vector
    /// (bm25's counterpart) read and decompressed the body's vector of every match (233 ms for a word with 5,571
    /// matches at 100k articles).
    ///
    /// Finding the newest matches has two good plans, and PostgreSQL's planner picks between them badly: the GIN
    /// index gives every match (cheap while there are a few thousand), while walking the `seq` index backwards and
    /// testing each article's vector is cheap only for words in a large share of the archive (it stops after
    /// `rankingWindow` matches). The planner walked backwards for a word of 5,000 matches: 142 ms, where the index
    /// takes 18. So the index is asked first for up to `indexMatches` matches (plain index scans and sequential
    /// scans off for that statement); only a word with more is searched by the backward walk.
    public func search(_ query: String, limit: Int) async throws -> [SearchHit] {
        let query = String(query.prefix(ArchiveSearch.maximumQueryLength))
        let terms = SearchText.terms(query).prefix(12)
        guard !terms.isEmpty else { return [] }
        let text = terms.joined(separator: " ")
        let limit = min(max(limit, 1), ArchiveSearch.maximumResults)
        let logger = logger
        let newest: [Int64]? = try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SET LOCAL enable_seqscan = off", logger: logger)
            try await connection.query("SET LOCAL enable_indexscan = off", logger: logger)
            var seqs: [Int64] = []
            for try await seq in try await connection.query(
                """
                SELECT seq FROM articles WHERE search @@ plainto_tsquery('simple', \(text))
                LIMIT \(Self.indexMatches + 1)
                """,
                logger: logger
            ).decode(Int64.self) { seqs.append(seq) }
            return seqs.count > Self.indexMatches ? nil : Array(seqs.sorted(by: >).prefix(ArchiveSearch.rankingWindow))
        }
        if newest?.isEmpty == true { return [] }
        let rows: PostgresRowSequence
        if let newest {
            rows = try await client.query(
                """
                SELECT id FROM articles WHERE seq = ANY(\(newest))
                ORDER BY ts_rank(title_search, plainto_tsquery('simple', \(text))) DESC, seq DESC LIMIT \(limit)
                """,
                logger: logger
            )
        } else {
            rows = try await client.query(
                """
                WITH matches AS MATERIALIZED (
                    SELECT seq, id, title_search FROM articles WHERE search @@ plainto_tsquery('simple', \(text))
                    ORDER BY seq DESC LIMIT \(ArchiveSearch.rankingWindow)
                )
                SELECT id FROM matches
                ORDER BY ts_rank(title_search, plainto_tsquery('simple', \(text))) DESC, seq DESC LIMIT \(limit)
                """,
                logger: logger
            )
        }
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        let hashes = SearchText.termHashes(query)
        return try await articles(ids: ids, images: false).map {
            SearchHit(article: $0, snippet: ArchiveSearch.snippet($0, terms: hashes))
        }
    }

    /// As in SQLite: matches newest stored first (by `seq`), before or after a cursor.
    public func searchNewest(_ query: String, limit: Int, before: Int64?, after: Int64?) async throws
        -> [SearchHit]
    {
        let query = String(query.prefix(ArchiveSearch.maximumQueryLength))
        let terms = SearchText.terms(query).prefix(12)
        guard !terms.isEmpty else { return [] }
        let text = terms.joined(separator: " ")
        let limit = min(max(limit, 1), ArchiveSearch.maximumResults)
        let rows: PostgresRowSequence
        if let after {
            rows = try await client.query(
                """
                SELECT id, seq FROM articles WHERE search @@ plainto_tsquery('simple', \(text)) AND seq > \(after)
                ORDER BY seq LIMIT \(limit)
                """,
                logger: logger
            )
        } else {
            rows = try await client.query(
                """
                SELECT id, seq FROM articles WHERE search @@ plainto_tsquery('simple', \(text))
                    AND seq < \(before ?? Int64.max) ORDER BY seq DESC LIMIT \(limit)
                """,
                logger: logger
            )
        }
        var found: [(id: String, seq: Int64)] = []
        for try await row in rows.decode((String, Int64).self) { found.append(row) }
        found.sort { $0.seq > $1.seq }
        let hashes = SearchText.termHashes(query)
        let articles = Dictionary(
            try await articles(ids: found.map(\.id), images: false).map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        return found.compactMap { id, seq in
            articles[id].map {
                SearchHit(article: $0, snippet: ArchiveSearch.snippet($0, terms: hashes), sequence: seq)
            }
        }
    }

    /// The most matches read from the GIN index before a search walks the archive backwards instead: where the
    /// two plans cost about the same at 100k articles (a word in one article of seven).
    static let indexMatches = 15_000

    /// As in SQLite: one report per reader per image, `perHour` reports a reader an hour, and the image hidden
    /// everywhere it appears (by URL) once `threshold` readers have reported it. The image's row is locked for the
    /// count, so that reports arriving together at two web servers are counted one after the other.
    public func report(image: Int64, address: String, userAgent: String, threshold: Int, perHour: Int) async throws
        -> ReportOutcome
    {
        let reader = StableID.of(salt + "|" + address + "|" + userAgent)
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            guard
                let url = try await one(
                    connection.query("SELECT url FROM images WHERE id = \(image) FOR UPDATE", logger: logger),
                    String.self
                )
            else { return .unknownImage }
            let now = Date().timeIntervalSince1970
            let recent =
                try await one(
                    connection.query(
                        "SELECT count(*) FROM image_reports WHERE reader = \(reader) AND reported_at > \(now - 3600)",
                        logger: logger
                    ),
                    Int.self
                ) ?? 0
            guard recent < perHour else { return .rateLimited }
            let counted = try await one(
                connection.query(
                    """
                    INSERT INTO image_reports (image_id, reader, reported_at) VALUES (\(image), \(reader), \(now))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """,
                    logger: logger
                ),
                Int32.self
            )
            guard counted != nil else { return .duplicate }
            let readers =
                try await one(
                    connection.query("SELECT count(*) FROM image_reports WHERE image_id = \(image)", logger: logger),
                    Int.self
                ) ?? 0
            guard readers >= threshold else { return .counted(hidden: false) }
            try await connection.query("UPDATE images SET hidden = true WHERE url = \(url)", logger: logger)
            try await Self.bumpTakedownVersion(connection, logger: logger)
            return .counted(hidden: true)
        }
    }

    public func restore(image: Int64) async throws {
        let logger = logger
        try await client.withTransaction(logger: logger) { connection in
            guard
                let url = try await one(
                    connection.query("SELECT url FROM images WHERE id = \(image)", logger: logger),
                    String.self
                )
            else { return }
            try await connection.query("UPDATE images SET hidden = false WHERE url = \(url)", logger: logger)
            try await Self.bumpTakedownVersion(connection, logger: logger)
            try await connection.query(
                "DELETE FROM image_reports WHERE image_id IN (SELECT id FROM images WHERE url = \(url))",
                logger: logger
            )
        }
    }
}
