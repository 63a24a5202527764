import Foundation
import Logging
import Metrics
import NashraAMQP
import NashraModel

/// Runs a stage: consume a batch, process it, publish the outputs (confirmed), then ack. Transient failures go to
/// the retry queue with an incremented attempt count; permanent ones and exhausted retries to the dead-letter
/// queue, with the reason in headers.
///
/// A message that arrives redelivered (its consumer died or lost the broker before acking) counts as a failed
/// attempt and goes through the retry queue: a message that crashes its worker is retried a bounded number of
/// times and then parked, instead of crashing every worker in a loop.
public final class StageRunner: Sendable {
    public struct Settings: Sendable {
        public var url: AMQPURL
        public var topology: Topology
        public var prefetch: Int
        public var maxAttempts: Int

        public init(url: AMQPURL, topology: Topology, prefetch: Int = 100, maxAttempts: Int = 5) {
            self.url = url
            self.topology = topology
            self.prefetch = prefetch
            self.maxAttempts = maxAttempts
        }

        public init(_ configuration: Configuration) throws {
            self.init(
                url: try configuration.amqpURL(),
                topology: try configuration.topology(),
                prefetch: try configuration.integer(Setting.prefetch, in: 1...10_000),
                maxAttempts: try configuration.integer(Setting.maxAttempts, in: 1...1_000)
            )
        }
    }

    private let processor: any StageProcessor
    private let settings: Settings
    private let logger: Logger
    private let consumer: AMQPConsumer
    private let publisher: AMQPPublisher
    private let done: Counter
    private let retried: Counter
    private let dead: Counter
    private let batchTimer: Metrics.Timer

    public init(processor: any StageProcessor, settings: Settings, logger: Logger) {
        self.processor = processor
        self.settings = settings
        var logger = logger
        logger[metadataKey: "stage"] = "\(processor.name)"
        self.logger = logger
        let topology = settings.topology
        consumer = AMQPConsumer(
            url: settings.url,
            queue: topology.queue(processor.input),
            prefetch: settings.prefetch,
            maxBatch: min(settings.prefetch, processor.maxBatch ?? settings.prefetch),
            topology: topology,
            logger: logger
        )
        publisher = AMQPPublisher(url: settings.url, topology: topology, logger: logger)
        let stage = processor.name
        done = Counter(label: "nashra_stage_messages_total", dimensions: [("stage", stage), ("outcome", "done")])
        retried = Counter(label: "nashra_stage_messages_total", dimensions: [("stage", stage), ("outcome", "retried")])
        dead = Counter(label: "nashra_stage_messages_total", dimensions: [("stage", stage), ("outcome", "dead")])
        batchTimer = Metrics.Timer(label: "nashra_stage_batch_seconds", dimensions: [("stage", stage)])
    }

    /// Whether the consumer is connected to the broker (for `/health`).
    public var isConnected: Bool { consumer.isConnected }

    /// Consumes until `stop()`; then finishes the batches in flight, acks them and closes.
    public func run() async {
        consumer.start()
        logger.info("stage started", metadata: ["amqp.queue": "\(consumer.queueName)"])
        let limit = max(1, processor.batchesInFlight)
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            while let batch = await consumer.next() {
                if running >= limit {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.handle(batch) }
                running += 1
            }
        }
        await consumer.close()
        publisher.shutdown()
        logger.info("stage stopped")
    }

    /// Asks the stage to stop after the batch in flight.
    public func stop() {
        consumer.stopDelivering()
    }

    private func handle(_ batch: [AMQPConsumer.Delivery]) async {
        let start = ContinuousClock.now
        var outgoing: [OutgoingMessage] = []
        var fresh: [AMQPConsumer.Delivery] = []
        var counts = (done: 0, retried: 0, dead: 0)
        for delivery in batch {
            if delivery.message.redelivered {
                outgoing.append(
                    failure(delivery.message, reason: "redelivered: a consumer died or lost the broker", &counts)
                )
            } else {
                fresh.append(delivery)
            }
        }
        let outcomes = fresh.isEmpty ? [] : await processor.process(fresh.map(\.message))
        for (index, delivery) in fresh.enumerated() {
            let outcome = index < outcomes.count ? outcomes[index] : .retry("the stage returned no outcome")
            switch outcome {
            case .done(let messages):
                outgoing.append(contentsOf: messages)
                counts.done += 1
            case .retry(let reason):
                outgoing.append(failure(delivery.message, reason: reason, &counts))
            case .deadLetter(let reason):
                logger.warning(
                    "dead-lettered",
                    metadata: ["message.id": "\(delivery.message.messageID ?? "-")", "reason": "\(reason)"]
                )
                outgoing.append(deadLetter(delivery.message, reason: reason, attempt: attempt(of: delivery.message)))
                counts.dead += 1
            }
        }
        do {
            try await publisher.publish(outgoing)
            consumer.ack(batch)
            done.increment(by: counts.done)
            retried.increment(by: counts.retried)
            dead.increment(by: counts.dead)
        } catch {
            // Not acked: the broker redelivers the batch (to us or another worker) once this connection goes.
            logger.error("could not publish the batch's outputs; leaving it unacked", metadata: ["error": "\(error)"])
            if error.code != .shutDown { consumer.reject(batch, requeue: true) }
        }
        batchTimer.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
    }

    private func attempt(of message: RawDelivery) -> Int {
        Int(message.intHeader(NashraHeader.attempt) ?? 0)
    }

    /// A retry, or a dead letter once the attempts are used up.
    private func failure(_ message: RawDelivery, reason: String, _ counts: inout (done: Int, retried: Int, dead: Int))
        -> OutgoingMessage
    {
        let next = attempt(of: message) + 1
        if next >= settings.maxAttempts {
            counts.dead += 1
            logger.warning(
                "giving up",
                metadata: ["message.id": "\(message.messageID ?? "-")", "attempts": "\(next)", "reason": "\(reason)"]
            )
            return deadLetter(message, reason: "gave up after \(next) attempts: \(reason)", attempt: next)
        }
        counts.retried += 1
        var headers = message.headers
        headers[NashraHeader.attempt] = .int(Int64(next))
        headers[NashraHeader.error] = .string(String(reason.prefix(1000)))
        return OutgoingMessage(
            routingKey: settings.topology.retryQueue(processor.input),
            body: message.body,
            messageID: message.messageID,
            type: message.type,
            headers: headers
        )
    }

    private func deadLetter(_ message: RawDelivery, reason: String, attempt: Int) -> OutgoingMessage {
        DeadLetter.message(
            body: message.body,
            messageID: message.messageID,
            type: message.type,
            headers: message.headers,
            reason: reason,
            attempt: attempt,
            stage: processor.name,
            from: processor.input,
            in: settings.topology
        )
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
