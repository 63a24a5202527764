import ArabicText
import Foundation
import NashraMessages
import NashraRuntime
import PostgresNIO
import StoryGrouping

/// Writes: a batch in one transaction, as in SQLite (new articles inserted, changed ones updated and re-indexed,
/// unchanged redeliveries left alone), in a fixed number of statements whatever the batch's size: the stored state
/// of its articles, the story candidates of all their band keys, one upsert of every new or changed row (arrays
/// unnested), their band rows, their images.
///
/// Several writers may run on one queue. The search forms (folding and stemming, most of a write's CPU) are made
/// by each writer in parallel; the part that reads and writes story assignments runs under a transaction-level
/// advisory lock, so that two writers never start two stories for one event: the second waits for the first's
/// commit and then sees its bands.
///
/// Durability: the writer acknowledges a batch's messages once its commit returns, so the commit must be on disk
/// by then. Each transaction sets `synchronous_commit` on for itself, whatever the server's default: with it off,
/// the chaos suite's `postgres-kill` case lost 148 of 3,000 acknowledged articles to one `kill -9` of the server.
///
/// A write has a deadline (`writeDeadline`): PostgresNIO 1.33 can leave a statement waiting forever when every
/// server process is killed while it runs (the same case, two runs in four: the writer waited on the story
/// candidates' query, its connection long closed, and stored nothing more). Past the deadline the write is
/// abandoned and counts as the database's trouble: the store stage holds the batch and tries again on a new
/// connection. Its results are read whole (`wholeResult`): a result read as an async sequence crashed the writer
/// when the server went away in the middle of it.
extension PostgresArchive {
    @discardableResult
    public func store(_ batch: [ClassifiedArticle]) async throws -> Set<String> {
        guard !batch.isEmpty else { return [] }
        return try await withDeadline(seconds: writeDeadline, "a write of \(batch.count) articles to PostgreSQL") {
            try await self.write(batch)
        }
    }

