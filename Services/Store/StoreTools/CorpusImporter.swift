import ArabicText
import CorpusFiles
import Foundation
import NashraMessages
import Store

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

    let store: ArticleStore
    let classify: (Article) -> ClassifiedArticle
    public var batchSize = 5000

    public init(store: ArticleStore, classify: @escaping (Article) -> ClassifiedArticle) {
        self.store = store
        self.classify = classify
    }

    /// Imports every line of `path` (`.jsonl` or `.jsonl.gz`).
    public func importFile(_ path: String, progress: (Summary) -> Void = { _ in }) throws -> Summary {
        var summary = Summary()
        var batch: [ClassifiedArticle] = []
        let writer = PipelinedWriter(store: store)
        func flush() throws {
            guard !batch.isEmpty else { return }
            try writer.submit(batch)
            summary.imported += batch.count
            batch.removeAll(keepingCapacity: true)
            progress(summary)
        }
        try CorpusRecord.forEach(in: path) { lineNumber, result in
            summary.read = lineNumber
            do {
                let record = try result.get()
                guard let url = record.url, let title = record.title, let text = record.text, !text.isEmpty else {
                    throw CorpusError("needs url, title and text")
                }
                let article = Article(
                    url: url,
                    sourceID: record.source ?? record.outlet ?? "unknown",
                    sourceName: record.publisher,
                    title: title,
                    published: record.time.flatMap { NewsDateParser.parse($0) },
                    authors: record.author.map { [$0] } ?? [],
                    section: record.category,
                    language: "ar",
                    paragraphs: text.split(separator: "\n").map { String($0) }.filter { !$0.isEmpty }
                )
                batch.append(classify(article))
            } catch {
                if summary.rejected.count < 1000 { summary.rejected.append((lineNumber, "\(error)")) }
            }
            // A write error ends the import (it is no fault of the line).
            if batch.count >= batchSize { try flush() }
        }
        try flush()
        try writer.finish()
        return summary
    }
}

struct CorpusError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
