import ArabicText
import Foundation
import GRDB
import NashraHashing
import NashraMessages
import StoryGrouping

/// Story clusters: the same story told by several outlets. The classifier's MinHash signature is cut into bands;
/// articles sharing a band are candidates, and a candidate joins only if `StorySimilarity` verifies it: screened
/// on the signatures, then decided on the exact word 3-shingles of both texts (the shorter text mostly contained
/// in the longer: a wire story, cut or extended): precision first. A cluster is named by its first article, so it
/// keeps its first publisher.
///
/// The band index (`story_bands`) holds one integer key per band (the band's number folded into its hash, 31
/// bits) and the article's rowid, in a table without rowids: about 10 bytes a row, where rows of (band, hash,
/// article id text) with a by-article index take 110 and make random inserts into them the largest cost of a
/// write at 100k articles. An article's rows are found again from its stored signature, so no by-article index
/// is kept.
extension ArticleStore {
    /// The best verified match of an article among the stored articles with a rowid above `after`, other than
    /// the article `excludingID` itself; nil when the article starts a story of its own.
    static func story(of probe: inout StoryProbe, excludingID own: String, after: Int64, in db: Database) throws
        -> StoryMatch?
    {
        var probes = [probe]
        defer { probe = probes[0] }
        return try stories(of: &probes, excludingIDs: [own], after: after, in: db)[0]
    }

    /// `story(of:excludingID:after:in:)` for many articles at once: their band keys are looked up together, in key
    /// order, in one pass over the band index, and each candidate's row is read once however many articles it is
    /// a candidate of (one statement per band per article costs a third of the import path's CPU).
    static func stories(of probes: inout [StoryProbe], excludingIDs own: [String], after: Int64, in db: Database)
        throws -> [StoryMatch?]
    {
        let keys = probes.map { StoryBands.bandKeys($0.signature) }
        let articles = try bandArticles(Set(keys.joined()), after: after, in: db)
        let rowids = keys.map { keys in
            var seen = Set<Int64>()
            return keys.flatMap { articles[$0] ?? [] }.filter { seen.insert($0).inserted }
        }
        let rows = try candidateRows(Set(rowids.joined()), in: db)
        return try probes.indices.map { index in
            try best(of: rowids[index].compactMap { rows[$0] }, for: &probes[index], excludingID: own[index], in: db)
        }
    }

