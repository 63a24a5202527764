import Dispatch
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Publishes batches of persistent messages with publisher confirms: a batch is written in one go and confirmed
/// with one wait, never one synchronous round trip per message.
///
/// Batches published from several tasks at once are written together and confirmed with one wait (a group
/// commit, as databases do with their log): a confirm of persistent messages costs the broker a disk sync, so a
/// process with many batches in flight (the fetch worker) would otherwise be bounded by one confirm round trip
/// per batch, one after another.
///
/// Shutting down never hangs: `shutdown()` and `close()` stop the retrying at once (a pause between retries is
/// interrupted, and pending batches fail with `.shutDown`), and wait a bounded time for a write in progress; if
/// a silent broker keeps that write blocked, the socket is shut under it.
///
/// `@unchecked Sendable` because the non-Sendable `AMQPConnection` and all mutable state are only touched on
/// `queue`, a private serial dispatch queue (a thread outside Swift's cooperative pool, so blocking rabbitmq-c
/// calls never starve async code), except the atomics, which any thread reads. The idle timer on the same queue
/// keeps heartbeats flowing.
public final class AMQPPublisher: @unchecked Sendable {
    private let url: AMQPURL
    private let topology: (any AMQPTopology)?
    private let logger: Logger
    private let queue: DispatchQueue
    private var connection: AMQPConnection?
    private var sequence: UInt64 = 0
    private var tracker = ConfirmTracker()
    /// Set by `shutdown()`/`close()`: no new attempt starts.
    private let stopping = Atomic<Bool>(false)
    /// Set by `stopRetrying()`: a failed attempt throws `.shutDown` instead of waiting for the broker.
    private let noRetries = Atomic<Bool>(false)
    /// Signalled by shutdown to cut short a pause between retries.
    private let retryPause = DispatchSemaphore(value: 0)
    /// The socket of the live connection (-1 when none), so that shutdown can unblock a write stuck on it.
    private let socket = Atomic<Int32>(-1)
    private var lastUse = Date()
    private var timer: (any DispatchSourceTimer)?
    private let heartbeat: Int
    /// Batches waiting for the next write-and-confirm round, with the callers to resume.
    private let waiting = Mutex<[(messages: [OutgoingMessage], done: CheckedContinuation<AMQPError?, Never>)]>([])

