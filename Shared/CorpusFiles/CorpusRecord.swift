import Foundation

/// One article of a news corpus in JSON lines: the ANT format (`id, outlet, url, source, category, title, time,
/// author, abstract, text` with paragraphs one a line) and corpora written like it (`label` for `category`).
/// Every field is optional here; each reader says which it needs.
public struct CorpusRecord: Decodable, Sendable {
    public var id: String?
    public var outlet: String?
    public var source: String?
    public var url: String?
    public var title: String?
    public var text: String?
    public var time: String?
    public var author: String?
    public var category: String?
    public var label: String?

    /// The outlet, or the source when there is no outlet.
    public var publisher: String? { outlet ?? source }

    /// Calls `body` with each non-blank line's number and its record, or the reason it could not be read.
    public static func forEach(in path: String, _ body: (Int, Result<CorpusRecord, any Error>) throws -> Void) throws {
        let decoder = JSONDecoder()
        var number = 0
        try LineReader.forEachLine(in: path) { line in
            number += 1
            guard !line.allSatisfy(\.isWhitespace) else { return }
            try body(number, Result { try decoder.decode(CorpusRecord.self, from: Data(line.utf8)) })
        }
    }
}
