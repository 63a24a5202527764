import NashraAMQP
import NashraModel
import NashraRuntime

/// The parser stage: `nashra.pages` → `nashra.articles`.
public struct ParserStage: StageProcessor {
    public let name = "parser"
    public let input = Topology.Stage.pages
    public let topology: Topology
    public let extractor: ArticleExtractor

    public init(topology: Topology, extractor: ArticleExtractor = ArticleExtractor()) {
        self.topology = topology
        self.extractor = extractor
    }

    public func process(_ batch: [RawDelivery]) async -> [StageOutcome] {
        batch.map { delivery in
            do {
                let page = try MessageCodec.decode(FetchedPage.self, from: delivery.body)
                guard (200..<300).contains(page.status) else {
                    return .deadLetter("page \(page.url) answered HTTP \(page.status), not an article")
                }
                let article = try extractor.extract(page)
                return .done([try output(article, to: .articles, in: topology)])
            } catch {
                return .deadLetter(String(describing: error))
            }
        }
    }
}
