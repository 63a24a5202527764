import Foundation
import Logging
import Metrics
import NashraAMQP
import NashraMessages
import NashraRuntime
import ServiceLifecycle

/// The store stage: `nashra.classified` → the archive (SQLite or PostgreSQL). The whole batch is committed in one
/// transaction before the runner acks it; a failed commit retries the batch later, so nothing is acked that is not
/// stored.
///
/// A full disk, an I/O error or an unreachable database is the machine's trouble, not the messages': the writer holds the batch (unacked,
/// safe in the broker) and tries the same commit again with backoff (up to 10 s apart) until it succeeds, so that
/// no attempt is spent and nothing is dead-lettered while an operator frees space. It gives the batch back to the
/// retry queue only when the process is asked to stop.
public struct StoreStage: StageProcessor {
    public let name = "store"
    public let input = Topology.Stage.classified
    public let store: any NewsArchive
    public let logger: Logger

    public init(store: any NewsArchive, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func process(_ batch: [ClassifiedArticle]) async -> [StageOutcome] {
        var outcomes = [StageOutcome](repeating: .done([]), count: batch.count)
        var valid: [(index: Int, article: ClassifiedArticle)] = []
        for (index, article) in batch.enumerated() {
            guard !article.article.url.isEmpty, !article.article.id.isEmpty else {
                outcomes[index] = .deadLetter("classified article without url or id")
                continue
            }
            valid.append((index, article))
        }
        guard !valid.isEmpty else { return outcomes }
        let articles = valid.map(\.article)
        var backoff = Backoff(initial: 0.25, maximum: 10)
        var held = false
        while true {
            do {
                let fresh = try await store.store(articles)
                recordFreshness(of: articles.filter { fresh.contains($0.article.id) })
                if held {
                    blocked.record(0)
                    logger.notice("commits succeed again")
                }
                return outcomes
            } catch  where store.isEnvironmental(error) && !Task.isShuttingDownGracefully {
                held = true
                blocked.record(1)
                let pause = backoff.next()
                logger.error(
                    "commit failed: disk full, I/O error or database unreachable; holding the batch and trying again",
                    metadata: ["error": "\(error)", "retry.seconds": "\(pause)"]
                )
                try? await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            } catch {
                logger.error("commit failed, batch will be retried", metadata: ["error": "\(error)"])
                for item in valid { outcomes[item.index] = .retry("commit failed: \(error)") }
                return outcomes
            }
        }
    }

    /// Records how long after publication and after discovery each newly stored article arrived (an update of a
    /// stored article is not news again).
    private func recordFreshness(of stored: [ClassifiedArticle]) {
        let now = Date()
        for item in stored {
            if let published = item.article.published {
                sincePublished.record(max(0, now.timeIntervalSince(published)))
            }
            if let discovered = item.article.discoveredAt {
                sinceDiscovered.record(max(0, now.timeIntervalSince(discovered)))
            }
        }
    }

    /// Seconds from publication, and from discovery by the frontier, to the commit of a new article.
    private let sincePublished = Recorder(label: Self.freshnessMetric, dimensions: [("since", "published")])
    private let sinceDiscovered = Recorder(label: Self.freshnessMetric, dimensions: [("since", "discovered")])
    /// The histogram's name; its buckets are `freshnessBuckets`.
    public static let freshnessMetric = "nashra_article_freshness_seconds"
    /// From 10 seconds to a week: the pipeline's own latency at the low end, late-found articles at the top.
    public static let freshnessBuckets: [Double] = [
        10, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600, 7_200, 21_600, 43_200, 86_400, 259_200, 604_800,
    ]

    /// 1 while commits fail for want of disk space or I/O (the writer holds its batch and retries).
    private let blocked = Gauge(label: "nashra_store_write_blocked")
}
