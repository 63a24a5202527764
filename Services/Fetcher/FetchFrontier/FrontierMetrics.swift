import Foundation
import Metrics
import NashraMessages
import Synchronization

/// The frontier's metrics, per source: article fetches by outcome (`nashra_fetch_total{source,outcome}`), feed
/// polls by outcome (`nashra_feed_polls_total{source,outcome}`: ok, not_modified, failed) and broken feeds
/// (`nashra_feeds_broken{source}`). Counters are made once per label pair and kept, not made per report.
public final class FrontierMetrics: Sendable {
    private let counters = Mutex<[String: Counter]>([:])
    private let brokenGauges = Mutex<[String: Gauge]>([:])
    /// Articles waiting for their host (`nashra_frontier_pending`).
    let pending = Gauge(label: "nashra_frontier_pending")
    /// New article URLs by how they came (`nashra_frontier_new_articles_total{via="poll|push"}`) and how long after
    /// their publication (the feed's date) the frontier learned of them
    /// (`nashra_frontier_discovery_delay_seconds{via}`): freshness by way of push against poll.
    private let newByPush = Counter(label: "nashra_frontier_new_articles_total", dimensions: [("via", "push")])
    private let newByPoll = Counter(label: "nashra_frontier_new_articles_total", dimensions: [("via", "poll")])
    private let delayByPush = Recorder(label: "nashra_frontier_discovery_delay_seconds", dimensions: [("via", "push")])
    private let delayByPoll = Recorder(label: "nashra_frontier_discovery_delay_seconds", dimensions: [("via", "poll")])

    func discovered(_ jobs: [FetchJob], via: String, now: Date = Date()) {
        guard !jobs.isEmpty else { return }
        let push = via == "push"
        (push ? newByPush : newByPoll).increment(by: jobs.count)
        for job in jobs {
            guard let published = job.hints?.published else { continue }
            (push ? delayByPush : delayByPoll).record(max(0, now.timeIntervalSince(published)))
        }
    }

    public init() {}

    func fetched(source: String, outcome: String) {
        counter("nashra_fetch_total", source: source, outcome: outcome).increment()
    }

    func polled(source: String, outcome: String) {
        counter("nashra_feed_polls_total", source: source, outcome: outcome).increment()
    }

    /// Sets every source's broken-feed count (0 for the sources in `sources` with none).
    func broken(_ counts: [String: Int], sources: [String]) {
        brokenGauges.withLock { gauges in
            for source in Set(sources).union(counts.keys) {
                let gauge =
                    gauges[source]
                    ?? {
                        let made = Gauge(label: "nashra_feeds_broken", dimensions: [("source", source)])
                        gauges[source] = made
                        return made
                    }()
                gauge.record(counts[source] ?? 0)
            }
        }
    }

    private func counter(_ label: String, source: String, outcome: String) -> Counter {
        counters.withLock { counters in
            let key = label + "\u{1F}" + source + "\u{1F}" + outcome
            if let counter = counters[key] { return counter }
            let counter = Counter(label: label, dimensions: [("source", source), ("outcome", outcome)])
            counters[key] = counter
            return counter
        }
    }
}
