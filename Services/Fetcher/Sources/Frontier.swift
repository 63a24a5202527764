import Foundation
import Logging
import NashraAMQP
import NashraModel
import NashraRuntime
import ServiceLifecycle
import Synchronization

/// The frontier's intake: feed results from the workers (`nashra.discovered`) become article fetch jobs for URLs
/// never seen before. The seen set is written only after the jobs are confirmed by the broker (`didPublish`), so a
/// crash in between re-sends jobs (harmless: downstream is idempotent) rather than losing them.
public final class FrontierIntake: StageProcessor {
    public let name = "frontier"
    public let input = Topology.Stage.discovered
    private let topology: Topology
    private let state: FrontierState
    private let catalog: SourceCatalog
    private let logger: Logger
    private let pending = Mutex<[(url: String, sourceID: String)]>([])

    public init(topology: Topology, state: FrontierState, catalog: SourceCatalog, logger: Logger) {
        self.topology = topology
        self.state = state
        self.catalog = catalog
        self.logger = logger
    }

    public func process(_ batch: [RawDelivery]) async -> [StageOutcome] {
        var outcomes: [StageOutcome] = []
        var promised = Set<String>()
        var newlySeen: [(url: String, sourceID: String)] = []
        for delivery in batch {
            do {
                let result = try MessageCodec.decode(FeedResult.self, from: delivery.body)
                try state.record(
                    feed: result.feedURL,
                    etag: result.etag,
                    lastModified: result.lastModified,
                    error: result.error
                )
                if let error = result.error {
                    logger.warning(
                        "feed poll failed",
                        metadata: ["feed.url": "\(result.feedURL)", "error": "\(error)"]
                    )
                }
                let sourceName = catalog.sources.first { $0.id == result.sourceID }?.name
                let fresh = try state.unseen(result.items.map(\.url)).filter { promised.insert($0).inserted }
                let hints = Dictionary(result.items.map { ($0.url, $0.hints) }, uniquingKeysWith: { a, _ in a })
                let jobs = try fresh.map { url in
                    try output(
                        FetchJob(
                            kind: .article,
                            url: url,
                            sourceID: result.sourceID,
                            sourceName: sourceName,
                            hints: hints[url]
                        ),
                        to: .fetch,
                        in: topology
                    )
                }
                newlySeen += fresh.map { ($0, result.sourceID) }
                outcomes.append(.done(jobs))
            } catch let error as MessageDecodingError {
                outcomes.append(.deadLetter(error.description))
            } catch {
                outcomes.append(.retry("frontier state: \(error)"))
            }
        }
        pending.withLock { $0 = newlySeen }
        return outcomes
    }

    public func didPublish() async {
        let urls = pending.withLock { value in
            defer { value.removeAll() }
            return value
        }
        do {
            try state.markSeen(urls)
        } catch {
            logger.error("could not record seen URLs; they may be fetched again", metadata: ["error": "\(error)"])
        }
    }
}

/// The frontier's clock: polls each feed when due, sending the stored validators for a conditional GET. A feed
/// that keeps failing is polled with exponential backoff (up to a day) and reported broken.
public struct FeedScheduler: Service {
    let state: FrontierState
    let catalog: SourceCatalog
    let topology: Topology
    let publisher: AMQPPublisher
    let pollOverride: Int?
    let logger: Logger

    public init(
        state: FrontierState,
        catalog: SourceCatalog,
        topology: Topology,
        publisher: AMQPPublisher,
        pollOverride: Int?,
        logger: Logger
    ) throws {
        self.state = state
        self.catalog = catalog
        self.topology = topology
        self.publisher = publisher
        self.pollOverride = pollOverride
        self.logger = logger
        try state.register(feeds: catalog.sources.flatMap { source in source.feeds.map { ($0, source.id) } })
    }

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            do {
                try await tick()
            } catch {
                logger.error("scheduling feeds failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
        publisher.shutdown()
    }

    /// Enqueues a poll for every due feed.
    public func tick(now: Date = Date()) async throws {
        let due = try state.dueFeeds(at: now)
        guard !due.isEmpty else { return }
        var jobs: [OutgoingMessage] = []
        for feed in due {
            let source = catalog.sources.first { $0.id == feed.sourceID }
            let job = FetchJob(
                kind: .feed,
                url: feed.url,
                sourceID: feed.sourceID,
                sourceName: source?.name,
                etag: feed.etag,
                lastModified: feed.lastModified
            )
            jobs.append(
                OutgoingMessage(
                    routingKey: topology.queue(.fetch),
                    body: try MessageCodec.encode(job),
                    messageID: job.messageID,
                    type: FetchJob.messageType
                )
            )
        }
        try await publisher.publish(jobs)
        for feed in due {
            let interval = Double(pollOverride ?? catalog.sources.first { $0.id == feed.sourceID }?.pollInterval ?? 300)
            let backoff = min(86_400, interval * pow(2, Double(min(feed.failures, 8))))
            try state.schedule(feed: feed.url, at: now.addingTimeInterval(feed.failures > 0 ? backoff : interval))
        }
        logger.debug("feeds polled", metadata: ["feeds": "\(due.count)"])
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
