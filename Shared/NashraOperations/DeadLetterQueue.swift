import Dispatch
import Logging
import NashraAMQP
import NashraRuntime
import Synchronization

/// The dead-letter queue of one stage, for operators: read its messages without removing them, or send them
/// back to the stage with a fresh attempt count.
public struct DeadLetterQueue: Sendable {
    public let url: AMQPURL
    public let topology: Topology
    public let stage: Topology.Stage
    /// How long a read waits with no delivery coming before it decides it has seen the queue (an empty queue sends
    /// nothing, so only silence marks the end). A long queue is read to its end however long that takes, as long
    /// as deliveries keep coming.
    public var idleSeconds: Double = 2

    public init(url: AMQPURL, topology: Topology, stage: Topology.Stage) {
        self.url = url
        self.topology = topology
        self.stage = stage
    }

    private var logger: Logger {
        var logger = Logger(label: "nashra.dead-letters")
        logger.logLevel = .error
        return logger
    }

    /// Why a letter is dead: the stage's own reason (`x-nashra-error`), else what RabbitMQ recorded when it
    /// dead-lettered the message itself (`x-death`: a quorum queue's delivery limit, a length limit).
    public static func reason(of letter: RawDelivery) -> String {
        recordedReason(of: letter) ?? "(none recorded)"
    }

    /// The reason `reason(of:)` gives, nil when neither the stage nor RabbitMQ recorded one.
    public static func recordedReason(of letter: RawDelivery) -> String? {
        if let error = letter.stringHeader(NashraHeader.error) { return error }
        if let death = letter.death {
            return "dead-lettered by RabbitMQ: \(death.reason) in \(death.queue) (\(death.count) time(s))"
        }
        return nil
    }

    /// Messages waiting in the dead-letter queue now.
    public func count() throws(AMQPError) -> Int {
        try AMQPConnection(url: url).declareQueue(topology.deadQueue(stage), passive: true).messages
    }

    /// Up to `limit` dead letters, left in the queue (never acked, so closing the connection returns them).
    public func peek(limit: Int) async -> [RawDelivery] {
        let consumer = AMQPConsumer(
            url: url,
            queue: topology.deadQueue(stage),
            prefetch: max(1, limit),
            maxBatch: max(1, limit),
            topology: topology,
            logger: logger
        )
        consumer.start()
        let activity = Activity()
        let idle = stopWhenIdle(consumer, activity)
        var letters: [RawDelivery] = []
        while letters.count < limit, let batch = await consumer.next() {
            activity.touch()
            letters += batch.map(\.message)
        }
        idle.cancel()
        await consumer.close()
        return Array(letters.prefix(limit))
    }

    /// Publishes up to `limit` of the messages dead *now* back to the stage queue (confirmed), without the
    /// attempt and error headers, then removes them from the dead-letter queue. A replayed message that fails
    /// again is not replayed a second time by the same call.
    /// - Returns: how many were replayed.
    public func replay(limit: Int) async throws(AMQPError) -> Int {
        let target = min(limit, try count())
        guard target > 0 else { return 0 }
        let consumer = AMQPConsumer(
            url: url,
            queue: topology.deadQueue(stage),
            prefetch: 100,
            maxBatch: 100,
            topology: topology,
            logger: logger
        )
        let publisher = AMQPPublisher(url: url, topology: topology, logger: logger)
        consumer.start()
        let activity = Activity()
        let idle = stopWhenIdle(consumer, activity)
        var replayed = 0
        var failure: AMQPError?
        while replayed < target, let batch = await consumer.next() {
            activity.touch()
            defer { activity.touch() }  // a slow publish is not silence
            let taken = Array(batch.prefix(target - replayed))
            do {
                try await publisher.publish(
                    taken.map { letter in
                        var headers = letter.message.headers
                        for key in [NashraHeader.attempt, NashraHeader.error, NashraHeader.failedAt] {
                            headers[key] = nil
                        }
                        return OutgoingMessage(
                            routingKey: topology.queue(stage),
                            body: letter.message.body,
                            messageID: letter.message.messageID,
                            type: letter.message.type,
                            headers: headers
                        )
                    }
                )
            } catch {
                failure = error
                break
            }
            consumer.ack(taken)
            consumer.reject(Array(batch.dropFirst(taken.count)), requeue: true)
            replayed += taken.count
        }
        idle.cancel()
        await consumer.close()
        await publisher.close()
        if let failure { throw failure }
        return replayed
    }

    /// Ends the consumer's deliveries once none has come for `idleSeconds`.
    private func stopWhenIdle(_ consumer: AMQPConsumer, _ activity: Activity) -> Task<Void, Never> {
        let seconds = idleSeconds
        return Task {
            while !Task.isCancelled, activity.secondsIdle < seconds {
                try? await Task.sleep(for: .milliseconds(50))
            }
            consumer.stopDelivering()
        }
    }
}

/// When a read last saw a delivery.
private final class Activity: Sendable {
    private let last = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)

    func touch() { last.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed) }

    var secondsIdle: Double {
        Double(DispatchTime.now().uptimeNanoseconds &- last.load(ordering: .relaxed)) / 1_000_000_000
    }
}
