import Foundation
import NashraAMQP
import NashraHTTP
import NashraRuntime
import Synchronization

/// Depth and flow of one queue of the topology.
public struct QueueStatus: Codable, Sendable {
    public var name: String
    public var ready: Int?
    public var unacknowledged: Int?
    public var consumers: Int?
    /// Messages per second published into the queue, and acknowledged out of it, over the last 30 s (management
    /// API only).
    public var inRate: Double?
    public var outRate: Double?
    /// Messages waiting in the queue's dead-letter queue.
    public var deadLetters: Int?
    public var retrying: Int?
    /// How fast the queue's messages (ready and unacked) change, per second, over the last 30 s (management API
    /// only).
    public var backlogTrend: Double?

    public init(
        name: String,
        ready: Int? = nil,
        unacknowledged: Int? = nil,
        consumers: Int? = nil,
        inRate: Double? = nil,
        outRate: Double? = nil,
        deadLetters: Int? = nil,
        retrying: Int? = nil,
        backlogTrend: Double? = nil
    ) {
        self.name = name
        self.ready = ready
        self.unacknowledged = unacknowledged
        self.consumers = consumers
        self.inRate = inRate
        self.outRate = outRate
        self.deadLetters = deadLetters
        self.retrying = retrying
        self.backlogTrend = backlogTrend
    }

    /// Seconds until the backlog is drained at the current out rate.
    public var drainSeconds: Double? {
        guard let ready, let outRate, outRate > 0 else { return nil }
        return Double(ready) / outRate
    }
}

/// The queue table that `nashra status` prints and `/status` shows: one set of columns and cell formats.
public enum QueueStatusTable {
    public static let header = ["queue", "ready", "unacked", "consumers", "in", "out", "retrying", "dead", "drain"]

    /// One row of text cells per queue, in `header`'s order ("—" where the source has no figure).
    public static func rows(_ queues: [QueueStatus]) -> [[String]] {
        func cell(_ value: Int?) -> String { value.map(String.init) ?? "—" }
        func rate(_ value: Double?) -> String { value.map { String(format: "%.1f/s", $0) } ?? "—" }
        return queues.map { queue in
            [
                queue.name, cell(queue.ready), cell(queue.unacknowledged), cell(queue.consumers), rate(queue.inRate),
                rate(queue.outRate), cell(queue.retrying), cell(queue.deadLetters),
                queue.drainSeconds.map { String(format: "%.0f s", $0) } ?? (queue.ready == 0 ? "drained" : "—"),
            ]
        }
    }

