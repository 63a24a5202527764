import Foundation
import Logging
import Metrics
import NashraAMQP
import NashraMessages
import NashraRuntime
import ServiceLifecycle
import Synchronization

/// The frontier's intake (`nashra.discovered`): feed results and fetch reports from the workers. New article
/// URLs go to the on-disk pending list (and the seen set) in one transaction, so nothing is lost and nothing is
/// fetched twice; reports free their host and set its next allowed time; failed fetches are retried with
/// backoff or dead-lettered here, since the frontier owns pacing.
public struct FrontierIntake: StageProcessor {
    /// What the workers send the frontier: a feed's poll result or an article fetch's report, told apart by the
    /// AMQP `type`.
    public enum Discovery: StageInput {
        case feed(FeedResult)
        case report(FetchReport)

        public static func decode(_ delivery: RawDelivery) throws -> Discovery {
            delivery.type == FetchReport.messageType
                ? .report(try MessageCodec.decode(FetchReport.self, from: delivery.body))
                : .feed(try MessageCodec.decode(FeedResult.self, from: delivery.body))
        }
    }

    public let name = "frontier"
    public let input = Topology.Stage.discovered
    let state: FrontierState
    let catalog: SourceCatalog
    let policy: FrontierPolicy
    let logger: Logger
    let wakeup: FrontierWakeup
    let metrics: FrontierMetrics

    public init(
        state: FrontierState,
        catalog: SourceCatalog,
        policy: FrontierPolicy = FrontierPolicy(),
        wakeup: FrontierWakeup = FrontierWakeup(),
        metrics: FrontierMetrics = FrontierMetrics(),
        logger: Logger
    ) {
        self.metrics = metrics
        self.state = state
        self.catalog = catalog
        self.policy = policy
        self.wakeup = wakeup
        self.logger = logger
    }

    public func process(_ batch: [Discovery]) async -> [StageOutcome] {
        // Reports free hosts and results add URLs: the scheduler looks again at once rather than at its next tick.
        defer { wakeup.signal() }
        return await state.run { _ in
            batch.map { discovery -> StageOutcome in
                do {
                    switch discovery {
                    case .report(let report):
                        return .done(try handle(report))
                    case .feed(let result):
                        try handle(result)
                        return .done([])
                    }
                } catch {
                    return .retry("frontier state: \(error)")
                }
            }
        }
    }

    /// The fetch jobs of a feed's items: what the feed said of each (title, date, section), what the catalog
    /// says of the source, and the catalog's section of the feed for items that name none.
    static func jobs(for result: FeedResult, source: Source?) -> [FetchJob] {
        let feedSection = source?.sections?[result.feedURL]
        return result.items.map { item in
            var hints = item.hints
            if hints.section?.isEmpty ?? true { hints.section = feedSection }
            var job = FetchJob(
                kind: .article,
                url: item.url,
                sourceID: result.sourceID,
                sourceName: source?.name,
                hints: hints
            )
            job.sourceHints = SourceHints(
                timezone: source?.timezone,
                charset: source?.charset,
                rules: source?.extraction
            )
            return job
        }
    }

    func handle(_ result: FeedResult) throws {
        let pushed = result.pushed == true
        if !pushed { try polled(result) }
        let source = catalog.source(id: result.sourceID)
        let jobs = Self.jobs(for: result, source: source)
        let fresh = try state.enqueue(jobs)
        let new = Set(fresh)
        metrics.discovered(jobs.filter { new.contains($0.url) }, via: pushed ? "push" : "poll")
        if pushed {
            if !fresh.isEmpty {
                logger.info(
                    "new articles pushed",
                    metadata: ["feed.url": "\(result.feedURL)", "count": "\(fresh.count)"]
                )
            }
            return
        }
        if let feeds = result.discoveredFeeds, !feeds.isEmpty {
            // Sitemap children and advertised feeds are polled like the source's own feeds.
            try state.register(feeds: feeds.map { ($0, result.sourceID) })
            logger.info("feeds discovered", metadata: ["feed.url": "\(result.feedURL)", "feeds": "\(feeds)"])
        }
        if policy.websub, result.error == nil, let hub = result.hub {
            // The publisher pushes: a subscription is requested (`WebSubSubscriber`).
            try state.want(
                feed: result.feedURL,
                sourceID: result.sourceID,
                hub: hub,
                topic: result.topic ?? result.feedURL
            )
        }
        if result.error == nil, let source {
            let base = Double(source.pollInterval)
            try state.adapt(feed: result.feedURL, newItems: fresh.count, base: base, bounds: policy.pollBounds(base))
        }
        if !fresh.isEmpty {
            logger.info("new articles queued", metadata: ["feed.url": "\(result.feedURL)", "count": "\(fresh.count)"])
        }
    }

    /// What a poll tells about its feed: the host's pacing, the validators or the failure.
    private func polled(_ result: FeedResult) throws {
        // Pacing counts from now, when the frontier learns the fetch is over: never earlier than it really ended,
        // whatever the worker's clock says.
        try state.finished(
            url: result.feedURL,
            at: Date(),
            delay: policy.hostDelay,
            crawlDelay: result.crawlDelay,
            retryAfter: result.retryAfter
        )
        try state.record(
            feed: result.feedURL,
            etag: result.etag,
            lastModified: result.lastModified,
            error: result.error
        )
        metrics.polled(
            source: result.sourceID,
            outcome: result.error != nil ? "failed" : result.notModified ? "not_modified" : "ok"
        )
        if let error = result.error {
            logger.warning("feed poll failed", metadata: ["feed.url": "\(result.feedURL)", "error": "\(error)"])
        }
    }

    /// - Returns: a dead letter for a fetch that failed for good.
    func handle(_ report: FetchReport) throws -> [StageOutput] {
        let now = Date()
        try state.finished(
            url: report.job.url,
            at: now,
            delay: policy.hostDelay,
            crawlDelay: report.crawlDelay,
            retryAfter: report.retryAfter
        )
        metrics.fetched(source: report.job.sourceID, outcome: report.outcome.rawValue)
        switch report.outcome {
        case .fetched:
            return []
        case .disallowed:
            logger.info("robots.txt disallows", metadata: ["url": "\(report.job.url)"])
            return []
        case .retry:
            let attempt = (report.job.attempt ?? 0) + 1
            guard attempt < policy.maxAttempts else {
                return [deadLetter(report, reason: "gave up after \(attempt) attempts: \(report.reason ?? "")")]
            }
            var job = report.job
            job.attempt = attempt
            let wait = max(policy.retryDelay(attempt: attempt), report.retryAfter ?? 0)
            try state.requeue(job, attempts: attempt, notBefore: now.addingTimeInterval(wait))
            return []
        case .failed:
            return [deadLetter(report, reason: report.reason ?? "HTTP \(report.status)")]
        }
    }

    private func deadLetter(_ report: FetchReport, reason: String) -> StageOutput {
        logger.warning("fetch failed for good", metadata: ["url": "\(report.job.url)", "reason": "\(reason)"])
        return .deadLetter(
            report.job,
            of: .fetch,
            stage: "fetcher",
            reason: reason,
            attempt: (report.job.attempt ?? 0) + 1
        )
    }
}
