import Foundation
import Logging
import Metrics
import NashraAMQP
import NashraHTTP
import NashraMessages
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
    /// Seconds between two reports of the feeds' health to the store (`SourceHealthReport`).
    public var healthReportInterval: Double = 60
    /// Whether feeds that advertise a WebSub hub are subscribed to (`NASHRA_WEBSUB_CALLBACK` set).
    public var websub = false
    /// A feed its hub pushes is polled this many times more slowly: the safety net.
    public var pushedPollFactor: Double = 4

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

/// The frontier's two parts wired together, as the executable and the tests run them: the intake stage (feed
/// results and fetch reports) and the scheduler clock, sharing one crawl state and policy.
public struct Frontier {
    public let intake: FrontierIntake
    public let scheduler: FetchScheduler
    /// WebSub, when `websub` settings are given: the subscription requests and the hubs' callback.
    public let subscriber: WebSubSubscriber?
    public let callback: WebSubCallback?

    public init(
        state: FrontierState,
        catalog: SourceCatalog,
        policy: FrontierPolicy,
        topology: Topology,
        url: AMQPURL,
        pollOverride: Int?,
        websub: WebSubSettings? = nil,
        http: HTTPFetcher? = nil,
        logger: Logger
    ) throws {
        var policy = policy
        policy.websub = websub != nil
        if let websub {
            subscriber = WebSubSubscriber(
                state: state,
                settings: websub,
                http: http ?? HTTPFetcher(userAgent: "Nashra WebSub subscriber"),
                logger: logger
            )
            callback = WebSubCallback(
                state: state,
                catalog: catalog,
                topology: topology,
                publisher: AMQPPublisher(url: url, topology: topology, logger: logger),
                logger: logger
            )
        } else {
            subscriber = nil
            callback = nil
        }
        let wakeup = FrontierWakeup()
        let metrics = FrontierMetrics()
        intake = FrontierIntake(
            state: state,
            catalog: catalog,
            policy: policy,
            wakeup: wakeup,
            metrics: metrics,
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
            metrics: metrics,
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
