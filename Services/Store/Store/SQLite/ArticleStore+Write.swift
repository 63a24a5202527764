import ArabicText
import Foundation
import GRDB
import NashraMessages
import StoryGrouping
import Synchronization

/// A batch with the work done that needs no write lock (`ArticleStore.prepare`).
public struct PreparedBatch: Sendable {
    struct Forms: Sendable {
        /// The stored body (paragraphs joined by newlines) and the indexed forms of the title and the body.
        var body, title, index: String

        init(_ item: ClassifiedArticle) {
            body = item.article.paragraphs.joined(separator: "\n")
            title = SearchText.indexForm(item.article.title)
            index = SearchText.indexForm(body)
        }
    }
    let items: [ClassifiedArticle]
    let forms: [Forms]
    /// Each article's best story among the articles committed when it was prepared.
    let stories: [StoryMatch?]
    /// The largest rowid committed when the batch was prepared: later rows are looked at again when it is written.
    let horizon: Int64

    /// `work` on every core: the batch cut into one contiguous chunk per core (at least 16 articles a chunk), the
    /// results in the chunks' order. Both back ends make a batch's search forms this way.
    static func inParallel<Part: Sendable, Failure: Error>(
        _ batch: [ClassifiedArticle],
        _ work: @Sendable (ArraySlice<ClassifiedArticle>) throws(Failure) -> Part
    ) throws(Failure) -> [Part] {
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, batch.count / 16))
        let size = (batch.count + chunks - 1) / chunks
        let parts = Mutex([Result<Part, Failure>?](repeating: nil, count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let items = batch[min(batch.count, chunk * size)..<min(batch.count, (chunk + 1) * size)]
            let part = Result { () throws(Failure) -> Part in try work(items) }
            parts.withLock { $0[chunk] = part }
        }
        let done = parts.withLock { $0 }
        return try done.map { part throws(Failure) in try part!.get() }
    }
}

/// A verified story match: the story's id and how much of the shorter text the other holds (`StorySimilarity`).
struct StoryMatch: Sendable {
    var story: String
    var similarity: Double

    /// `best`, or the candidate's story when `StorySimilarity` verifies it and it is closer. `shingles` gives the
    /// candidate's shingle set (`WordShingles.set` of its story text), asked for only when its signature is close
    /// enough to be checked.
    static func better(
        _ best: StoryMatch?,
        story: String,
        probe: inout StoryProbe,
        candidate signature: [UInt32],
        shingles: () throws -> [UInt64]?
    ) rethrows -> StoryMatch? {
        guard StorySimilarity.worthVerifying(probe.signature, signature), let candidate = try shingles(),
            let similarity = StorySimilarity.sameStory(probe.shingles(), candidate),
            similarity > best?.similarity ?? 0
        else { return best }
        return StoryMatch(story: story, similarity: similarity)
    }
}

/// The articles of a batch by band key, as the batch is written (each article is looked up among those before
/// it): one chain of entries per key, so that a batch's 160,000 band entries cost no array each.
struct BatchBands {
    private var last: [Int64: Int] = [:]
    private var entries: [(position: Int, previous: Int)] = []

    init(capacity: Int) {
        last.reserveCapacity(capacity)
        entries.reserveCapacity(capacity)
    }

    /// The positions filed under any of `keys`, each once.
    func positions(under keys: [Int64]) -> Set<Int> {
        var found = Set<Int>()
        for key in keys {
            var entry = last[key] ?? -1
            while entry >= 0 {
                found.insert(entries[entry].position)
                entry = entries[entry].previous
            }
        }
        return found
    }

    mutating func add(_ position: Int, under keys: [Int64]) {
        for key in keys {
            entries.append((position, last[key] ?? -1))
            last[key] = entries.count - 1
        }
    }
}

/// The article's side of a story lookup: its signature, and its exact shingles, made on first need (most
/// candidates are turned down on their signatures alone).
struct StoryProbe {
    let signature: [UInt32]
    let text: String
    private var made: [UInt64]?

    init(signature: [UInt32], text: String) {
        self.signature = signature
        self.text = text
    }

    /// An article being written, with its stored body (its paragraphs joined by newlines).
    init(_ item: ClassifiedArticle, body: String) {
        self.init(signature: item.signature, text: StorySimilarity.storyText(title: item.article.title, body: body))
    }

    /// The shingle set of an article of a batch, as a candidate of a later one in the same batch.
    static func shingles(of item: ClassifiedArticle, body: String) -> [UInt64] {
        WordShingles.set(of: StorySimilarity.storyText(title: item.article.title, body: body))
    }

    mutating func shingles() -> [UInt64] {
        if let made { return made }
        let set = WordShingles.set(of: text)
        made = set
        return set
    }
}

extension ArticleStore {
    /// Inserts or updates a batch in one transaction.
    /// - Returns: how many rows were new.
    /// - Throws: `DatabaseError` (the whole batch is rolled back).
    @discardableResult
    public func upsert(_ batch: [ClassifiedArticle]) throws -> Int {
        try upsert(prepare(batch))
    }

    /// Does the part of a write that needs no write lock, on every core: the search forms of each article (folding
    /// and stemming, most of a store's CPU) and its best story among the articles committed so far. Importers
    /// prepare the next batch while the previous one is written.
    public func prepare(_ batch: [ClassifiedArticle]) throws -> PreparedBatch {
        let parts = try PreparedBatch.inParallel(batch) { items in
            let forms = items.map(PreparedBatch.Forms.init)
            let (stories, horizon) = try pool.read { db in
                let horizon = try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM articles") ?? 0
                var probes = zip(items, forms).map { item, forms in StoryProbe(item, body: forms.body) }
                let stories = try Self.stories(
                    of: &probes,
                    excludingIDs: items.map(\.article.id),
                    after: 0,
                    in: db
                )
                return (stories, horizon)
            }
            return (forms: forms, stories: stories, horizon: horizon)
        }
        return PreparedBatch(
            items: batch,
            forms: parts.flatMap(\.forms),
            stories: parts.flatMap(\.stories),
            horizon: parts.map(\.horizon).min() ?? 0
        )
    }

