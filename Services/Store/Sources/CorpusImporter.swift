import ArabicText
import Foundation
import NashraArchive
import NashraModel

/// Loads a news corpus in the ANT format (one JSON object a line: `url`, `title`, `text` with paragraphs one a
/// line, `source`/`outlet`, `time` in RFC 822, `author`, `category`) into a database through the store's own
/// path: the article is built as the parser would, classified and signed by the classifier (`classify`), then
/// upserted in batches (normalisation, FTS, clusters). Lines that cannot be read are counted and reported,
/// never silently dropped.
public struct CorpusImporter {
    public struct Summary: Sendable {
        public var read = 0
        public var imported = 0
        public var rejected: [(line: Int, reason: String)] = []
    }

    private struct Record: Decodable {
        var url: String?
        var title: String?
        var text: String?
        var source: String?
        var outlet: String?
        var time: String?
        var author: String?
        var category: String?
    }

    let store: ArticleStore
    let classify: (Article) -> ClassifiedArticle
    public var batchSize = 2000

    public init(store: ArticleStore, classify: @escaping (Article) -> ClassifiedArticle) {
        self.store = store
        self.classify = classify
    }

    /// Imports every line of `path` (`.jsonl` or `.jsonl.gz`).
    public func importFile(_ path: String, progress: (Summary) -> Void = { _ in }) throws -> Summary {
        var summary = Summary()
        var batch: [ClassifiedArticle] = []
        let decoder = JSONDecoder()
        func flush() throws {
            guard !batch.isEmpty else { return }
            try store.upsert(batch)
            summary.imported += batch.count
            batch.removeAll(keepingCapacity: true)
            progress(summary)
        }
        try LineReader.forEachLine(in: path) { line in
            summary.read += 1
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
            do {
                let record = try decoder.decode(Record.self, from: Data(line.utf8))
                guard let url = record.url, let title = record.title, let text = record.text, !text.isEmpty else {
                    throw CorpusError("needs url, title and text")
                }
                let source = record.source ?? record.outlet ?? "unknown"
                let article = Article(
                    url: url,
                    sourceID: source,
                    sourceName: record.outlet ?? record.source,
                    title: title,
                    published: record.time.flatMap { NewsDateParser.parse($0) },
                    authors: record.author.map { [$0] } ?? [],
                    section: record.category,
                    language: "ar",
                    paragraphs: text.split(separator: "\n").map { String($0) }.filter { !$0.isEmpty }
                )
                batch.append(classify(article))
                if batch.count >= batchSize { try flush() }
            } catch {
                if summary.rejected.count < 1000 { summary.rejected.append((summary.read, "\(error)")) }
            }
        }
        try flush()
        return summary
    }
}

struct CorpusError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
