import Dispatch
import Foundation
import Logging
import Synchronization

/// Publishes batches of persistent messages with publisher confirms: a batch is written in one go and confirmed
/// with one wait, never one synchronous round trip per message.
///
/// Batches published from several tasks at once are written together and confirmed with one wait (a group
/// commit, as databases do with their log): a confirm of persistent messages costs the broker a disk sync, so a
/// process with many batches in flight (the fetch worker) would otherwise be bounded by one confirm round trip
/// per batch, one after another.
///
/// `@unchecked Sendable` because the non-Sendable `AMQPConnection` and all mutable state are only touched on
/// `queue`, a private serial dispatch queue (a thread outside Swift's cooperative pool, so blocking rabbitmq-c
/// calls never starve async code). The idle timer on the same queue keeps heartbeats flowing.
public final class AMQPPublisher: @unchecked Sendable {
    private let url: AMQPURL
    private let topology: Topology?
    private let logger: Logger
    private let queue: DispatchQueue
    private var connection: AMQPConnection?
    private var sequence: UInt64 = 0
    private var tracker = ConfirmTracker()
    private var isShutDown = false
    private var lastUse = Date()
    private var timer: (any DispatchSourceTimer)?
    private let heartbeat: Int
    /// Batches waiting for the next write-and-confirm round, with the callers to resume.
    private let waiting = Mutex<[(messages: [OutgoingMessage], done: CheckedContinuation<AMQPError?, Never>)]>([])

    /// - Parameters:
    ///   - topology: declared on every (re)connection when given.
    ///   - heartbeat: heartbeat interval in seconds negotiated with the broker.
    public init(url: AMQPURL, topology: Topology?, heartbeat: Int = 30, logger: Logger) {
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
    /// - Throws: `AMQPError` `.shutDown` after `shutdown()`, `.loginFailed`/`.invalidURL` (permanent), or
    ///   `.nacked` after the broker refused a message three times.
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

    /// Stops retrying, closes the connection. Pending and later `publish` calls throw `.shutDown`.
    public func shutdown() {
        queue.sync {
            isShutDown = true
            timer?.cancel()
            connection?.close()
            connection = nil
        }
    }

    private func publishWithRetry(_ messages: [OutgoingMessage]) throws(AMQPError) {
        var backoff = Backoff()
        var nacks = 0
        while true {
            guard !isShutDown else { throw AMQPError(.shutDown, "publisher shut down with a batch pending") }
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
                if error.code == .nacked {
                    nacks += 1
                    if nacks >= 3 { throw error }
                }
                drop(error)
                let delay = backoff.next()
                logger.warning(
                    "publish failed, retrying",
                    metadata: ["amqp.error": "\(error)", "retry.in.seconds": "\(String(format: "%.2f", delay))"]
                )
                Thread.sleep(forTimeInterval: delay)
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
        logger.info("publisher connected", metadata: ["amqp.url": "\(url)"])
        return connection
    }

    private func drop(_ error: AMQPError) {
        connection?.close()
        connection = nil
    }

    private func serviceIdleConnection() {
        guard let connection, !isShutDown, Date().timeIntervalSince(lastUse) > 1 else { return }
        do {
            try connection.serviceHeartbeat()
        } catch {
            logger.warning("publisher connection lost while idle", metadata: ["amqp.error": "\(error)"])
            drop(error)
        }
    }
}
