import NashraAMQP
import NashraMessages
import NashraRuntime

/// The parser stage: `nashra.pages` → `nashra.articles`.
public struct ParserStage: StageProcessor {
    public let name = "parser"
    public let input = Topology.Stage.pages
    public let extractor: ArticleExtractor

    public init(extractor: ArticleExtractor = ArticleExtractor()) {
        self.extractor = extractor
    }

    public func process(_ batch: [FetchedPage]) async -> [StageOutcome] {
        batch.map { page in
            guard (200..<300).contains(page.status) else {
                return .deadLetter("page \(page.url) answered HTTP \(page.status), not an article")
            }
            do {
                return .done([.send(try extractor.extract(page), to: .articles)])
            } catch {
                return .deadLetter(String(describing: error))
            }
        }
    }
}
