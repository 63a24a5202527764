import Classifier
import CorpusFiles
import Foundation

/// One labelled article of a training or evaluation corpus.
public struct LabeledArticle: Sendable {
    public var id: String
    public var outlet: String?
    public var title: String
    public var text: String
    public var label: String

    public init(id: String, outlet: String?, title: String, text: String, label: String) {
        self.id = id
        self.outlet = outlet
        self.title = title
        self.text = text
        self.label = label
    }
}

/// Reads labelled corpora: JSON lines (`.jsonl` or `.jsonl.gz`) with `title`, `text` and `category` (or
/// `label`), and optionally `id` and `outlet` (or `source`) — the ANT format and any corpus written like it.
public enum LabeledCorpus {
    public struct Summary: Sendable {
        public var articles: [LabeledArticle] = []
        public var rejected: [(line: Int, reason: String)] = []
    }

    /// Every readable article of `path`; unreadable lines are counted with their reason, never dropped silently.
    public static func read(_ path: String) throws -> Summary {
        var summary = Summary()
        try CorpusRecord.forEach(in: path) { lineNumber, result in
            do {
                let record = try result.get()
                guard let label = record.category ?? record.label, !label.isEmpty else {
                    throw ModelFileError(description: "no category")
                }
                let title = record.title ?? ""
                let text = record.text ?? ""
                guard !title.isEmpty || !text.isEmpty else { throw ModelFileError(description: "no title or text") }
                summary.articles.append(
                    LabeledArticle(
                        id: record.id ?? "line-\(lineNumber)",
                        outlet: record.publisher,
                        title: title,
                        text: text,
                        label: label
                    )
                )
            } catch {
                summary.rejected.append((lineNumber, "\(error)"))
            }
        }
        return summary
    }
}

extension LabelMap {
    /// The label map in the JSON file at `path` (none: an empty map, every label certain).
    public static func read(_ path: String?) throws -> LabelMap {
        guard let path else { return LabelMap() }
        return try JSONDecoder().decode(LabelMap.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
