import CorpusFiles
import Foundation

/// The stories the replay publisher tells: real article texts from a corpus in the ANT format (title, category,
/// paragraphs one a line), or the project's own small corpus when that is absent.
public struct ReplayCorpus: Sendable {
    public struct Story: Sendable {
        public var title: String
        public var section: String
        public var paragraphs: [String]
    }

    public let stories: [Story]
    /// Where the stories came from, for the run's output.
    public let origin: String

    /// Reads up to `limit` stories with a title and at least two paragraphs.
    /// - Throws: when the file cannot be read, or holds no usable story.
    public init(path: String, limit: Int = 50_000) throws {
        var stories: [Story] = []
        try CorpusRecord.forEach(in: path) { _, result in
            guard stories.count < limit, case .success(let record) = result, let title = record.title,
                let text = record.text
            else { return }
            let paragraphs = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                $0.count >= 20
            }
            guard paragraphs.count >= 2 else { return }
            stories.append(
                Story(
                    title: title.trimmingCharacters(in: .whitespacesAndNewlines),
                    section: record.category ?? record.label ?? "news",
                    paragraphs: paragraphs
                )
            )
        }
        guard !stories.isEmpty else {
            throw ReplayError("\(path) has no story with a title and two paragraphs of text")
        }
        self.stories = stories
        origin = path
    }

    /// The corpus named by `path` if it exists, else the first of `fallbacks` that does.
    /// - Throws: when none exists or the one found is unusable.
    public static func load(path: String?, fallbacks: [String]) throws -> ReplayCorpus {
        for candidate in [path].compactMap({ $0 }) + fallbacks where FileManager.default.fileExists(atPath: candidate) {
            return try ReplayCorpus(path: candidate)
        }
        throw ReplayError("no corpus found at \(([path].compactMap { $0 } + fallbacks).joined(separator: ", "))")
    }
}

/// Why the replay publisher cannot start.
public struct ReplayError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
