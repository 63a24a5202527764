import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Consumes one queue with manual acks and a bounded prefetch on a dedicated thread, handing deliveries to async
/// code in batches (whatever is ready, up to `maxBatch`). Acks are queued by any thread and sent by the consume
/// thread between reads; a pipe wakes it so an ack never waits for a poll timeout.
///
/// After a lost connection it reconnects with backoff; deliveries of the old connection are stale (their
/// delivery tags mean nothing on the new channel), so their acks are dropped, those not yet handed out are
/// discarded, and the broker redelivers them.
///
/// A graceful stop returns nothing to the queue: `stopDelivering()` cancels the consumer (`basic.cancel`), and
/// every delivery the broker sent before its `cancel-ok` is still handed out, so the stage finishes and acks it.
/// A delivery returned to the queue comes back marked redelivered, which the stage runner must count as a failed
/// attempt (its consumer may have died of it): draining is how a stop costs no message an attempt.
///
/// `@unchecked Sendable`: the `AMQPConnection` lives only on the consume thread; every field shared with other
/// threads is guarded by `lock`.
public final class AMQPConsumer: @unchecked Sendable {
    /// A delivery plus the connection generation it came from.
    public struct Delivery: Sendable {
        public var message: RawDelivery
        public var generation: Int
    }

    private enum Settlement {
        case ack
        case reject(requeue: Bool)
    }

    public let queueName: String
    /// Names this consumer to the broker, so that a stop can cancel it.
    private let consumerTag = "nashra-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    private let url: AMQPURL
    private let topology: (any AMQPTopology)?
    private let prefetch: Int
    private let maxBatch: Int
    private let heartbeat: Int
    private let logger: Logger

    private let lock = NSLock()
    private var pending: [(tag: UInt64, generation: Int, settlement: Settlement)] = []
    private var generation = 0
    private var draining = false
    private var closing = false
    private var connected = false
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []
    private var exited = false

    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// Deliveries read but not yet handed out, and the task waiting for them (guarded by `lock`).
    private var buffer: [Delivery] = []
    private var waiter: CheckedContinuation<[Delivery]?, Never>?
    private var finished = false

    /// - Parameters:
    ///   - prefetch: the most unacknowledged deliveries the broker sends (`basic.qos`).
    ///   - maxBatch: the most deliveries handed over at once.
    ///   - topology: declared on every (re)connection when given.
    public init(
        url: AMQPURL,
        queue: String,
        prefetch: Int = 100,
        maxBatch: Int = 100,
        topology: (any AMQPTopology)?,
        heartbeat: Int = 30,
        logger: Logger
    ) {
        self.url = url
        self.queueName = queue
        self.prefetch = max(1, prefetch)
        self.maxBatch = max(1, maxBatch)
        self.topology = topology
        self.heartbeat = heartbeat
        self.logger = logger
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0, "pipe() failed: out of file descriptors")
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Starts the consume thread.
    public func start() {
        let thread = Thread { [self] in runLoop() }
        thread.name = "amqp-consume-\(queueName)"
        thread.start()
    }

