import NashraAMQP
import NashraMessages
import NashraRuntime

/// The parser stage: `nashra.pages` → `nashra.articles`.
public struct ParserStage: StageProcessor {
    public let name = "parser"
    public let input = Topology.Stage.pages
    public let extractor: ArticleExtractor
    /// The affixes each outlet puts on its headlines, learned from the pages this parser reads.
    public let affixes = TitleAffixes()

    public init(extractor: ArticleExtractor = ArticleExtractor()) {
        self.extractor = extractor
    }

    public func process(_ batch: [FetchedPage]) async -> [StageOutcome] {
        batch.map { page in
            guard (200..<300).contains(page.status) else {
                return .deadLetter("page \(page.url) answered HTTP \(page.status), not an article")
            }
            do {
                var article = try extractor.extract(page)
                article.title = affixes.strip(article.title, outlet: page.sourceID)
                return .done([.send(article, to: .articles)])
            } catch {
                return .deadLetter(String(describing: error))
            }
        }
    }
}