    /// The table as aligned plain text, a header line first.
    public static func text(_ queues: [QueueStatus]) -> String {
        let rows = [header] + rows(queues)
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// Reads queue depths from RabbitMQ's management API (ready, unacked, consumers, rates) and falls back to
/// passive declares over AMQP (ready and consumers) when the API is unreachable.
public struct QueueInspector: Sendable {
    public let topology: Topology
    public let amqpURL: AMQPURL
    public let managementURL: String

    public init(topology: Topology, amqpURL: AMQPURL, managementURL: String) {
        self.topology = topology
        self.amqpURL = amqpURL
        self.managementURL = managementURL
    }

    /// From the configuration (`NASHRA_AMQP_URL`, `NASHRA_AMQP_MANAGEMENT_URL`, `NASHRA_QUEUE_PREFIX`).
    public init(_ configuration: Configuration) throws {
        self.init(
            topology: try configuration.topology(),
            amqpURL: try configuration.amqpURL(),
            managementURL: configuration[Setting.managementURL]
        )
    }

    /// The queues' figures, from the management API when it answers, else from AMQP; `source` says which, and
    /// why the API was not used (unreachable, credentials refused, no statistics yet).
    public func inspect() async -> QueueInspection {
        let why: String
        do {
            let queues = try await fromManagementAPI()
            return QueueInspection(source: "management API", queues: queues, brokerReached: true)
        } catch let error as FetchError {
            switch error.code {
            case .connectionFailed, .timeout: why = "management API unreachable"
            default: why = "management API: \(error.message)"
            }
        } catch {
            why = "management API: \(error)"
        }
        let (queues, reached) = await Self.amqpExecutor.run { fromAMQP() }
        return QueueInspection(
            source: "AMQP (\(why); no unacked counts or rates)",
            queues: queues,
            brokerReached: reached
        )
    }

    /// Passive declares block on the broker: they run here, one inspection at a time, off the cooperative pool.
    private static let amqpExecutor = BlockingExecutor(label: "nashra.status.amqp")

    private func fromManagementAPI() async throws -> [QueueStatus] {
        let vhost = amqpURL.virtualHost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F"
        let fetcher = HTTPFetcher(
            userAgent: "nashra-status",
            maxBodyBytes: 64 * 1024 * 1024,
            connectTimeout: 2,
            totalTimeout: 10,
            addressPolicy: AddressPolicy(allowList: "0.0.0.0/0,::/0")
        )
        // Rates averaged over the last 30 s (the broker keeps 5-second samples): the rate between two samples is 0
        // whenever no new sample came in between, which would read as a stage that acknowledges nothing.
        let window = "msg_rates_age=30&msg_rates_incr=5&lengths_age=30&lengths_incr=5"
        let response = try await fetcher.fetch(managementURL + "/api/queues/\(vhost)?" + window)
        if response.status == 401 || response.status == 403 {
            let message = "HTTP \(response.status), the credentials of NASHRA_AMQP_MANAGEMENT_URL were refused"
            throw FetchError(code: .protocolError, url: managementURL, message: message)
        }
        guard response.status == 200,
            let list = try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]]
        else { throw FetchError(code: .protocolError, url: managementURL, message: "HTTP \(response.status)") }
        var byName: [String: [String: Any]] = [:]
        for queue in list { if let name = queue["name"] as? String { byName[name] = queue } }
        // Right after the broker starts, queues are listed before their first statistics: no counts yet.
        guard byName.values.allSatisfy({ $0["messages_ready"] != nil }) else {
            throw FetchError(code: .protocolError, url: managementURL, message: "statistics not collected yet")
        }
        func average(_ details: Any?) -> Double? {
            let details = details as? [String: Any]
            return details?["avg_rate"] as? Double ?? details?["rate"] as? Double
        }
        func rate(_ queue: [String: Any]?, _ key: String) -> Double? {
            average((queue?["message_stats"] as? [String: Any])?[key])
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
                retrying: byName[topology.retryQueue(stage)]?["messages"] as? Int,
                backlogTrend: average(main?["messages_details"])
            )
        }
    }

    /// The figures passive declares give, and whether the broker answered at all (on a fresh broker it does, but
    /// no queue is declared until a service starts).
    private func fromAMQP() -> ([QueueStatus], reached: Bool) {
        var connection: AMQPConnection?
        var unreachable = false
        var reached = false
        let queues = Topology.Stage.allCases.map { stage in
            func depth(_ name: String) -> (messages: Int, consumers: Int)? {
                guard !unreachable else { return nil }
                if connection == nil { connection = try? AMQPConnection(url: amqpURL, connectTimeout: 2) }
                guard let open = connection else {
                    unreachable = true
                    return nil
                }
                reached = true
                do {
                    return try open.declareQueue(name, passive: true)
                } catch {
                    // A passive declare of a missing queue closes the channel: the next one needs a new connection.
                    connection = nil
                    return nil
                }
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
        return (queues, reached)
    }
}

/// One look at the queues: their figures, where they came from, and whether the broker answered (on a fresh
/// broker every queue is missing until a service declares it: that is not an unreachable broker).
public struct QueueInspection: Sendable {
    public var source: String
    public var queues: [QueueStatus]
    public var brokerReached: Bool

    public init(source: String, queues: [QueueStatus], brokerReached: Bool) {
        self.source = source
        self.queues = queues
        self.brokerReached = brokerReached
    }
}

/// The last inspection, kept `maxAge` seconds: `/status` is public, and each inspection costs the broker an API
/// call or a handful of declares. Concurrent requests share one inspection in progress, so however many arrive,
/// the broker sees at most one inspection per `maxAge`.
public final class CachedQueueInspection: Sendable {
    public typealias Inspection = QueueInspection
    public let inspector: QueueInspector
    private let maxAge: Duration
    private let state = Mutex<
        (last: (at: ContinuousClock.Instant, value: Inspection)?, running: Task<Inspection, Never>?)
    >(
        (nil, nil)
    )

    public init(_ inspector: QueueInspector, maxAge: Duration = .seconds(5)) {
        self.inspector = inspector
        self.maxAge = maxAge
    }

    public func inspect() async -> Inspection {
        enum Answer {
            case cached(Inspection)
            case awaiting(Task<Inspection, Never>)
        }
        let now = ContinuousClock.now
        let answer: Answer = state.withLock { state in
            if let last = state.last, now - last.at < maxAge { return .cached(last.value) }
            if let running = state.running { return .awaiting(running) }
            let inspector = self.inspector
            let running = Task { await inspector.inspect() }
            state.running = running
            return .awaiting(running)
        }
        let running: Task<Inspection, Never>
        switch answer {
        case .cached(let value): return value
        case .awaiting(let task): running = task
        }
        let value = await running.value
        state.withLock { state in
            if state.running == running {
                state.running = nil
                state.last = (ContinuousClock.now, value)
            }
        }
        return value
    }
}