    private func write(_ batch: [ClassifiedArticle]) async throws -> Set<String> {
        let forms = await Self.forms.run { Self.searchForms(of: batch) }
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.wholeResult("SELECT pg_advisory_xact_lock(\(Self.storyLock))", logger: logger)
            try await connection.wholeResult("SET LOCAL synchronous_commit TO on", logger: logger)
            var stored: [String: (hash: String, topic: String, published: Double?)] = [:]
            for row in try await connection.wholeResult(
                "SELECT id, content_hash, topic, published FROM articles WHERE id = ANY(\(batch.map(\.article.id)))",
                logger: logger
            ) {
                let (id, hash, topic, published) = try row.decode((String, String, String, Double?).self)
                stored[id] = (hash, topic, published)
            }
            let refused = try await Self.refused(batch, connection: connection, logger: logger)
            let keys = batch.map { StoryBands.bandKeys($0.signature) }
            let candidates = try await Self.storyCandidates(
                Array(Set(keys.joined())),
                connection: connection,
                logger: logger
            )
            let shingles = try await Self.storyShingles(
                of: batch,
                keys: keys,
                candidates: candidates,
                connection: connection,
                logger: logger
            )
            // An article twice in one batch is written once, as its last copy (one statement cannot update a row
            // twice); that is what writing them one after the other would leave.
            let last = Dictionary(
                batch.enumerated().map { ($1.article.id, $0) },
                uniquingKeysWith: { _, later in later }
            )
            var rows = ArticleRows()
            var stories = [String](repeating: "", count: batch.count)
            var batchBands: [Int64: [Int]] = [:]
            var images = ImageRows()
            for (position, item) in batch.enumerated()
            where last[item.article.id] == position && !refused.contains(item.article.id) {
                let a = item.article
                let published = a.published?.timeIntervalSince1970
                let changed = stored[a.id].map {
                    $0.hash != a.contentHash || $0.topic != item.topic || $0.published != published
                }
                if changed ?? true {
                    var best: StoryMatch?
                    var probe = StoryProbe(item, body: forms[position].body)
                    var seen = Set<String>()
                    for key in keys[position] {
                        for candidate in candidates[key] ?? [] where candidate.id != a.id {
                            guard seen.insert(candidate.id).inserted else { continue }
                            best = StoryMatch.better(
                                best,
                                story: candidate.story,
                                probe: &probe,
                                candidate: candidate.signature,
                                shingles: { shingles[candidate.id] }
                            )
                        }
                    }
                    for earlier in Set(keys[position].flatMap { batchBands[$0] ?? [] }) {
                        best = StoryMatch.better(
                            best,
                            story: stories[earlier],
                            probe: &probe,
                            candidate: batch[earlier].signature,
                            shingles: { StoryProbe.shingles(of: batch[earlier], body: forms[earlier].body) }
                        )
                    }
                    stories[position] = best?.story ?? a.id
                    for key in keys[position] { batchBands[key, default: []].append(position) }
                    rows.append(item, forms: forms[position], story: stories[position])
                }
                images.append(a)
            }
            var inserted = Set<String>()
            var written: [String: Int64] = [:]
            if !rows.ids.isEmpty {
                for row in try await connection.wholeResult(rows.upsert(now: Date()), logger: logger) {
                    let (id, seq, new) = try row.decode((String, Int64, Bool).self)
                    written[id] = seq
                    if new { inserted.insert(id) }
                }
                // Band rows of the written articles, replaced (a changed article may have a new signature).
                try await connection.wholeResult(
                    "DELETE FROM story_bands WHERE article = ANY(\(Array(written.values)))",
                    logger: logger
                )
                var bands: (keys: [Int64], articles: [Int64]) = ([], [])
                for (position, item) in batch.enumerated() {
                    guard last[item.article.id] == position, let seq = written[item.article.id] else { continue }
                    bands.keys += keys[position]
                    bands.articles += Array(repeating: seq, count: keys[position].count)
                }
                if !bands.keys.isEmpty {
                    try await connection.wholeResult(
                        """
                        INSERT INTO story_bands (key, article)
                        SELECT * FROM unnest(\(bands.keys)::bigint[], \(bands.articles)::bigint[]) ON CONFLICT DO NOTHING
                        """,
                        logger: logger
                    )
                }
            }
            if !images.articles.isEmpty {
                try await connection.wholeResult(images.insert, logger: logger)
            }
            return inserted
        }
    }

    /// A stored article that shares a band with an article being written.
    struct Candidate: Sendable {
        var id: String
        var story: String
        var signature: [UInt32]
    }

    /// The stored articles of each band key (the newest 50 a band, so that a crowded band cannot stall a write).
    static func storyCandidates(_ keys: [Int64], connection: PostgresConnection, logger: Logger) async throws
        -> [Int64: [Candidate]]
    {
        guard !keys.isEmpty else { return [:] }
        let rows = try await connection.wholeResult(
            """
            SELECT k.key, a.id, coalesce(a.cluster_id, a.id), a.signature
            FROM unnest(\(keys)::bigint[]) AS k(key)
            CROSS JOIN LATERAL (
                SELECT article FROM story_bands b WHERE b.key = k.key ORDER BY article DESC LIMIT 50
            ) AS band
            JOIN articles a ON a.seq = band.article
            """,
            logger: logger
        )
        var candidates: [Int64: [Candidate]] = [:]
        for row in rows {
            let (key, id, story, signature) = try row.decode((Int64, String, String, Data?).self)
            candidates[key, default: []].append(
                Candidate(id: id, story: story, signature: StoryBands.decodeSignature(signature))
            )
        }
        return candidates
    }

    /// The shingle set of every candidate whose signature is close enough to one of the batch's for its text to be
    /// checked (`StorySimilarity.worthVerifying`), by id: one query for the few that pass, each text shingled once.
    static func storyShingles(
        of batch: [ClassifiedArticle],
        keys: [[Int64]],
        candidates: [Int64: [Candidate]],
        connection: PostgresConnection,
        logger: Logger
    ) async throws -> [String: [UInt64]] {
        var wanted = Set<String>()
        for (position, item) in batch.enumerated() {
            for key in keys[position] {
                for candidate in candidates[key] ?? []
                where candidate.id != item.article.id
                    && StorySimilarity.worthVerifying(item.signature, candidate.signature)
                {
                    wanted.insert(candidate.id)
                }
            }
        }
        guard !wanted.isEmpty else { return [:] }
        var shingles: [String: [UInt64]] = [:]
        for row in try await connection.wholeResult(
            "SELECT id, title, body FROM articles WHERE id = ANY(\(Array(wanted)))",
            logger: logger
        ) {
            let (id, title, body) = try row.decode((String, String, String).self)
            shingles[id] = WordShingles.set(of: StorySimilarity.storyText(title: title, body: body))
        }
        return shingles
    }

    /// Where the search forms of a batch are made: off the cooperative pool, on every core.
    static let forms = BlockingExecutor(label: "nashra.store.forms")

    static func searchForms(of batch: [ClassifiedArticle]) -> [PreparedBatch.Forms] {
        PreparedBatch.inParallel(batch) { $0.map(PreparedBatch.Forms.init) }.flatMap { $0 }
    }

    /// Deletes the articles older than `horizon`, a thousand per transaction; their images, reports and band rows
    /// go with them (foreign keys that cascade), and their search entries are in their rows.
    public func prune(olderThan horizon: Date) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await client.withConnection { connection in
                try await connection.wholeResult(
                    """
                    DELETE FROM articles WHERE id IN (
                        SELECT id FROM articles WHERE sort_time < \(horizon.timeIntervalSince1970) ORDER BY sort_time LIMIT 1000
                    ) RETURNING 1
                    """,
                    logger: logger
                ).count
            }
            total += deleted
            if deleted < 1000 { return total }
        }
    }
}

