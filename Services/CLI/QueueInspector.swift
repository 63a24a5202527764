import Foundation
import NashraAMQP
import NashraHTTP
import NashraRuntime

/// Depth and flow of one queue of the topology.
struct QueueStatus: Codable {
    var name: String
    var ready: Int?
    var unacknowledged: Int?
    var consumers: Int?
    /// Messages per second published into the queue, and acknowledged out of it (management API only).
    var inRate: Double?
    var outRate: Double?
    /// Messages waiting in the queue's dead-letter queue.
    var deadLetters: Int?
    var retrying: Int?

    /// Seconds until the backlog is drained at the current out rate.
    var drainSeconds: Double? {
        guard let ready, let outRate, outRate > 0 else { return nil }
        return Double(ready) / outRate
    }
}

/// Reads queue depths from RabbitMQ's management API (ready, unacked, consumers, rates) and falls back to
/// passive declares over AMQP (ready and consumers) when the API is unreachable.
struct QueueInspector {
    let topology: Topology
    let amqpURL: AMQPURL
    let managementURL: String

    func inspect() async -> (source: String, queues: [QueueStatus]) {
        if let queues = try? await fromManagementAPI() { return ("management API", queues) }
        return ("AMQP (management API unreachable: no unacked counts or rates)", fromAMQP())
    }

    private func fromManagementAPI() async throws -> [QueueStatus] {
        let vhost = amqpURL.virtualHost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F"
        let fetcher = HTTPFetcher(
            userAgent: "nashra-status",
            maxBodyBytes: 64 * 1024 * 1024,
            connectTimeout: 2,
            totalTimeout: 10,
            addressPolicy: AddressPolicy(allowList: "0.0.0.0/0,::/0")
        )
        let response = try await fetcher.fetch(managementURL + "/api/queues/\(vhost)")
        guard response.status == 200,
            let list = try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]]
        else { throw FetchError(code: .protocolError, url: managementURL, message: "HTTP \(response.status)") }
        var byName: [String: [String: Any]] = [:]
        for queue in list { if let name = queue["name"] as? String { byName[name] = queue } }
        // Right after the broker starts, queues are listed before their first statistics: no counts yet.
        guard byName.values.allSatisfy({ $0["messages_ready"] != nil }) else {
            throw FetchError(code: .protocolError, url: managementURL, message: "statistics not collected yet")
        }
        func rate(_ queue: [String: Any]?, _ key: String) -> Double? {
            ((queue?["message_stats"] as? [String: Any])?[key] as? [String: Any])?["rate"] as? Double
        }
        return Topology.Stage.allCases.map { stage in
            let main = byName[topology.queue(stage)]
            return QueueStatus(
                name: topology.queue(stage),
                ready: main?["messages_ready"] as? Int,
                unacknowledged: main?["messages_unacknowledged"] as? Int,
                consumers: main?["consumers"] as? Int,
                inRate: main == nil ? nil : rate(main, "publish_details") ?? 0,
                outRate: main == nil ? nil : rate(main, "ack_details") ?? 0,
                deadLetters: byName[topology.deadQueue(stage)]?["messages"] as? Int,
                retrying: byName[topology.retryQueue(stage)]?["messages"] as? Int
            )
        }
    }

    private func fromAMQP() -> [QueueStatus] {
        Topology.Stage.allCases.map { stage in
            func depth(_ name: String) -> (messages: Int, consumers: Int)? {
                // A passive declare of a missing queue closes the channel, so each gets its own connection.
                guard let connection = try? AMQPConnection(url: amqpURL, connectTimeout: 2) else { return nil }
                return try? connection.declareQueue(name, passive: true)
            }
            let main = depth(topology.queue(stage))
            return QueueStatus(
                name: topology.queue(stage),
                ready: main?.messages,
                unacknowledged: nil,
                consumers: main?.consumers,
                deadLetters: depth(topology.deadQueue(stage))?.messages,
                retrying: depth(topology.retryQueue(stage))?.messages
            )
        }
    }
}
