import ArgumentParser
import Classifier
import ClassifierTraining
import Foundation
import Logging
import NashraMessages
import Store
import StoreTools

/// The store's write and search speed on a database of real Arabic news: the ANT corpus, topped up to
/// `--articles` with articles recomposed from its sentences (a real title, paragraphs drawn from other
/// articles), so the index sees real vocabulary and no two texts are copies. Articles are classified and
/// signed before the clock starts; the insert rate is the import path (`PipelinedWriter`: each batch prepared on
/// every core while the previous one is written): rows, images, FTS5 index, story bands and clusters, one
/// transaction a batch. With `--db postgres://…` the same articles and queries go to PostgreSQL through
/// `PostgresArchive.store` (the store writer's path), from `--writers` writers at once.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Insert rate with full-text index and clusters; search latency at N articles."
    )

    @Option(help: "Labelled corpus to draw articles from (JSON lines, .jsonl or .jsonl.gz).") var corpus: String
    @Option(help: "Database to create (a SQLite path that must not exist, or an empty postgres://… database).")
    var db: String
    @Option(help: "PostgreSQL only: writers storing batches at once, each with its own connections.") var writers = 1
    @Option(help: "Articles to store.") var articles = 100_000
    @Option(help: "Articles per transaction (the importer's default).") var batch = 5000
    @Option(help: "Search queries to time.") var queries = 1000
    @Flag(help: "Search an existing database (made by an earlier run) instead of filling a new one.") var reuse = false

    func run() async throws {
        let postgres = PostgresArchive.handles(db)
        guard reuse || postgres || !FileManager.default.fileExists(atPath: db) else {
            throw ValidationError("\(db) exists already (--reuse searches it)")
        }
        let source = try LabeledCorpus.read(corpus).articles
        guard !source.isEmpty else { throw ValidationError("\(corpus) has no article") }
        var generator = BenchRandom(seed: 20_261_129)
        if !reuse { try await fill(from: source, generator: &generator) }
        let store = try await openNewsArchive(db, logger: Logger(label: "nashra.bench"))
        let queries = Self.queries(count: queries, from: source)
        var latencies: [Double] = []
        var hits = 0
        for query in queries {
            let start = Date()
            hits += try await store.search(query, limit: 20).count
            latencies.append(Date().timeIntervalSince(start) * 1000)
        }
        let percentile = Self.percentiles(latencies)
        print(
            String(
                format:
                    "search at %d articles: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%d queries of 1–3 title words, %.1f hits each)",
                try await store.count(),
                percentile(0.5),
                percentile(0.95),
                percentile(0.99),
                queries.count,
                Double(hits) / Double(queries.count)
            )
        )
        if let first = try await store.latest(limit: 1).first {
            print("an article id for page benchmarks: \(first.id)")
        }
        await store.close()
    }

    /// One to three words of real titles, as readers type them; the same queries whether the database is new or
    /// reused.
    static func queries(count: Int, from source: [LabeledArticle]) -> [String] {
        var generator = BenchRandom(seed: 7)
        let words = source.flatMap { $0.title.split(separator: " ").map(String.init) }.filter { $0.count >= 4 }
        return (0..<count).map { _ in
            let length = 1 + Int(generator.next() % 3)
            return (0..<length).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
        }
    }

    /// A function from a fraction (0.95) to that percentile of `latencies`.
    static func percentiles(_ latencies: [Double]) -> (Double) -> Double {
        let sorted = latencies.sorted()
        return { sorted[min(sorted.count - 1, Int(Double(sorted.count) * $0))] }
    }

    /// Stores `articles` articles drawn from `source` and prints the insert rate.
    func fill(from source: [LabeledArticle], generator: inout BenchRandom) async throws {
        let stage = try ClassifierStage()
        let paragraphs = source.flatMap { $0.text.split(separator: "\n").map(String.init) }.filter { $0.count > 40 }
        let start0 = Date(timeIntervalSince1970: 1_735_689_600)
        print("preparing \(articles) articles (classified and signed before timing)…")
        let items: [ClassifiedArticle] = (0..<articles).map { index in
            let base = source[index % source.count]
            let body =
                index < source.count
                ? base.text.split(separator: "\n").map(String.init)
                : (0..<5).map { _ in paragraphs[Int(generator.next() % UInt64(paragraphs.count))] }
            let article = Article(
                url: "https://bench.example/\(base.outlet ?? "x")/\(index)",
                sourceID: base.outlet ?? "bench",
                sourceName: base.outlet,
                title: base.title,
                published: start0.addingTimeInterval(Double(index) * 60),
                language: "ar",
                paragraphs: body,
                images: [ArticleImage(url: "https://bench.example/img/\(index).jpg", caption: nil)]
            )
            return stage.classify(article)
        }

        let start = Date()
        let startCPU = processCPUSeconds()
        var cpu = ""
        let path: String
        if PostgresArchive.handles(db) {
            try await fillPostgres(items)
            path = "PostgreSQL, tsvector + clusters, \(writers) writer(s), store stage path"
        } else {
            let writer = PipelinedWriter(store: try ArticleStore(path: db))
            for offset in stride(from: 0, to: items.count, by: batch) {
                try writer.submit(Array(items[offset..<min(offset + batch, items.count)]))
            }
            try writer.finish()
            path = "SQLite, FTS5 + clusters, import path"
            cpu = String(
                format: "; CPU: %.1f s in all, %.1f s on the writer thread",
                processCPUSeconds() - startCPU,
                writer.writingCPUSeconds
            )
        }
        let seconds = Date().timeIntervalSince(start)
        print(
            String(
                format: "insert: %d articles in %.1f s = %.0f articles/s (batches of %d, %@)%@",
                items.count,
                seconds,
                Double(items.count) / seconds,
                batch,
                path,
                cpu
            )
        )
    }

    /// Stores `items` in PostgreSQL from `writers` archives at once, batch `i` by writer `i % writers`.
    func fillPostgres(_ items: [ClassifiedArticle]) async throws {
        var opened: [PostgresArchive] = []
        for _ in 0..<max(1, writers) {
            opened.append(try await PostgresArchive(url: db, logger: Logger(label: "nashra.bench")))
        }
        let archives = opened
        guard try await archives[0].count() == 0 else { throw ValidationError("\(db) is not empty") }
        let batch = batch
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, archive) in archives.enumerated() {
                group.addTask {
                    for offset in stride(from: index * batch, to: items.count, by: batch * archives.count) {
                        try await archive.store(Array(items[offset..<min(offset + batch, items.count)]))
                    }
                }
            }
            try await group.waitForAll()
        }
        for archive in archives { await archive.close() }

    }

}

/// A seeded generator so that every run composes the same articles and queries.
struct BenchRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 11 | state << 53
    }
}