    /// Writes a prepared batch in one transaction. An article's story is the best of: its match among the articles
    /// committed when the batch was prepared, among those committed since (looked up again only if there are
    /// any), and among the articles before it in this batch.
    /// - Returns: how many rows were new.
    /// - Throws: `DatabaseError` (the whole batch is rolled back).
    @discardableResult
    public func upsert(_ prepared: PreparedBatch) throws -> Int {
        try commit(prepared).count
    }

    /// `upsert`, telling which articles were new.
    /// - Returns: the ids of the rows that were inserted (not updated).
    /// - Throws: `DatabaseError` (the whole batch is rolled back).
    public func commit(_ prepared: PreparedBatch) throws -> Set<String> {
        let now = Date().timeIntervalSince1970
        return try pool.write { db in
            var inserted = Set<String>()
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO articles (id, url, source_id, source_name, title, published, fetched_at, sort_time,
                        section, language, description, body, content_hash, topic, confidence, uncertain, signature,
                        cluster_id, discovered_at, created_at, updated_at, time_zone, credit)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET
                        source_name = excluded.source_name, title = excluded.title, published = excluded.published,
                        sort_time = excluded.sort_time, section = excluded.section, language = excluded.language,
                        description = excluded.description, body = excluded.body,
                        content_hash = excluded.content_hash, topic = excluded.topic,
                        confidence = excluded.confidence, uncertain = excluded.uncertain,
                        signature = excluded.signature, cluster_id = excluded.cluster_id,
                        discovered_at = coalesce(articles.discovered_at, excluded.discovered_at),
                        updated_at = excluded.updated_at, time_zone = excluded.time_zone, credit = excluded.credit
                    """
            )
            let image = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO images (article_id, position, url, caption) VALUES (?, ?, ?, ?)"
            )
            let stored = try db.cachedStatement(
                sql: "SELECT \(Self.indexedColumns), content_hash, topic, published FROM articles WHERE id = ?"
            )
            let committed = try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM articles") ?? 0
            // Articles committed since the batch was prepared (the previous batch, on the import path).
            let recent =
                committed > prepared.horizon
                ? try RecentStories(after: prepared.horizon, through: committed, in: db) : nil
            var batchBands = BatchBands(capacity: prepared.items.count * 32)
            var bandRows = BandRows()
            var stories = [String](repeating: "", count: prepared.items.count)
            let refused = try Self.refused(prepared.items, in: db)
            for (position, (item, forms)) in zip(prepared.items, prepared.forms).enumerated()
            where !refused.contains(position) {
                let a = item.article
                let published = a.published?.timeIntervalSince1970
                let fetched = a.fetchedAt.timeIntervalSince1970
                let old = try Row.fetchOne(stored, arguments: [a.id])
                let changed =
                    old.map {
                        $0["content_hash"] != a.contentHash || $0["topic"] != item.topic
                            || ($0["published"] as Double?) != published
                    } ?? true
                if changed {
                    // New or changed (a redelivery changes nothing): (re)index its search form and its story.
                    if let old {
                        try Self.unindex(stored: old, in: db)
                        bandRows.discard(article: old["rowid"])
                    }
                    var best = prepared.stories[position]
                    var probe = StoryProbe(item, body: forms.body)
                    if committed > prepared.horizon {
                        let late =
                            if let recent {
                                try recent.story(of: &probe, excludingID: a.id, in: db)
                            } else {
                                try Self.story(of: &probe, excludingID: a.id, after: prepared.horizon, in: db)
                            }
                        if let late, late.similarity > best?.similarity ?? 0 { best = late }
                    }
                    let keys = StoryBands.bandKeys(item.signature)
                    for earlier in batchBands.positions(under: keys)
                    where prepared.items[earlier].article.id != a.id {
                        let other = prepared.items[earlier]
                        best = StoryMatch.better(
                            best,
                            story: stories[earlier],
                            probe: &probe,
                            candidate: other.signature,
                            shingles: { StoryProbe.shingles(of: other, body: prepared.forms[earlier].body) }
                        )
                    }
                    let story = best?.story ?? a.id
                    stories[position] = story
                    batchBands.add(position, under: keys)
                    let signature = item.signature.withUnsafeBufferPointer { Data(buffer: $0) }
                    try statement.execute(arguments: [
                        a.id, a.url, a.sourceID, a.sourceName, a.title, published, fetched, published ?? fetched,
                        a.section, a.language, a.description, forms.body, a.contentHash,
                        item.topic, item.confidence, item.uncertain, signature, story,
                        a.discoveredAt?.timeIntervalSince1970, now, now, a.timeZone, a.credit,
                    ])
                    if old == nil { inserted.insert(a.id) }
                    try Self.index(
                        rowid: old?["rowid"] ?? db.lastInsertedRowID,
                        title: forms.title,
                        body: forms.index,
                        signature: item.signature,
                        bands: &bandRows,
                        in: db
                    )
                }
                for (position, picture) in a.images.prefix(50).enumerated() {
                    try image.execute(arguments: [a.id, position, picture.url, picture.caption])
                }
            }
            try bandRows.flush(in: db)
            return inserted
        }
    }
}