    /// The articles above `after` filed under each band key, at most 50 a key (the first in rowid order), so that
    /// a crowded band cannot stall a write.
    private static func bandArticles(_ keys: Set<Int64>, after: Int64, in db: Database) throws -> [Int64: [Int64]] {
        guard !keys.isEmpty else { return [:] }
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT key, article FROM story_bands
                    WHERE key IN (SELECT value FROM json_each(?1)) AND article > ?2 ORDER BY key, article
                    """
            ),
            arguments: [jsonArray(keys.sorted()), after]
        )
        var articles: [Int64: [Int64]] = [:]
        while let row = try rows.next() {
            let key: Int64 = row[0]
            if articles[key, default: []].count < 50 { articles[key, default: []].append(row[1]) }
        }
        return articles
    }

    /// What a story lookup needs of each of these stored articles, by rowid.
    private static func candidateRows(_ rowids: Set<Int64>, in db: Database) throws -> [Int64: StoryCandidate] {
        guard !rowids.isEmpty else { return [:] }
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT rowid, signature, cluster_id, id FROM articles
                    WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid
                    """
            ),
            arguments: [jsonArray(rowids.sorted())]
        )
        var candidates: [Int64: StoryCandidate] = [:]
        while let row = try rows.next() {
            let rowid: Int64 = row[0]
            candidates[rowid] = StoryCandidate(row, rowid: rowid)
        }
        return candidates
    }

    /// Integers as a JSON array, for `json_each`: one bound argument however many values.
    private static func jsonArray(_ values: [Int64]) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }

    /// The best verified match among `candidates`; their texts are read only for those worth checking.
    static func best(
        of candidates: [StoryCandidate],
        for probe: inout StoryProbe,
        excludingID own: String,
        in db: Database
    ) throws -> StoryMatch? {
        let text = try db.cachedStatement(sql: "SELECT title, body FROM articles WHERE rowid = ?")
        var best: StoryMatch?
        for candidate in candidates where candidate.id != own {
            best = try StoryMatch.better(
                best,
                story: candidate.story,
                probe: &probe,
                candidate: candidate.signature,
                shingles: {
                    try Row.fetchOne(text, arguments: [candidate.rowid]).map {
                        WordShingles.set(of: StorySimilarity.storyText(title: $0["title"], body: $0["body"]))
                    }
                }
            )
        }
        return best
    }

    /// Adds a stored article to the search index and its band keys to `bands` (written by `bands.flush`).
    /// `title` and `body` are `SearchText.indexForm` of its title and body.
    static func index(
        rowid: Int64,
        title: String,
        body: String,
        signature: [UInt32],
        bands: inout BandRows,
        in db: Database
    ) throws {
        try db.cachedStatement(sql: "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)")
            .execute(arguments: [rowid, title, body])
        try bands.add(StoryBands.bandKeys(signature), article: rowid, in: db)
    }

    /// Band rows waiting to be written, written in key order: a batch's rows land on neighbouring pages of the
    /// band index one after the other, instead of one random page each (with 32 bands an article, random inserts
    /// cost a third of a batch's write at 100k articles).
    struct BandRows {
        private var rows: [(key: Int64, article: Int64)] = []

        mutating func add(_ keys: [Int64], article: Int64, in db: Database) throws {
            for key in keys { rows.append((key, article)) }
            if rows.count >= 500_000 { try flush(in: db) }  // bounded memory for a rebuild of a whole archive
        }

        /// Forgets the rows of an article not yet written (it changed again within the batch).
        mutating func discard(article: Int64) {
            rows.removeAll { $0.article == article }
        }

        /// Writes the rows, `Self.rowsPerInsert` to a statement (one execution a row costs a fifth of a batch's
        /// write, most of it the statement's own overhead).
        mutating func flush(in db: Database) throws {
            rows.sort { $0.key < $1.key || ($0.key == $1.key && $0.article < $1.article) }
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(start + Self.rowsPerInsert, rows.count)]
                let insert = try db.cachedStatement(
                    sql: chunk.count == Self.rowsPerInsert ? Self.insertSQL : Self.insertSQL(rows: chunk.count)
                )
                let values: [Int64] = chunk.flatMap { [$0.key, $0.article] }
                try insert.execute(arguments: StatementArguments(values))
                start += chunk.count
            }
            rows.removeAll(keepingCapacity: true)
        }

        static let rowsPerInsert = 256
        private static let insertSQL = insertSQL(rows: rowsPerInsert)
        private static func insertSQL(rows: Int) -> String {
            "INSERT OR IGNORE INTO story_bands (key, article) VALUES "
                + repeatElement("(?, ?)", count: rows).joined(separator: ", ")
        }
    }

    /// Removes a stored article from both indexes. The search index holds no copy of the text (a contentless FTS5
    /// table: half the index's size), so its entries are deleted by re-deriving the indexed forms from the stored
    /// title and body; `SearchText` changes therefore come with a migration that rebuilds the index.
    static func unindex(stored row: Row, in db: Database) throws {
        let rowid: Int64 = row["rowid"]
        try db.cachedStatement(
            sql: "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)"
        ).execute(arguments: [rowid, SearchText.indexForm(row["title"]), SearchText.indexForm(row["body"])])
        let keys = StoryBands.bandKeys(StoryBands.decodeSignature(row["signature"]))
        guard !keys.isEmpty else { return }
        try deleteBandsStatement(keys: keys.count, in: db).execute(arguments: StatementArguments([rowid] + keys))
    }

    /// A stored article that shares a band with an article being written: what the story lookup needs of it.
    struct StoryCandidate {
        var rowid: Int64
        var id: String
        var story: String
        var signature: [UInt32]

        init(_ row: Row, rowid: Int64) {
            self.rowid = rowid
            id = row["id"]
            story = (row["cluster_id"] as String?) ?? row["id"]
            signature = StoryBands.decodeSignature(row["signature"])
        }
    }

    /// The statement that deletes an article's band rows, all its keys at once (arguments: the article's rowid,
    /// then its keys). Compiled once per connection and key count.
    static func deleteBandsStatement(keys count: Int, in db: Database) throws -> Statement {
        let keys = (0..<count).map { "?\($0 + 2)" }.joined(separator: ", ")
        return try db.cachedStatement(sql: "DELETE FROM story_bands WHERE article = ?1 AND key IN (\(keys))")
    }

    /// The stored articles above a rowid, banded in memory: a batch prepared while others were written looks its
    /// late candidates up here, with one range read of those rows instead of a seek per band per article (the
    /// import path prepares each batch while the previous one is written, so every article of a batch has late
    /// candidates to look up). Nil when there are more than `limit` such rows: then `story(of:after:in:)` looks
    /// them up in the band index.
    struct RecentStories {
        private var rows: [StoryCandidate] = []
        private var bands: [Int64: [Int]] = [:]

        init?(after horizon: Int64, through committed: Int64, in db: Database, limit: Int64 = 50_000) throws {
            guard committed - horizon <= limit else { return nil }
            let cursor = try Row.fetchCursor(
                db,
                sql: "SELECT rowid, signature, cluster_id, id FROM articles WHERE rowid > ? ORDER BY rowid",
                arguments: [horizon]
            )
            while let row = try cursor.next() {
                let candidate = StoryCandidate(row, rowid: row["rowid"])
                for key in StoryBands.bandKeys(candidate.signature) {
                    // As the band index's lookup does: the first 50 articles a band.
                    if bands[key, default: []].count < 50 { bands[key, default: []].append(rows.count) }
                }
                rows.append(candidate)
            }
        }

        /// The best verified match of an article among these rows.
        func story(of probe: inout StoryProbe, excludingID own: String, in db: Database) throws -> StoryMatch? {
            var seen = Set<Int>()
            let candidates = StoryBands.bandKeys(probe.signature).flatMap { bands[$0] ?? [] }.filter {
                seen.insert($0).inserted
            }
            return try best(of: candidates.map { rows[$0] }, for: &probe, excludingID: own, in: db)
        }
    }

    /// The band index made again from the stored signatures (after a change of `bandWidth`).
    static func rebuildBands(in db: Database) throws {
        try db.execute(sql: "DELETE FROM story_bands")
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, signature FROM articles")
        var bands = BandRows()
        while let row = try rows.next() {
            try bands.add(
                StoryBands.bandKeys(StoryBands.decodeSignature(row["signature"])),
                article: row["rowid"],
                in: db
            )
        }
        try bands.flush(in: db)
    }

    /// The columns `unindex(stored:in:)` needs, for a `SELECT … FROM articles`.
    static let indexedColumns = "rowid, title, body, signature"

    /// The other articles of an article's story, first publisher first.
    public func sameStory(as id: String) throws -> [StoredArticle] {
        let ids = try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM articles WHERE cluster_id = (SELECT cluster_id FROM articles WHERE id = ?)
                        AND id != ? ORDER BY sort_time, id LIMIT 20
                    """,
                arguments: [id, id]
            )
        }
        return try ids.compactMap { try article(id: $0) }
    }

    /// The v6 schema of both indexes, rebuilt from the stored articles; articles never clustered are clustered
    /// in publication order. The search index uses FTS5's `ascii` tokenizer: the indexed forms are already folded,
    /// lower-cased and cut into words by `SearchText`, so FTS5 need only split on spaces (`ascii` keeps every
    /// non-ASCII byte inside a token and skips `unicode61`'s character-class lookups); `pgsz` 4050 fills the 4 KB
    /// database pages with index leaves.
    static func rebuildIndexes(in db: Database) throws {
        try db.execute(
            sql: """
                DROP TABLE IF EXISTS signature_bands;
                CREATE TABLE story_bands (key INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY (key, article))
                    WITHOUT ROWID;
                DROP TABLE IF EXISTS articles_fts;
                CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content = '', tokenize = 'ascii');
                INSERT INTO articles_fts (articles_fts, rank) VALUES ('pgsz', 4050);
                """
        )
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT rowid, id, title, body, signature, cluster_id FROM articles ORDER BY sort_time, rowid"
        )
        var bands = BandRows()
        while let row = try rows.next() {
            let rowid: Int64 = row["rowid"]
            let signature = StoryBands.decodeSignature(row["signature"])
            if (row["cluster_id"] as String?) == nil {
                try bands.flush(in: db)  // the earlier articles' bands, for the lookup
                var probe = StoryProbe(
                    signature: signature,
                    text: StorySimilarity.storyText(title: row["title"], body: row["body"])
                )
                let story = try story(of: &probe, excludingID: row["id"], after: 0, in: db)?.story ?? row["id"]
                try db.execute(sql: "UPDATE articles SET cluster_id = ? WHERE rowid = ?", arguments: [story, rowid])
            }
            try index(
                rowid: rowid,
                title: SearchText.indexForm(row["title"]),
                body: SearchText.indexForm(row["body"]),
                signature: signature,
                bands: &bands,
                in: db
            )
        }
        try bands.flush(in: db)
    }
}
