import Foundation
import Logging
import Metrics
import NashraAMQP
import NashraMessages
import NashraRuntime
import ServiceLifecycle
import Synchronization

/// The frontier's clock: several times a second it sends every fetch that may start now, at most one per host
/// (feeds first, with their stored validators for a conditional GET), and schedules each feed's next poll. A
/// feed that keeps failing is polled with exponential backoff (up to a day) and reported broken.
public struct FetchScheduler: Service {
    let state: FrontierState
    let catalog: SourceCatalog
    let topology: Topology
    let publisher: AMQPPublisher
    let policy: FrontierPolicy
    let pollOverride: Int?
    let logger: Logger
    let wakeup: FrontierWakeup
    let metrics: FrontierMetrics

    public init(
        state: FrontierState,
        catalog: SourceCatalog,
        topology: Topology,
        publisher: AMQPPublisher,
        policy: FrontierPolicy = FrontierPolicy(),
        pollOverride: Int?,
        wakeup: FrontierWakeup = FrontierWakeup(),
        metrics: FrontierMetrics = FrontierMetrics(),
        logger: Logger
    ) throws {
        self.metrics = metrics
        self.state = state
        self.catalog = catalog
        self.topology = topology
        self.publisher = publisher
        self.policy = policy
        self.pollOverride = pollOverride
        self.wakeup = wakeup
        self.logger = logger
        // A source without feeds is followed through its home page: the feeds it advertises are discovered.
        try state.register(
            feeds: catalog.sources.flatMap { source in
                (source.feeds.isEmpty ? [source.home].compactMap { $0 } : source.feeds).map { ($0, source.id) }
            }
        )
    }

    public func run() async throws {
        // A tick whose publish waits for an absent broker gives up when the process stops: its hosts are freed
        // and its articles stay pending on disk.
        try await withGracefulShutdownHandler {
            try await schedule()
        } onGracefulShutdown: {
            publisher.stopRetrying()
        }
        await publisher.close()
    }

    private func schedule() async throws {
        var ticks = 0
        var nextReport = Date.distantPast
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await tick()
                if ticks % 50 == 0 {
                    let (feeds, pending) = try await state.run { state in (try state.feeds(), try state.pendingCount())
                    }
                    let broken = Dictionary(grouping: feeds.filter(\.isBroken), by: \.sourceID).mapValues(\.count)
                    metrics.broken(broken, sources: catalog.sources.map(\.id))
                    metrics.pending.record(pending)
                    if Date() >= nextReport {
                        try await reportHealth(feeds)
                        nextReport = Date().addingTimeInterval(policy.healthReportInterval)
                    }
                }
            } catch {
                logger.error("scheduling fetches failed", metadata: ["error": "\(error)"])
            }
            ticks += 1
            // Sleep until a host's pause ends or a feed is due (at most 200 ms), unless the intake wakes us first.
            let pause = (try? await state.run { try $0.secondsUntilNextDue(cap: 0.2) }) ?? 0.2
            await wakeup.wait(seconds: max(0.005, pause))
        }
    }

    /// Sends the store a report of every followed source's feeds (`SourceHealthReport`): how many, how many
    /// broken, the last successful poll and the latest failure.
    func reportHealth(_ feeds: [FeedState], now: Date = Date()) async throws {
        let report = Self.healthReport(feeds, catalog: catalog, now: now)
        try await publisher.publish([
            OutgoingMessage(
                routingKey: topology.queue(.health),
                body: try MessageCodec.encode(report),
                messageID: report.messageID,
                type: SourceHealthReport.messageType
            )
        ])
    }

    /// The report of `feeds`, one entry per source, named as the catalog names it.
    public static func healthReport(_ feeds: [FeedState], catalog: SourceCatalog, now: Date) -> SourceHealthReport {
        let bySource = Dictionary(grouping: feeds, by: \.sourceID)
        return SourceHealthReport(
            sources: bySource.keys.sorted().map { id in
                let feeds = bySource[id] ?? []
                let broken = feeds.filter(\.isBroken)
                return SourceHealthReport.Source(
                    sourceID: id,
                    name: catalog.source(id: id)?.name,
                    feeds: feeds.count,
                    broken: broken.count,
                    lastSuccess: feeds.compactMap(\.lastSuccess).max(),
                    lastError: broken.compactMap(\.lastError).first
                )
            },
            reportedAt: now
        )
    }

    /// Sends every fetch that may start now.
    /// - Returns: how many were sent.
    @discardableResult
    public func tick(now: Date = Date()) async throws -> Int {
        let (releases, jobs) = try await state.run { state in
            let releases = try state.releasable(at: now, inFlightTimeout: policy.inFlightTimeout)
            let jobs = try releases.map { try job(for: $0, now: now, state: state) }
            try state.claim(releases, at: now)
            return (releases, jobs)
        }
        guard !releases.isEmpty else { return 0 }
        do {
            try await publisher.publish(jobs)
        } catch {
            // Not sent (the broker is away): the hosts are free again and the articles still pending. Should that
            // fail too, the claims lapse after the in-flight timeout; the operator hears of it either way.
            do {
                try await state.run { try $0.unclaim(releases) }
            } catch let unclaimError {
                logger.error(
                    "could not free \(releases.count) claimed hosts after a failed publish; they wait for the in-flight timeout",
                    metadata: ["error": "\(unclaimError)", "timeout.seconds": "\(policy.inFlightTimeout)"]
                )
            }
            throw error
        }
        try await state.run { state in
            try state.removePending(releases)
            // Feeds their hub pushes (WebSub) are polled more slowly: polling is then the safety net.
            let pushed =
                policy.websub && releases.contains(where: { if case .feed = $0.kind { true } else { false } })
                ? try state.pushedFeeds(at: now) : []
            for release in releases {
                guard case .feed(let feed) = release.kind else { continue }
                let configured = Double(catalog.source(id: feed.sourceID)?.pollInterval ?? 300)
                var interval = pollOverride.map(Double.init) ?? feed.interval ?? configured
                if pushed.contains(feed.url) { interval *= policy.pushedPollFactor }
                let backoff = Backoff.delay(attempt: min(feed.failures, 8), initial: interval, maximum: 86_400)
                try state.schedule(feed: feed.url, at: now.addingTimeInterval(feed.failures > 0 ? backoff : interval))
            }
        }
        logger.debug("fetches sent", metadata: ["count": "\(releases.count)"])
        return releases.count
    }

    /// The fetch job of a release: an article's own job, or a feed poll with its stored validators (none when an
    /// unconditional refresh is due, which is then recorded).
    private func job(for release: Release, now: Date, state: FrontierState) throws -> OutgoingMessage {
        let job: FetchJob
        switch release.kind {
        case .feed(let feed):
            let source = catalog.source(id: feed.sourceID)
            let refresh = now.timeIntervalSince(feed.lastUnconditional ?? .distantPast) >= policy.unconditionalRefresh
            job = FetchJob(
                kind: .feed,
                url: feed.url,
                sourceID: feed.sourceID,
                sourceName: source?.name,
                etag: refresh ? nil : feed.etag,
                lastModified: refresh ? nil : feed.lastModified
            )
            if refresh { try state.markUnconditional(feed: feed.url, at: now) }
        case .article(let article, _):
            job = article
        }
        return OutgoingMessage(
            routingKey: topology.queue(.fetch),
            body: try MessageCodec.encode(job),
            messageID: job.messageID,
            type: FetchJob.messageType
        )
    }
}