    /// - Parameters:
    ///   - topology: declared on every (re)connection when given.
    ///   - heartbeat: heartbeat interval in seconds negotiated with the broker.
    public init(url: AMQPURL, topology: (any AMQPTopology)?, heartbeat: Int = 30, logger: Logger) {
        self.url = url
        self.topology = topology
        self.logger = logger
        self.heartbeat = heartbeat
        self.queue = DispatchQueue(label: "nashra.amqp.publisher")
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + 1, repeating: .seconds(max(1, heartbeat / 3)))
        timer.setEventHandler { [weak self] in self?.serviceIdleConnection() }
        timer.resume()
        self.timer = timer
    }

    deinit { timer?.cancel() }

    /// Publishes `messages` and returns once the broker has confirmed all of them. On a lost connection it
    /// reconnects with backoff and republishes the whole batch (consumers are idempotent), until it succeeds or
    /// `shutdown()` is called.
    /// A batch the broker refuses (`basic.nack`: a queue at its length limit with `x-overflow=reject-publish`, as
    /// quorum queues with at-least-once dead-lettering have) is back-pressure, not loss: it is published again after
    /// a pause, until the queue takes it.
    /// - Throws: `AMQPError` `.shutDown` after `shutdown()`, or `.loginFailed`/`.invalidURL` (permanent).
    public func publish(_ messages: [OutgoingMessage]) async throws(AMQPError) {
        guard !messages.isEmpty else { return }
        let failure: AMQPError? = await withCheckedContinuation { continuation in
            let first = waiting.withLock { list in
                list.append((messages, continuation))
                return list.count == 1
            }
            // The first batch of a round schedules it; later ones join it until it starts.
            if first { queue.async { self.publishWaiting() } }
        }
        if let failure { throw failure }
    }

    /// Writes every waiting batch and confirms them with one wait; runs on `queue`.
    private func publishWaiting() {
        while true {
            let round = waiting.withLock { list in
                defer { list.removeAll() }
                return list
            }
            guard !round.isEmpty else { return }
            var failure: AMQPError?
            do { try publishWithRetry(round.flatMap(\.messages)) } catch { failure = error }
            for request in round { request.done.resume(returning: failure) }
        }
    }

    /// Publishes synchronously; for callers already on a thread of their own (benchmarks, CLI tools).
    public func publishBlocking(_ messages: [OutgoingMessage]) throws(AMQPError) {
        let result = queue.sync { Result { () throws(AMQPError) in try self.publishWithRetry(messages) } }
        try result.get()
    }

    /// For a process that is stopping: publishes still go out while the broker answers, but a failure is no longer
    /// retried (a pause in progress is cut short) and the publish throws `.shutDown`. Without a broker nothing
    /// can be acked either, so waiting for it would only hold the stop up; the unacked input returns to its queue.
    public func stopRetrying() {
        noRetries.store(true, ordering: .releasing)
        retryPause.signal()
    }

    /// Stops retrying and closes the connection, waiting at most about `2 × timeout` seconds. Pending and later
    /// `publish` calls throw `.shutDown`. Blocks the caller: from async code use `close()`.
    public func shutdown(timeout: Double = 2) {
        let closed = DispatchSemaphore(value: 0)
        beginShutdown { closed.signal() }
        if closed.wait(timeout: .now() + timeout) == .timedOut {
            cutSocket()
            _ = closed.wait(timeout: .now() + timeout)
        }
    }

    /// `shutdown()` for async callers: suspends instead of blocking a thread of the cooperative pool.
    public func close(timeout: Double = 2) async {
        let resumed = ResumeOnce()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resume: @Sendable () -> Void = {
                if resumed.claim() { continuation.resume() }
            }
            beginShutdown(then: resume)
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
                guard !resumed.isClaimed else { return }
                cutSocket()
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: resume)
            }
        }
    }

    /// Stops new attempts, interrupts a retry pause and, once the queue is free, closes the connection.
    private func beginShutdown(then closed: @escaping @Sendable () -> Void) {
        stopping.store(true, ordering: .releasing)
        retryPause.signal()
        queue.async { [self] in
            timer?.cancel()
            connection?.close()
            connection = nil
            socket.store(-1, ordering: .releasing)
            closed()
        }
    }

    /// Unblocks a write or confirm wait stuck on a silent broker: the call fails and the retry loop sees the stop.
    private func cutSocket() {
        let descriptor = socket.load(ordering: .acquiring)
        if descriptor >= 0 { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }
    }

    private func publishWithRetry(_ messages: [OutgoingMessage]) throws(AMQPError) {
        var backoff = Backoff()
        while true {
            guard !stopping.load(ordering: .acquiring) else {
                throw AMQPError(.shutDown, "publisher shut down with a batch pending")
            }
            do {
                let connection = try connected()
                for message in messages {
                    try connection.publish(message)
                    sequence += 1
                }
                try connection.waitForConfirms(through: sequence, tracker: &tracker)
                lastUse = Date()
                return
            } catch {
                if !error.isTransient { throw error }
                if noRetries.load(ordering: .acquiring) {
                    drop(error)
                    throw AMQPError(.shutDown, "stopping: publish failed and is not retried (\(error))")
                }
                drop(error)
                let delay = backoff.next()
                logger.warning(
                    "publish failed, retrying",
                    metadata: ["amqp.error": "\(error)", "retry.in.seconds": "\(String(format: "%.2f", delay))"]
                )
                _ = retryPause.wait(timeout: .now() + delay)
            }
        }
    }

    private func connected() throws(AMQPError) -> AMQPConnection {
        if let connection { return connection }
        let connection = try AMQPConnection(url: url, heartbeat: heartbeat)
        try topology?.declare(on: connection)
        try connection.enablePublisherConfirms()
        sequence = 0
        tracker = ConfirmTracker()
        self.connection = connection
        socket.store(connection.socketDescriptor, ordering: .releasing)
        logger.info("publisher connected", metadata: ["amqp.url": "\(url)"])
        return connection
    }

    private func drop(_ error: AMQPError) {
        socket.store(-1, ordering: .releasing)
        connection?.close()
        connection = nil
    }

    private func serviceIdleConnection() {
        guard let connection, !stopping.load(ordering: .acquiring), Date().timeIntervalSince(lastUse) > 1 else {
            return
        }
        do {
            try connection.serviceHeartbeat()
        } catch {
            logger.warning("publisher connection lost while idle", metadata: ["amqp.error": "\(error)"])
            drop(error)
        }
    }
}

/// Lets the first of several callbacks resume a continuation.
private final class ResumeOnce: Sendable {
    private let claimed = Atomic<Bool>(false)
    /// True for the first caller only.
    func claim() -> Bool { !claimed.exchange(true, ordering: .acquiringAndReleasing) }
    var isClaimed: Bool { claimed.load(ordering: .acquiring) }
}
