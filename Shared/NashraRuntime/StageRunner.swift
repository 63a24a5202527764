import Foundation
import Logging
import Metrics
import NashraAMQP
import NashraMessages

/// Runs a stage: consume a batch, process it, publish the outputs (confirmed), then ack. Transient failures go to
/// the retry queue with an incremented attempt count; permanent ones and exhausted retries to the dead-letter
/// queue, with the reason in headers.
///
/// On classic queues a message that arrives redelivered (its consumer died or lost the broker before acking) counts
/// as a failed attempt and goes through the retry queue: a message that crashes its worker is retried a bounded
/// number of times and then parked, instead of crashing every worker in a loop. Quorum queues do that in the
/// broker (`x-delivery-limit`), so there a redelivered message is simply processed again.
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

    private let name: String
    private let input: Topology.Stage
    private let batchesInFlight: Int
    /// Decodes a batch's deliveries into the processor's input type (dead-lettering what does not decode) and
    /// processes the rest: one outcome per delivery, in order.
    private let decodeAndProcess: @Sendable ([RawDelivery]) async -> [StageOutcome]
    private let settings: Settings
    private let logger: Logger
    private let consumer: AMQPConsumer
    private let publisher: AMQPPublisher
    private let done: Counter
    private let retried: Counter
    private let dead: Counter
    private let batchTimer: Metrics.Timer

    public init<Processor: StageProcessor>(processor: Processor, settings: Settings, logger: Logger) {
        name = processor.name
        input = processor.input
        batchesInFlight = max(1, processor.batchesInFlight)
        decodeAndProcess = { deliveries in await Self.decodeAndProcess(deliveries, with: processor) }
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
        let stage = name
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
        let limit = batchesInFlight
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
        await publisher.close()
        logger.info("stage stopped")
    }

    /// Asks the stage to stop after the batches in flight. A publish that fails from now on is not retried (its
    /// input stays unacked and returns to the queue), so a stop during a broker outage does not wait for the
    /// broker.
    public func stop() {
        consumer.stopDelivering()
        publisher.stopRetrying()
    }

    private func handle(_ batch: [AMQPConsumer.Delivery]) async {
        let start = ContinuousClock.now
        var outgoing: [OutgoingMessage] = []
        var fresh: [AMQPConsumer.Delivery] = []
        var counts = (done: 0, retried: 0, dead: 0)
        for delivery in batch {
            // Quorum queues count redeliveries themselves and dead-letter at the delivery limit.
            if delivery.message.redelivered && settings.topology.queueType == .classic {
                outgoing.append(
                    failure(delivery.message, reason: "redelivered: a consumer died or lost the broker", &counts)
                )
            } else {
                fresh.append(delivery)
            }
        }
        let outcomes = fresh.isEmpty ? [] : await decodeAndProcess(fresh.map(\.message))
        for (delivery, outcome) in zip(fresh, outcomes) {
            switch outcome {
            case .done(let outputs):
                do {
                    outgoing.append(contentsOf: try outputs.map(encode))
                    counts.done += 1
                } catch {
                    outgoing.append(failure(delivery.message, reason: "encoding the outputs: \(error)", &counts))
                }
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

    /// Decodes each delivery as the processor's input; what fails is dead-lettered with the decoder's reason.
    private static func decodeAndProcess<Processor: StageProcessor>(
        _ deliveries: [RawDelivery],
        with processor: Processor
    ) async -> [StageOutcome] {
        var outcomes = [StageOutcome?](repeating: nil, count: deliveries.count)
        var inputs: [Processor.Input] = []
        var positions: [Int] = []
        for (position, delivery) in deliveries.enumerated() {
            do {
                inputs.append(try Processor.Input.decode(delivery))
                positions.append(position)
            } catch {
                outcomes[position] = .deadLetter(String(describing: error))
            }
        }
        if !inputs.isEmpty {
            let results = await processor.process(inputs)
            for (index, position) in positions.enumerated() {
                outcomes[position] = index < results.count ? results[index] : .retry("the stage returned no outcome")
            }
        }
        return outcomes.map { $0 ?? .retry("the stage returned no outcome") }
    }

    /// The AMQP message of an output.
    private func encode(_ output: StageOutput) throws -> OutgoingMessage {
        switch output {
        case .send(let message, let stage):
            return OutgoingMessage(
                routingKey: settings.topology.queue(stage),
                body: try MessageCodec.encode(message),
                messageID: message.messageID,
                type: type(of: message).messageType
            )
        case .deadLetter(let message, let queue, let stage, let reason, let attempt):
            return DeadLetter.message(
                body: try MessageCodec.encode(message),
                messageID: message.messageID,
                type: type(of: message).messageType,
                reason: reason,
                attempt: attempt,
                stage: stage,
                from: queue,
                in: settings.topology
            )
        }
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
            routingKey: settings.topology.retryQueue(input),
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
            stage: name,
            from: input,
            in: settings.topology
        )
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
