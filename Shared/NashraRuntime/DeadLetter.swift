import Foundation
import NashraAMQP

/// Builds the message that parks a failed message in its stage's dead-letter queue, with the reason, the stage
/// that gave up, the original queue, the attempt count and the time in headers. The one place these headers are
/// written.
public enum DeadLetter {
    public static func message(
        body: Data,
        messageID: String?,
        type: String?,
        headers: [String: QueueArgument] = [:],
        reason: String,
        attempt: Int,
        stage: String,
        from queue: Topology.Stage,
        in topology: Topology
    ) -> OutgoingMessage {
        var headers = headers
        headers[NashraHeader.attempt] = .int(Int64(attempt))
        headers[NashraHeader.error] = .string(String(reason.prefix(1000)))
        headers[NashraHeader.stage] = .string(stage)
        headers[NashraHeader.originalQueue] = .string(topology.queue(queue))
        headers[NashraHeader.failedAt] = .string(ISO8601DateFormatter().string(from: Date()))
        return OutgoingMessage(
            routingKey: topology.deadQueue(queue),
            body: body,
            messageID: messageID,
            type: type,
            headers: headers
        )
    }
}