    /// The next batch: every delivery read so far, up to `maxBatch`, waiting for one if none is there. After
    /// `stopDelivering()`, it returns what the broker had sent before the consumer was cancelled, then nil. Call
    /// from one task only.
    public func next() async -> [Delivery]? {
        await withCheckedContinuation { (continuation: CheckedContinuation<[Delivery]?, Never>) in
            let ready: [Delivery]?? = lock.withLock {
                if !buffer.isEmpty { return .some(takeBatch()) }
                if finished { return .some(nil) }
                waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Removes up to `maxBatch` deliveries from the buffer. Call with `lock` held.
    private func takeBatch() -> [Delivery] {
        let count = min(maxBatch, buffer.count)
        defer { buffer.removeFirst(count) }
        return Array(buffer.prefix(count))
    }

    /// Hands deliveries to the waiting task, or buffers them.
    private func deliver(_ deliveries: [Delivery]) {
        let (waiting, batch): (CheckedContinuation<[Delivery]?, Never>?, [Delivery]) = lock.withLock {
            buffer.append(contentsOf: deliveries)
            guard let waiting = waiter else { return (nil, []) }
            waiter = nil
            return (waiting, takeBatch())
        }
        waiting?.resume(returning: batch)
    }

    /// Ends `next()`: once the buffer is empty, pending and later calls return nil. `discarding` empties it first.
    private func finishDelivering(discarding: Bool) {
        let waiting = lock.withLock {
            finished = true
            if discarding { buffer.removeAll() }
            guard buffer.isEmpty else { return nil as CheckedContinuation<[Delivery]?, Never>? }
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(returning: nil)
    }

    /// Whether the consume thread currently has a live connection.
    public var isConnected: Bool { lock.withLock { connected } }

    /// Acknowledges deliveries: they are done for good.
    public func ack(_ deliveries: [Delivery]) { settle(deliveries, .ack) }

    /// Returns deliveries to the queue (`requeue`) or to its dead-letter queue.
    public func reject(_ deliveries: [Delivery], requeue: Bool) { settle(deliveries, .reject(requeue: requeue)) }

    /// Stops consuming: the consumer is cancelled, what the broker already sent is still handed out, then
    /// `next()` returns nil. The connection stays open so that the acks of that work are sent; `close()` ends it.
    /// Without a connection, `next()` returns nil at once.
    public func stopDelivering() {
        lock.withLock { draining = true }
        wake()
    }

    /// Sends the acks still queued, closes the connection (unacked deliveries return to the queue) and waits for
    /// the consume thread to end.
    public func close() async {
        lock.withLock {
            draining = true
            closing = true
        }
        wake()
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let done = lock.withLock {
                if exited { return true }
                exitWaiters.append(waiter)
                return false
            }
            if done { waiter.resume() }
        }
    }

    private func settle(_ deliveries: [Delivery], _ settlement: Settlement) {
        guard !deliveries.isEmpty else { return }
        lock.withLock {
            for delivery in deliveries {
                pending.append((delivery.message.deliveryTag, delivery.generation, settlement))
            }
        }
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    // MARK: The consume thread

    private func runLoop() {
        var backoff = Backoff()
        while !lock.withLock({ closing || draining }) {
            let connection: AMQPConnection
            do {
                connection = try AMQPConnection(url: url, heartbeat: heartbeat)
                try topology?.declare(on: connection)
                try connection.setPrefetch(prefetch)
                try connection.consume(queue: queueName, consumerTag: consumerTag)
            } catch {
                let delay = backoff.next()
                logger.warning(
                    "cannot consume, retrying",
                    metadata: [
                        "amqp.queue": "\(queueName)", "amqp.error": "\(error)",
                        "retry.in.seconds": "\(String(format: "%.2f", delay))",
                    ]
                )
                sleepUnlessClosing(delay)
                continue
            }
            backoff.reset()
            lock.withLock { connected = true }
            logger.info("consuming", metadata: ["amqp.queue": "\(queueName)", "amqp.prefetch": "\(prefetch)"])
            do {
                try consume(on: connection)
                connection.close()
            } catch {
                logger.warning("connection lost", metadata: ["amqp.queue": "\(queueName)", "amqp.error": "\(error)"])
            }
            lock.withLock {
                connected = false
                // Not handed out yet, and unackable now: the broker redelivers them.
                buffer.removeAll { $0.generation == generation }
                generation += 1
                pending.removeAll()
            }
        }
        finishDelivering(discarding: lock.withLock { closing })
        let waiters = lock.withLock {
            exited = true
            defer { exitWaiters.removeAll() }
            return exitWaiters
        }
        waiters.forEach { $0.resume() }
    }

    private func consume(on connection: AMQPConnection) throws(AMQPError) {
        var outstanding = Set<UInt64>()
        let myGeneration = lock.withLock { generation }
        var cancelled = false
        while true {
            let (isClosing, isDraining) = lock.withLock { (closing, draining) }
            try flushSettlements(on: connection, outstanding: &outstanding, generation: myGeneration)
            if isClosing { return }
            if isDraining && !cancelled {
                try connection.cancel(consumerTag: consumerTag)
                cancelled = true
                var rest: [Delivery] = []
                while let message = try connection.nextDelivery(timeoutSeconds: 0) {
                    outstanding.insert(message.deliveryTag)
                    rest.append(Delivery(message: message, generation: myGeneration))
                }
                if !rest.isEmpty { deliver(rest) }
                finishDelivering(discarding: false)
                logger.info(
                    "consumer cancelled; finishing what was delivered",
                    metadata: ["amqp.queue": "\(queueName)", "deliveries": "\(rest.count)"]
                )
            }
            if !connection.hasBufferedInput {
                var fds = [
                    pollfd(fd: connection.socketDescriptor, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                ]
                _ = poll(&fds, 2, 200)
                if fds[1].revents != 0 { drainWakePipe() }
            }
            var batch: [Delivery] = []
            while batch.count < maxBatch, let message = try connection.nextDelivery(timeoutSeconds: 0) {
                outstanding.insert(message.deliveryTag)
                batch.append(Delivery(message: message, generation: myGeneration))
            }
            if !batch.isEmpty { deliver(batch) }
        }
    }

    /// Sends queued acks and rejects of this connection. Acks that cover every outstanding tag up to some tag
    /// go as one `multiple` ack.
    private func flushSettlements(on connection: AMQPConnection, outstanding: inout Set<UInt64>, generation: Int)
        throws(AMQPError)
    {
        let items = lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
        guard !items.isEmpty else { return }
        var acks = Set<UInt64>()
        for item in items where item.generation == generation {
            switch item.settlement {
            case .ack:
                acks.insert(item.tag)
            case .reject(let requeue):
                try connection.reject(deliveryTag: item.tag, requeue: requeue)
                outstanding.remove(item.tag)
            }
        }
        guard !acks.isEmpty else { return }
        var coveredThrough: UInt64?
        for tag in outstanding.sorted() {
            guard acks.contains(tag) else { break }
            coveredThrough = tag
        }
        if let coveredThrough {
            try connection.ack(deliveryTag: coveredThrough, multiple: true)
            outstanding = outstanding.filter { $0 > coveredThrough }
        }
        for tag in acks.sorted() where tag > (coveredThrough ?? 0) {
            try connection.ack(deliveryTag: tag)
            outstanding.remove(tag)
        }
    }

    private func sleepUnlessClosing(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !lock.withLock({ closing || draining }) {
            var fd = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
            _ = poll(&fd, 1, Int32(max(1, min(200, deadline.timeIntervalSinceNow * 1000))))
            drainWakePipe()
        }
    }
}
