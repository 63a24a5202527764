import Foundation
import Logging
import Metrics
import NashraAMQP
import NashraModel
import NashraRuntime
import ServiceLifecycle
import Synchronization

/// How the frontier paces and retries fetches.
public struct FrontierPolicy: Sendable {
    /// Least pause between two requests to one host, in seconds.
    public var hostDelay: Double = 1
    /// Tries of one fetch before it is dead-lettered.
    public var maxAttempts: Int = 5
    /// First retry delay in seconds; each later one doubles (with jitter), up to an hour.
    public var retryBase: Double = 5
    /// Seconds after which a fetch whose report never came counts as lost and its host is freed.
    public var inFlightTimeout: Double = 120
    /// A feed is fetched without validators at least this often (seconds), in case its server answers 304
    /// wrongly.
    public var unconditionalRefresh: Double = 6 * 3600

    /// The range an adaptive poll interval stays in: a quarter to eight times the configured one, never under
    /// 30 seconds.
    func pollBounds(_ base: Double) -> ClosedRange<Double> {
        max(30, base / 4)...max(30, base * 8)
    }

    public init(hostDelay: Double = 1, maxAttempts: Int = 5, retryBase: Double = 5, inFlightTimeout: Double = 120) {
        self.hostDelay = hostDelay
        self.maxAttempts = maxAttempts
        self.retryBase = retryBase
        self.inFlightTimeout = inFlightTimeout
    }

    /// The delay before try `attempt` (1-based): `Backoff` from `retryBase`, up to an hour.
    func retryDelay(attempt: Int) -> Double {
        Backoff.delay(attempt: attempt - 1, initial: retryBase, maximum: 3600)
    }
}

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

    public init(
        state: FrontierState,
        catalog: SourceCatalog,
        policy: FrontierPolicy = FrontierPolicy(),
        wakeup: FrontierWakeup = FrontierWakeup(),
        logger: Logger
    ) {
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

    func handle(_ result: FeedResult) throws {
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
        if let error = result.error {
            logger.warning("feed poll failed", metadata: ["feed.url": "\(result.feedURL)", "error": "\(error)"])
        }
        let source = catalog.source(id: result.sourceID)
        let jobs = result.items.map { item in
            var job = FetchJob(
                kind: .article,
                url: item.url,
                sourceID: result.sourceID,
                sourceName: source?.name,
                hints: item.hints
            )
            job.sourceHints = SourceHints(
                timezone: source?.timezone,
                charset: source?.charset,
                rules: source?.extraction
            )
            return job
        }
        let fresh = try state.enqueue(jobs)
        if let feeds = result.discoveredFeeds, !feeds.isEmpty {
            // Sitemap children and advertised feeds are polled like the source's own feeds.
            try state.register(feeds: feeds.map { ($0, result.sourceID) })
            logger.info("feeds discovered", metadata: ["feed.url": "\(result.feedURL)", "feeds": "\(feeds)"])
        }
        if result.error == nil, let source {
            let base = Double(source.pollInterval)
            try state.adapt(feed: result.feedURL, newItems: fresh.count, base: base, bounds: policy.pollBounds(base))
        }
        if !fresh.isEmpty {
            logger.info("new articles queued", metadata: ["feed.url": "\(result.feedURL)", "count": "\(fresh.count)"])
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
        Counter(label: "nashra_fetch_total", dimensions: [("outcome", report.outcome.rawValue)]).increment()
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
    private let brokenFeeds = Gauge(label: "nashra_feeds_broken")
    private let pendingArticles = Gauge(label: "nashra_frontier_pending")

    public init(
        state: FrontierState,
        catalog: SourceCatalog,
        topology: Topology,
        publisher: AMQPPublisher,
        policy: FrontierPolicy = FrontierPolicy(),
        pollOverride: Int?,
        wakeup: FrontierWakeup = FrontierWakeup(),
        logger: Logger
    ) throws {
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
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await tick()
                if ticks % 50 == 0 {
                    let (broken, pending) = try await state.run {
                        (try $0.feeds().filter(\.isBroken).count, try $0.pendingCount())
                    }
                    brokenFeeds.record(broken)
                    pendingArticles.record(pending)
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
            // Not sent (the broker is away): the hosts are free again and the articles still pending.
            _ = try? await state.run { try $0.unclaim(releases) }
            throw error
        }
        try await state.run { state in
            try state.removePending(releases)
            for release in releases {
                guard case .feed(let feed) = release.kind else { continue }
                let configured = Double(catalog.source(id: feed.sourceID)?.pollInterval ?? 300)
                let interval = pollOverride.map(Double.init) ?? feed.interval ?? configured
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

/// The frontier's two parts wired together, as the executable and the tests run them: the intake stage (feed
/// results and fetch reports) and the scheduler clock, sharing one crawl state and policy.
public struct Frontier {
    public let intake: FrontierIntake
    public let scheduler: FetchScheduler

    public init(
        state: FrontierState,
        catalog: SourceCatalog,
        policy: FrontierPolicy,
        topology: Topology,
        url: AMQPURL,
        pollOverride: Int?,
        logger: Logger
    ) throws {
        let wakeup = FrontierWakeup()
        intake = FrontierIntake(
            state: state,
            catalog: catalog,
            policy: policy,
            wakeup: wakeup,
            logger: logger
        )
        scheduler = try FetchScheduler(
            state: state,
            catalog: catalog,
            topology: topology,
            publisher: AMQPPublisher(url: url, topology: topology, logger: logger),
            policy: policy,
            pollOverride: pollOverride,
            wakeup: wakeup,
            logger: logger
        )
    }
}

/// How the intake tells the scheduler that hosts were freed or URLs added, so that the next fetch of a host goes
/// out as soon as its pause allows rather than at the scheduler's next tick.
public final class FrontierWakeup: Sendable {
    private struct State {
        var signalled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes the scheduler now, or at its next wait.
    public func signal() {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter else {
                state.signalled = true
                return nil as CheckedContinuation<Void, Never>?
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after `seconds`, or at once on a signal (one since the last wait counts). Nothing polls: a waiter is
    /// resumed exactly once, by the signal or by its timer, whichever takes it first.
    func wait(seconds: Double) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.signalled {
                    state.signalled = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now {
                continuation.resume()
                return
            }
            Task {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                // Resumes whoever waits now: if a signal already ended this wait, a later wait ends early, which
                // costs one extra tick and nothing else.
                let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    guard let waiter = state.waiter else { return nil }
                    state.waiter = nil
                    return waiter
                }
                waiter?.resume()
            }
        }
    }
}