/// The new or changed rows of a batch, column by column, for one `INSERT … SELECT FROM unnest(…)`. Arrays cannot
/// hold NULLs through PostgresNIO's encoders, so absent values travel as NaN (numbers) or "" (text) and are turned
/// back into NULL in SQL.
struct ArticleRows {
    var ids: [String] = [], urls: [String] = [], sources: [String] = [], sourceNames: [String] = []
    var titles: [String] = [], published: [Double] = [], fetched: [Double] = [], sortTimes: [Double] = []
    var sections: [String] = [], languages: [String] = [], descriptions: [String] = [], bodies: [String] = []
    var hashes: [String] = [], topics: [String] = [], confidences: [Double] = [], uncertain: [Bool] = []
    var signatures: [ByteBuffer] = [], stories: [String] = [], discovered: [Double] = []
    var titleForms: [String] = [], bodyForms: [String] = [], zones: [String] = [], credits: [String] = []

    mutating func append(_ item: ClassifiedArticle, forms: PreparedBatch.Forms, story: String) {
        let a = item.article
        let published = a.published?.timeIntervalSince1970
        let fetched = a.fetchedAt.timeIntervalSince1970
        ids.append(a.id)
        urls.append(a.url)
        sources.append(a.sourceID)
        sourceNames.append(a.sourceName ?? "")
        titles.append(a.title)
        self.published.append(published ?? .nan)
        self.fetched.append(fetched)
        sortTimes.append(published ?? fetched)
        sections.append(a.section ?? "")
        languages.append(a.language ?? "")
        descriptions.append(a.description ?? "")
        bodies.append(forms.body)
        hashes.append(a.contentHash)
        topics.append(item.topic)
        confidences.append(item.confidence)
        uncertain.append(item.uncertain)
        signatures.append(item.signature.withUnsafeBytes { ByteBuffer(bytes: $0) })
        stories.append(story)
        discovered.append(a.discoveredAt?.timeIntervalSince1970 ?? .nan)
        zones.append(a.timeZone ?? "")
        credits.append(a.credit ?? "")
        titleForms.append(forms.title)
        bodyForms.append(forms.index)
    }

    /// The upsert, returning each written row's id, `seq`, and whether it was new.
    func upsert(now: Date) -> PostgresQuery {
        let now = now.timeIntervalSince1970
        return """
            INSERT INTO articles (id, url, source_id, source_name, title, published, fetched_at, sort_time, section,
                language, description, body, content_hash, topic, confidence, uncertain, signature, cluster_id,
                discovered_at, created_at, updated_at, search, title_search, time_zone, credit)
            SELECT id, url, source, nullif(source_name, ''), title, nullif(published, 'NaN'), fetched, sort_time,
                nullif(section, ''), nullif(language, ''), nullif(description, ''), body, hash, topic, confidence,
                uncertain, signature, story, nullif(discovered, 'NaN'), \(now), \(now),
                setweight(to_tsvector('simple', title_form), 'A') || to_tsvector('simple', body_form),
                to_tsvector('simple', title_form), nullif(zone, ''), nullif(credit, '')
            FROM unnest(\(ids)::text[], \(urls)::text[], \(sources)::text[], \(sourceNames)::text[], \(titles)::text[],
                \(published)::float8[], \(fetched)::float8[], \(sortTimes)::float8[], \(sections)::text[],
                \(languages)::text[], \(descriptions)::text[], \(bodies)::text[], \(hashes)::text[], \(topics)::text[],
                \(confidences)::float8[], \(uncertain)::bool[], \(signatures)::bytea[], \(stories)::text[],
                \(discovered)::float8[], \(titleForms)::text[], \(bodyForms)::text[], \(zones)::text[],
                \(credits)::text[])
                AS r(id, url, source, source_name, title, published, fetched, sort_time, section, language,
                    description, body, hash, topic, confidence, uncertain, signature, story, discovered, title_form,
                    body_form, zone, credit)
            ON CONFLICT (id) DO UPDATE SET
                source_name = excluded.source_name, title = excluded.title, published = excluded.published,
                sort_time = excluded.sort_time, section = excluded.section, language = excluded.language,
                description = excluded.description, body = excluded.body, content_hash = excluded.content_hash,
                topic = excluded.topic, confidence = excluded.confidence, uncertain = excluded.uncertain,
                signature = excluded.signature, cluster_id = excluded.cluster_id, search = excluded.search,
                title_search = excluded.title_search,
                discovered_at = coalesce(articles.discovered_at, excluded.discovered_at),
                updated_at = excluded.updated_at, time_zone = excluded.time_zone, credit = excluded.credit
            RETURNING id, seq, (xmax = 0)
            """
    }
}

/// The images of a batch's articles (the first 50 of each), column by column.
struct ImageRows {
    var articles: [String] = [], positions: [Int32] = [], urls: [String] = [], captions: [String] = []

    mutating func append(_ article: Article) {
        for (index, picture) in article.images.prefix(50).enumerated() {
            articles.append(article.id)
            positions.append(Int32(index))
            urls.append(picture.url)
            captions.append(picture.caption ?? "")
        }
    }

    /// Adds the images not stored yet; stored ones keep their id, and their hidden flag.
    var insert: PostgresQuery {
        """
        INSERT INTO images (article_id, position, url, caption)
        SELECT a, p, u, nullif(c, '') FROM unnest(\(articles)::text[], \(positions)::int[], \(urls)::text[],
            \(captions)::text[]) AS i(a, p, u, c)
        ON CONFLICT DO NOTHING
        """
    }
}
