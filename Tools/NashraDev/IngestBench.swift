import ArgumentParser
import Classifier
import ClassifierTraining
import Foundation
import Logging
import NashraMessages
import Store

/// A steady stream of new articles into an archive, as the store writer sees it under load: `--rate` articles a
/// second, in batches every 100 ms, written through `NewsArchive.store` (the store stage's own call) with the
/// present as their publication time. One article in four is another outlet's copy of an article of the last
/// minutes, so that stories gather outlets and the home page has top stories and breaking news. Used by
/// `bench/web.sh` to load the reader site while it is being written to; prints the rate it held.
struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Write new articles into an archive at a steady rate (the web benchmark's writer)."
    )

    @Option(help: "Labelled corpus to draw titles and paragraphs from (JSON lines, .jsonl or .jsonl.gz).")
    var corpus: String
    @Option(help: "Database: a SQLite path or postgres://…") var db: String
    @Option(help: "Articles a second.") var rate = 100
    @Option(help: "How long, in seconds.") var seconds = 60

    func run() async throws {
        let source = try LabeledCorpus.read(corpus).articles
        guard !source.isEmpty else { throw ValidationError("\(corpus) has no article") }
        let paragraphs = source.flatMap { $0.text.split(separator: "\n").map(String.init) }.filter { $0.count > 40 }
        let outlets = ["youm7", "masrawy", "ahram", "almasryalyoum", "bbc-arabic", "skynewsarabia"]
        let names = ["اليوم السابع", "مصراوي", "بوابة الأهرام", "المصري اليوم", "بي بي سي عربي", "سكاي نيوز عربية"]
        let classifier = try ClassifierStage()
        let store = try await openNewsArchive(db, logger: Logger(label: "nashra.bench.ingest"))
        var generator = BenchRandom(seed: UInt64(Date().timeIntervalSince1970))
        let perBatch = max(1, rate / 10)
        let run = UUID().uuidString.prefix(8)
        var recent: [Article] = []
        var written = 0
        var latencies: [Double] = []
        let start = Date()
        var next = start
        while Date().timeIntervalSince(start) < Double(seconds) {
            var batch: [ClassifiedArticle] = []
            for _ in 0..<perBatch {
                let index = written + batch.count
                let outlet = Int(generator.next() % UInt64(outlets.count))
                var article: Article
                if index % 4 == 3, let original = recent.randomElement(using: &generator) {
                    // Another outlet's copy of a recent article: the same wire text under its own title.
                    article = original
                    article.title = "عاجل: " + original.title
                } else {
                    let base = source[Int(generator.next() % UInt64(source.count))]
                    article = Article(
                        url: "",
                        sourceID: "",
                        title: base.title,
                        paragraphs: (0..<5).map { _ in paragraphs[Int(generator.next() % UInt64(paragraphs.count))] }
                    )
                    recent.append(article)
                    if recent.count > 50 { recent.removeFirst() }
                }
                article = Article(
                    url: "https://ingest.example/\(outlets[outlet])/\(run)/\(index)",
                    sourceID: outlets[outlet],
                    sourceName: names[outlet],
                    title: article.title,
                    published: Date(),
                    language: "ar",
                    paragraphs: article.paragraphs,
                    images: [ArticleImage(url: "https://ingest.example/img/\(run)/\(index).jpg", caption: nil)]
                )
                batch.append(classifier.classify(article))
            }
            let began = Date()
            try await store.store(batch)
            latencies.append(Date().timeIntervalSince(began) * 1000)
            written += batch.count
            next = next.addingTimeInterval(0.1)
            let pause = next.timeIntervalSinceNow
            if pause > 0 { try await Task.sleep(for: .milliseconds(Int(pause * 1000))) }
        }
        let elapsed = Date().timeIntervalSince(start)
        await store.close()
        let percentile = StoreBench.percentiles(latencies)
        print(
            String(
                format:
                    "ingest: %d articles in %.1f s = %.1f articles/s (asked %d); batch of %d: p50 %.1f ms, p99 %.1f ms",
                written,
                elapsed,
                Double(written) / elapsed,
                rate,
                perBatch,
                percentile(0.5),
                percentile(0.99)
            )
        )
    }
}
