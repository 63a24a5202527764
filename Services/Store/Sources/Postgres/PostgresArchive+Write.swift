import Foundation
import NashraModel
import NashraRuntime
import PostgresNIO
import Synchronization

/// Writes: a batch in one transaction, as in SQLite (new articles inserted, changed ones updated and re-indexed,
/// unchanged redeliveries left alone), with the lookups of a batch made as one query each (the stored state of
/// its articles, the story candidates of all their band keys) rather than one round trip per article.
///
/// Several writers may run on one queue. The search forms (folding and stemming, most of a write's CPU) are made
/// by each writer in parallel; the part that reads and writes story assignments runs under a transaction-level
/// advisory lock, so that two writers never start two stories for one event: the second waits for the first's
/// commit and then sees its bands.
extension PostgresArchive {
    @discardableResult
    public func store(_ batch: [ClassifiedArticle]) async throws -> Set<String> {
        guard !batch.isEmpty else { return [] }
        let forms = await Self.forms.run { Self.searchForms(of: batch) }
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.storyLock))", logger: logger)
            var stored: [String: (seq: Int64, hash: String, topic: String, published: Double?)] = [:]
            for try await (id, seq, hash, topic, published) in try await connection.query(
                "SELECT id, seq, content_hash, topic, published FROM articles WHERE id = ANY(\(batch.map(\.article.id)))",
                logger: logger
            ).decode((String, Int64, String, String, Double?).self) {
                stored[id] = (seq, hash, topic, published)
            }
            let keys = batch.map { ArticleStore.bandKeys($0.signature) }
            let candidates = try await Self.storyCandidates(
                Array(Set(keys.joined())),
                connection: connection,
                logger: logger
            )
            let now = Date().timeIntervalSince1970
            var inserted = Set<String>()
            var stories = [String](repeating: "", count: batch.count)
            var batchBands: [Int64: [Int]] = [:]
            var replaced: [Int64] = []
            var bands: (keys: [Int64], articles: [Int64]) = ([], [])
            var images: (articles: [String], positions: [Int32], urls: [String], captions: [String]) = ([], [], [], [])
            for (position, item) in batch.enumerated() {
                let a = item.article
                let published = a.published?.timeIntervalSince1970
                let old = stored[a.id]
                let changed = old.map {
                    $0.hash != a.contentHash || $0.topic != item.topic || $0.published != published
                }
                if changed ?? true {
                    var best: StoryMatch?
                    var seen = Set<String>()
                    for key in keys[position] {
                        for candidate in candidates[key] ?? [] where candidate.id != a.id {
                            guard seen.insert(candidate.id).inserted else { continue }
                            best = StoryMatch.better(
                                best,
                                story: candidate.story,
                                signature: item.signature,
                                candidate: candidate.signature
                            )
                        }
                    }
                    for earlier in Set(keys[position].flatMap { batchBands[$0] ?? [] })
                    where batch[earlier].article.id != a.id {
                        best = StoryMatch.better(
                            best,
                            story: stories[earlier],
                            signature: item.signature,
                            candidate: batch[earlier].signature
                        )
                    }
                    stories[position] = best?.story ?? a.id
                    for key in keys[position] { batchBands[key, default: []].append(position) }
                    let fetched = a.fetchedAt.timeIntervalSince1970
                    let signature = item.signature.withUnsafeBufferPointer { Data(buffer: $0) }
                    let row = try await connection.query(
                        """
                        INSERT INTO articles (id, url, source_id, source_name, title, published, fetched_at, sort_time,
                            section, language, description, body, content_hash, topic, confidence, uncertain, signature,
                            cluster_id, discovered_at, created_at, updated_at, search)
                        VALUES (\(a.id), \(a.url), \(a.sourceID), \(a.sourceName), \(a.title), \(published), \(fetched),
                            \(published ?? fetched), \(a.section), \(a.language), \(a.description), \(forms[position].body),
                            \(a.contentHash), \(item.topic), \(item.confidence), \(item.uncertain), \(signature),
                            \(stories[position]), \(a.discoveredAt?.timeIntervalSince1970), \(now), \(now),
                            setweight(to_tsvector('simple', \(forms[position].title)), 'A')
                                || to_tsvector('simple', \(forms[position].index)))
                        ON CONFLICT (id) DO UPDATE SET
                            source_name = excluded.source_name, title = excluded.title, published = excluded.published,
                            sort_time = excluded.sort_time, section = excluded.section, language = excluded.language,
                            description = excluded.description, body = excluded.body,
                            content_hash = excluded.content_hash, topic = excluded.topic,
                            confidence = excluded.confidence, uncertain = excluded.uncertain,
                            signature = excluded.signature, cluster_id = excluded.cluster_id, search = excluded.search,
                            discovered_at = coalesce(articles.discovered_at, excluded.discovered_at),
                            updated_at = excluded.updated_at
                        RETURNING seq, (xmax = 0)
                        """,
                        logger: logger
                    )
                    for try await (seq, new) in row.decode((Int64, Bool).self) {
                        if new { inserted.insert(a.id) } else { replaced.append(seq) }
                        stored[a.id] = (seq, a.contentHash, item.topic, published)
                        bands.keys += keys[position]
                        bands.articles += Array(repeating: seq, count: keys[position].count)
                    }
                }
                for (index, picture) in a.images.prefix(50).enumerated() {
                    images.articles.append(a.id)
                    images.positions.append(Int32(index))
                    images.urls.append(picture.url)
                    images.captions.append(picture.caption ?? "")
                }
            }
            if !replaced.isEmpty {
                try await connection.query("DELETE FROM story_bands WHERE article = ANY(\(replaced))", logger: logger)
            }
            if !bands.keys.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO story_bands (key, article) SELECT * FROM unnest(\(bands.keys)::bigint[], \(bands.articles)::bigint[])
                    ON CONFLICT DO NOTHING
                    """,
                    logger: logger
                )
            }
            if !images.articles.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO images (article_id, position, url, caption)
                    SELECT a, p, u, nullif(c, '') FROM unnest(\(images.articles)::text[], \(images.positions)::int[],
                        \(images.urls)::text[], \(images.captions)::text[]) AS i(a, p, u, c)
                    ON CONFLICT DO NOTHING
                    """,
                    logger: logger
                )
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
        let rows = try await connection.query(
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
        for try await (key, id, story, signature) in rows.decode((Int64, String, String, Data?).self) {
            candidates[key, default: []].append(
                Candidate(id: id, story: story, signature: ArticleStore.decodeSignature(signature))
            )
        }
        return candidates
    }

    /// Where the search forms of a batch are made: off the cooperative pool, on every core.
    static let forms = BlockingExecutor(label: "nashra.store.forms")

    static func searchForms(of batch: [ClassifiedArticle]) -> [PreparedBatch.Forms] {
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, batch.count / 16))
        let size = (batch.count + chunks - 1) / chunks
        let parts = Mutex([[PreparedBatch.Forms]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let part = batch[min(batch.count, chunk * size)..<min(batch.count, (chunk + 1) * size)]
                .map(PreparedBatch.Forms.init)
            parts.withLock { $0[chunk] = part }
        }
        return parts.withLock { $0.flatMap { $0 } }
    }

    /// Deletes the articles older than `horizon`, a thousand per transaction; their images, reports and band rows
    /// go with them (foreign keys that cascade), and their search entries are in their rows.
    public func prune(olderThan horizon: Date) async throws -> Int {
        var total = 0
        while true {
            let rows = try await client.query(
                """
                DELETE FROM articles WHERE id IN (
                    SELECT id FROM articles WHERE sort_time < \(horizon.timeIntervalSince1970) ORDER BY sort_time LIMIT 1000
                ) RETURNING 1
                """,
                logger: logger
            )
            var deleted = 0
            for try await _ in rows.decode(Int32.self) { deleted += 1 }
            total += deleted
            if deleted < 1000 { return total }
        }
    }
}
