import NashraAMQP

/// The queues of the pipeline. Each stage queue `q` has `q.retry.<delay>ms` (a delay: messages wait there
/// `retryDelay` and flow back into `q`) and `q.dead` (messages that failed for good, with the reason in headers).
/// The delay is in the retry queue's name because it is the queue's TTL argument, which RabbitMQ cannot change
/// on an existing queue: a new delay declares a new queue, and messages waiting in the old one still flow back
/// to `q` when their old delay is up. Nothing to delete by hand, nothing lost.
/// Everything is durable and published through the default exchange, so a queue's name is its routing key.
public struct Topology: AMQPTopology, Equatable {
    /// The stage queues, in pipeline order.
    public enum Stage: String, Sendable, CaseIterable {
        /// Fetch jobs for fetcher workers.
        case fetch
        /// Feed poll results for the frontier.
        case discovered
        /// Fetched pages for the parser.
        case pages
        /// Extracted articles for the classifier.
        case articles
        /// Classified articles for the store.
        case classified
        /// The frontier's reports on its sources' feeds, for the store (the reader site's sources directory).
        case health
    }

    /// The kind of RabbitMQ queue every queue of the topology is declared as.
    public enum QueueType: String, Sendable, CaseIterable {
        /// One node's queues (the default): a message that comes back redelivered is charged an attempt by the
        /// stage runner, so a message that kills its consumer is parked after the attempts are used up.
        case classic
        /// Replicated Raft queues for a cluster. The broker counts deliveries itself (`x-delivery-count`) and
        /// dead-letters a message after `deliveryLimit` redeliveries (`x-delivery-limit`), at least once
        /// (`x-dead-letter-strategy=at-least-once`, which needs `x-overflow=reject-publish`: a full queue refuses
        /// publishes, which the publishers retry, rather than dropping its oldest messages).
        case quorum
    }

    /// Prefix of every queue name (`nashra` in production; tests use a fresh one each).
    public var prefix: String
    /// How long a transiently failed message waits before it is retried (the retry queue's TTL).
    public var retryDelayMilliseconds: Int64
    public var queueType: QueueType
    /// Quorum queues: redeliveries (consumers that died or lost the broker) after which the broker dead-letters.
    public var deliveryLimit: Int

    public init(
        prefix: String = "nashra",
        retryDelayMilliseconds: Int64 = 5_000,
        queueType: QueueType = .classic,
        deliveryLimit: Int = 5
    ) {
        self.prefix = prefix
        self.retryDelayMilliseconds = retryDelayMilliseconds
        self.queueType = queueType
        self.deliveryLimit = deliveryLimit
    }

    public func queue(_ stage: Stage) -> String { "\(prefix).\(stage.rawValue)" }
    public func retryQueue(_ stage: Stage) -> String { queue(stage) + ".retry.\(retryDelayMilliseconds)ms" }
    public func deadQueue(_ stage: Stage) -> String { queue(stage) + ".dead" }

    /// Every queue name, main queues first then their retry and dead-letter queues.
    public var allQueues: [String] {
        Stage.allCases.flatMap { [queue($0), retryQueue($0), deadQueue($0)] }
    }

    /// Declares every queue (idempotent; a changed retry delay declares a retry queue of its own). A queue cannot
    /// change its type: switching an existing deployment to quorum queues needs a new prefix (or the old queues
    /// drained and deleted).
    /// - Throws: `AMQPError` when the broker refuses a declaration.
    public func declare(on connection: AMQPConnection) throws(AMQPError) {
        for stage in Stage.allCases {
            try connection.declareQueue(deadQueue(stage), arguments: typed([:]))
            try connection.declareQueue(
                retryQueue(stage),
                arguments: typed(
                    [
                        "x-message-ttl": .int(retryDelayMilliseconds),
                        "x-dead-letter-exchange": .string(""),
                        "x-dead-letter-routing-key": .string(queue(stage)),
                    ],
                    deadLettering: true
                )
            )
            // A message rejected without requeue by the broker's own rules still lands in the dead queue.
            var main: [String: QueueArgument] = [
                "x-dead-letter-exchange": .string(""),
                "x-dead-letter-routing-key": .string(deadQueue(stage)),
            ]
            if queueType == .quorum { main["x-delivery-limit"] = .int(Int64(deliveryLimit)) }
            try connection.declareQueue(queue(stage), arguments: typed(main, deadLettering: true))
        }
    }

    /// `arguments` with the queue type's own: for quorum queues the type, and for queues that dead-letter,
    /// at-least-once dead-lettering with the overflow behaviour it requires.
    private func typed(_ arguments: [String: QueueArgument], deadLettering: Bool = false) -> [String: QueueArgument] {
        guard queueType == .quorum else { return arguments }
        var arguments = arguments
        arguments["x-queue-type"] = .string("quorum")
        if deadLettering {
            arguments["x-dead-letter-strategy"] = .string("at-least-once")
            arguments["x-overflow"] = .string("reject-publish")
        }
        return arguments
    }
}

/// Header names Nashra puts on messages.
public enum NashraHeader {
    /// How many times this message has been tried and failed (0 on first delivery).
    public static let attempt = "x-nashra-attempt"
    /// Why the message was dead-lettered or retried.
    public static let error = "x-nashra-error"
    /// Which stage gave up on it.
    public static let stage = "x-nashra-stage"
    /// The queue it came from.
    public static let originalQueue = "x-nashra-original-queue"
    /// When it failed (ISO 8601).
    public static let failedAt = "x-nashra-failed-at"
}
