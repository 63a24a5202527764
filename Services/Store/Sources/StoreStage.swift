import Logging
import NashraAMQP
import NashraModel
import NashraRuntime

/// The store stage: `nashra.classified` → SQLite. The whole batch is committed in one transaction before the
/// runner acks it; a failed commit retries the batch later, so nothing is acked that is not on disk.
public struct StoreStage: StageProcessor {
    public let name = "store"
    public let input = Topology.Stage.classified
    public let store: ArticleStore
    public let logger: Logger

    public init(store: ArticleStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func process(_ batch: [RawDelivery]) async -> [StageOutcome] {
        var outcomes = [StageOutcome](repeating: .done([]), count: batch.count)
        var valid: [(index: Int, article: ClassifiedArticle)] = []
        for (index, delivery) in batch.enumerated() {
            do {
                let article = try MessageCodec.decode(ClassifiedArticle.self, from: delivery.body)
                guard !article.article.url.isEmpty, !article.article.id.isEmpty else {
                    outcomes[index] = .deadLetter("classified article without url or id")
                    continue
                }
                valid.append((index, article))
            } catch {
                outcomes[index] = .deadLetter(String(describing: error))
            }
        }
        guard !valid.isEmpty else { return outcomes }
        do {
            try store.upsert(valid.map(\.article))
        } catch {
            logger.error("commit failed, batch will be retried", metadata: ["error": "\(error)"])
            for item in valid { outcomes[item.index] = .retry("SQLite commit failed: \(error)") }
        }
        return outcomes
    }
}
