import NashraAMQP
import NashraModel

/// What became of one delivered message.
public enum StageOutcome: Sendable {
    /// Processed: publish these messages (possibly none), then ack.
    case done([OutgoingMessage])
    /// A transient failure (a timeout, a busy database): try again after the retry delay.
    case retry(String)
    /// A permanent failure (malformed input): park it in the dead-letter queue with this reason.
    case deadLetter(String)
}

/// The logic of one stage, testable without a broker: it turns a batch of deliveries into outcomes.
public protocol StageProcessor: Sendable {
    /// Name used in logs, metrics and dead-letter headers (`parser`, `store`, …).
    var name: String { get }
    /// The queue it consumes.
    var input: Topology.Stage { get }
    /// Processes a batch and returns one outcome per delivery, in the same order. A processor that commits
    /// (the store) commits the whole batch before returning: the runner acks only after this returns.
    func process(_ batch: [RawDelivery]) async -> [StageOutcome]
    /// How many batches the runner may have in flight at once (default 1: a batch is processed, published and
    /// acked before the next starts). A stage whose work is waiting rather than computing (the fetch worker)
    /// takes small batches many at a time, so that one slow host does not hold back the others' results.
    var batchesInFlight: Int { get }
    /// The most deliveries in one batch (default: the prefetch).
    var maxBatch: Int? { get }
}

extension StageProcessor {
    public var batchesInFlight: Int { 1 }
    public var maxBatch: Int? { nil }
}

extension StageProcessor {
    /// Builds the message that carries `message` to the next stage.
    public func output<M: NashraMessage>(_ message: M, to stage: Topology.Stage, in topology: Topology) throws
        -> OutgoingMessage
    {
        OutgoingMessage(
            routingKey: topology.queue(stage),
            body: try MessageCodec.encode(message),
            messageID: message.messageID,
            type: M.messageType
        )
    }
}
