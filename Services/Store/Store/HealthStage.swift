import Foundation
import Logging
import NashraMessages
import NashraRuntime

/// The store writer's second input: `nashra.health` → the archive's feed reports, which the reader site's sources
/// directory shows. Only the newest report of a batch is kept (each is a whole view of the frontier's feeds);
/// a failed write is retried like an article batch's.
public struct HealthStage: StageProcessor {
    public let name = "store-health"
    public let input = Topology.Stage.health
    public let store: any NewsArchive
    public let logger: Logger

    public init(store: any NewsArchive, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public var maxBatch: Int? { 20 }

    public func process(_ batch: [SourceHealthReport]) async -> [StageOutcome] {
        guard let newest = batch.max(by: { $0.reportedAt < $1.reportedAt }) else { return [] }
        do {
            try await store.record(health: newest)
            return batch.map { _ in .done([]) }
        } catch {
            logger.error("feed report not kept, will be retried", metadata: ["error": "\(error)"])
            return batch.map { _ in .retry("feed report not kept: \(error)") }
        }
    }
}
