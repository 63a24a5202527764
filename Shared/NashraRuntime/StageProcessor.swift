import NashraAMQP
import NashraMessages

/// What a stage consumes. The runner decodes every delivery before the stage sees it, and dead-letters what does
/// not decode, with the reason: a stage works on values, never on bytes.
public protocol StageInput: Sendable {
    /// Decodes one delivery.
    /// - Throws: `MessageDecodingError` (permanent: the message is dead-lettered).
    static func decode(_ delivery: RawDelivery) throws -> Self
}

extension StageInput where Self: NashraMessage {
    /// A message is read with `MessageCodec`, which checks its size and schema.
    public static func decode(_ delivery: RawDelivery) throws -> Self {
        try MessageCodec.decode(Self.self, from: delivery.body)
    }
}

extension FetchJob: StageInput {}
extension FetchedPage: StageInput {}
extension Article: StageInput {}
extension ClassifiedArticle: StageInput {}
extension SourceHealthReport: StageInput {}

/// A message a stage sends on. The runner encodes it with `MessageCodec` and routes it.
public enum StageOutput: Sendable {
    /// `message` goes to the queue of `stage`.
    case send(any NashraMessage, to: Topology.Stage)
    /// `message`, a piece of `queue`'s work that failed for good somewhere else (the frontier judges the fetch
    /// workers' failures), is parked in that queue's dead-letter queue with the reason.
    case deadLetter(any NashraMessage, of: Topology.Stage, stage: String, reason: String, attempt: Int)
}

/// What became of one delivered message.
public enum StageOutcome: Sendable {
    /// Processed: publish these messages (possibly none), then ack.
    case done([StageOutput])
    /// A transient failure (a timeout, a busy database): try again after the retry delay.
    case retry(String)
    /// A permanent failure (invalid content): park it in the dead-letter queue with this reason.
    case deadLetter(String)
}

/// The logic of one stage, testable without a broker: it turns a batch of decoded inputs into outcomes.
public protocol StageProcessor: Sendable {
    associatedtype Input: StageInput
    /// Name used in logs, metrics and dead-letter headers (`parser`, `store`, …).
    var name: String { get }
    /// The queue it consumes.
    var input: Topology.Stage { get }
    /// Processes a batch and returns one outcome per input, in the same order. A processor that commits (the
    /// store) commits the whole batch before returning: the runner acks only after this returns.
    func process(_ batch: [Input]) async -> [StageOutcome]
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
