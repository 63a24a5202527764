import Foundation
import NashraRuntime

/// Which stage to scale, and to how many instances, read from one inspection of the queues.
///
/// For each stage queue: the rate one instance sustains is the queue's ack rate over its consumers; the rate that
/// drains the backlog within the target while new work keeps arriving is `in + backlog / target`; the instances
/// needed are the second over the first, rounded up. Advice is given only where the backlog grows or would not
/// drain within the target, so that a stage keeping up is left alone. The frontier and the store writer run one
/// instance each (they own the crawl state and the SQLite writer): for them the advice says so instead of a count.
public enum ScalingAdvisor {
    /// What an operator should do about one stage.
    public struct Advice: Codable, Sendable, Equatable {
        public enum Action: String, Codable, Sendable {
            /// Nothing to do: no backlog, or one that drains within the target.
            case ok
            /// Run `instances` instances (more than now).
            case scaleOut = "scale-out"
            /// Work waits and no instance consumes it.
            case start
            /// Consumers are connected, work waits, and nothing is acknowledged: look at the logs, not the count.
            case stalled
            /// Falls behind, and cannot scale out: a single-instance stage.
            case singleInstance = "single-instance"
        }

        public var stage: String
        /// The executable and role that consumes the queue (`nashra-parser`, `nashra-fetcher worker`, …).
        public var service: String
        public var queue: String
        public var action: Action
        public var instances: Int?
        /// Consumers now.
        public var consumers: Int?
        /// Messages waiting (ready and unacknowledged).
        public var backlog: Int?
        /// How fast the backlog changes (messages per second; positive when it grows).
        public var trend: Double?
        /// Messages per second one instance acknowledges.
        public var ratePerInstance: Double?
        /// Seconds to drain the backlog at the current rates (nil when it does not drain).
        public var drainSeconds: Double?
        /// The advice in words.
        public var summary: String
    }

    /// The service that consumes each stage queue, and whether it may run several instances.
    public static func service(of stage: Topology.Stage) -> (name: String, scalable: Bool) {
        switch stage {
        case .fetch: ("nashra-fetcher worker", true)
        case .discovered: ("nashra-fetcher frontier", false)
        case .pages: ("nashra-parser", true)
        case .articles: ("nashra-classifier", true)
        case .classified, .health: ("nashra-store", false)
        }
    }

    /// Advice for every stage queue of `queues` (as `QueueInspector` lists them, in stage order).
    /// - Parameters:
    ///   - drainTarget: seconds within which a backlog should drain.
    ///   - maxInstances: the most instances ever advised (a backlog far beyond a stage's rate asks for this many).
    public static func advise(
        _ queues: [QueueStatus],
        topology: Topology,
        drainTarget: Double = 600,
        maxInstances: Int = 32
    ) -> [Advice] {
        Topology.Stage.allCases.compactMap { stage in
            guard let queue = queues.first(where: { $0.name == topology.queue(stage) }) else { return nil }
            return advise(queue, stage: stage, drainTarget: drainTarget, maxInstances: maxInstances)
        }
    }

    static func advise(_ queue: QueueStatus, stage: Topology.Stage, drainTarget: Double, maxInstances: Int) -> Advice {
        let (service, scalable) = service(of: stage)
        let backlog = queue.ready.map { $0 + (queue.unacknowledged ?? 0) }
        let trend = queue.backlogTrend ?? queue.inRate.flatMap { incoming in queue.outRate.map { incoming - $0 } }
        let consumers = queue.consumers
        let perInstance: Double? =
            if let consumers, consumers > 0, let out = queue.outRate, out > 0 { out / Double(consumers) } else { nil }
        let drain: Double? =
            if let backlog, backlog == 0 { 0 } else if let backlog, let trend, trend < 0 {
                Double(backlog) / -trend
            } else { nil }
        var advice = Advice(
            stage: stage.rawValue,
            service: service,
            queue: queue.name,
            action: .ok,
            consumers: consumers,
            backlog: backlog,
            trend: trend,
            ratePerInstance: perInstance,
            drainSeconds: drain,
            summary: "keeps up"
        )
        guard let backlog, backlog > 0 else {
            advice.summary = backlog == nil ? "no figures" : "no backlog"
            return advice
        }
        if (consumers ?? 0) == 0 {
            advice.action = .start
            advice.summary = "\(backlog) waiting and no consumer: start \(service)"
            return advice
        }
        let growing = (trend ?? 0) > 0
        guard growing || (drain ?? .infinity) > drainTarget else {
            advice.summary = "drains in \(Elapsed.text(drain ?? 0))"
            return advice
        }
        guard let perInstance else {
            advice.action = .stalled
            advice.summary = "\(backlog) waiting, \(consumers ?? 0) consumers acknowledge nothing: see their logs"
            return advice
        }
        let needed = ((queue.inRate ?? 0) + Double(backlog) / drainTarget) / perInstance
        let instances = min(maxInstances, max((consumers ?? 0) + 1, Int(needed.rounded(.up))))
        guard scalable else {
            advice.action = .singleInstance
            advice.summary =
                "falls behind (\(backlog) waiting) and runs one instance: it catches up when its input slows; "
                + "a faster disk or CPU helps"
            return advice
        }
        advice.action = .scaleOut
        advice.instances = instances
        advice.summary =
            "backlog \(growing ? "grows" : "drains too slowly"): scale \(service) to \(instances) "
            + "(\(String(format: "%.1f", perInstance))/s each) to drain within \(Elapsed.text(drainTarget))"
        return advice
    }
}
