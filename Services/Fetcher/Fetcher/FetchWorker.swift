import Foundation
import Logging
import NashraAMQP
import NashraHTTP
import NashraMessages
import NashraRuntime

/// A fetcher worker: executes fetch jobs (`nashra.fetch`) and reports every outcome back to the frontier,
/// which owns pacing, retries and dead letters. robots.txt is checked first (and cached per host). Feed polls
/// come back as `FeedResult`s; article pages go on to the parser as `FetchedPage`s, with a `FetchReport`.
public struct FetchWorker: StageProcessor {
    public let name = "fetcher"
    public let input = Topology.Stage.fetch
    public let http: HTTPFetcher
    public let robots: RobotsCache
    /// How many fetches of one batch run at once (each to a different host: the frontier sends one per host).
    public var concurrency = 16
    /// Fetches are waiting, not computing: batches of a few jobs, many in flight, so that a slow host's fetch
    /// does not hold back the reports (and so the next fetches) of the fast ones.
    public var batchesInFlight: Int { 64 }
    public var maxBatch: Int? { 4 }
    /// Cap on an article page (decoded), below the fetcher's own cap, which feeds and sitemaps keep: a hostile page
    /// is buffered up to its cap before it is refused, and a worker may hold several at once.
    public var maxPageBytes: Int?

    public init(http: HTTPFetcher) {
        self.http = http
        self.robots = RobotsCache(http: http)
    }

    public func process(_ batch: [FetchJob]) async -> [StageOutcome] {
        var outcomes = [StageOutcome](repeating: .retry("not processed"), count: batch.count)
        var next = 0
        await withTaskGroup(of: (Int, StageOutcome).self) { group in
            func launch() {
                guard next < batch.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await handle(batch[index])) }
            }
            for _ in 0..<min(concurrency, batch.count) { launch() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                launch()
            }
        }
        return outcomes
    }

    func handle(_ job: FetchJob) async -> StageOutcome {
        let rules = await robots.policy(for: job.url)
        switch job.kind {
        case .feed:
            return .done([.send(await pollFeed(job, rules: rules), to: .discovered)])
        case .article:
            let (page, report) = await fetchArticle(job, rules: rules)
            return .done((page.map { [.send($0, to: .pages)] } ?? []) + [.send(report, to: .discovered)])
        }
    }

    func pollFeed(_ job: FetchJob, rules: RobotsPolicy) async -> FeedResult {
        guard rules.allows(job.url) else {
            return FeedResult(
                sourceID: job.sourceID,
                feedURL: job.url,
                status: 0,
                error: "disallowed by robots.txt",
                crawlDelay: rules.crawlDelay
            )
        }
        var headers: [String: String] = [:]
        if let etag = job.etag { headers["If-None-Match"] = etag }
        if let lastModified = job.lastModified { headers["If-Modified-Since"] = lastModified }
        do {
            let response = try await http.fetch(job.url, headers: headers)
            let retryAfter = retryAfterSeconds(response.headers["retry-after"])
            if response.status == 304 {
                return FeedResult(
                    sourceID: job.sourceID,
                    feedURL: job.url,
                    status: 304,
                    notModified: true,
                    etag: job.etag,
                    lastModified: job.lastModified,
                    crawlDelay: rules.crawlDelay
                )
            }
            guard (200..<300).contains(response.status) else {
                return FeedResult(
                    sourceID: job.sourceID,
                    feedURL: job.url,
                    status: response.status,
                    error: "HTTP \(response.status)",
                    retryAfter: retryAfter,
                    crawlDelay: rules.crawlDelay
                )
            }
            let zone = job.sourceHints?.timezone.flatMap(TimeZone.init(identifier:)) ?? FeedParser.defaultTimeZone
            let document = try FeedParser.parse(response.body, feedURL: response.finalURL, timeZone: zone)
            var result = FeedResult(
                sourceID: job.sourceID,
                feedURL: job.url,
                status: response.status,
                etag: response.headers["etag"],
                lastModified: response.headers["last-modified"],
                items: document.items,
                crawlDelay: rules.crawlDelay
            )
            result.discoveredFeeds = document.feeds.isEmpty ? nil : document.feeds
            // WebSub: the hub from the feed, else from the HTTP `Link` header (the spec allows either).
            let linked = WebSubLinks(header: response.headers["link"], base: response.finalURL)
            result.hub = document.hub ?? linked.hub
            result.topic = document.selfURL ?? linked.selfURL ?? (result.hub == nil ? nil : job.url)
            return result
        } catch {
            return FeedResult(
                sourceID: job.sourceID,
                feedURL: job.url,
                status: 0,
                error: String(describing: error),
                crawlDelay: rules.crawlDelay
            )
        }
    }

    func fetchArticle(_ job: FetchJob, rules: RobotsPolicy) async -> (FetchedPage?, FetchReport) {
        func report(_ outcome: FetchReport.Outcome, _ status: Int, _ reason: String?, retryAfter: Double? = nil)
            -> FetchReport
        {
            FetchReport(
                job: job,
                outcome: outcome,
                status: status,
                reason: reason,
                retryAfter: retryAfter,
                crawlDelay: rules.crawlDelay
            )
        }
        guard rules.allows(job.url) else { return (nil, report(.disallowed, 0, "disallowed by robots.txt")) }
        let response: FetchResponse
        var http = self.http
        if let maxPageBytes { http.maxBodyBytes = min(http.maxBodyBytes, maxPageBytes) }
        do {
            response = try await http.fetch(job.url)
        } catch {
            return (nil, report(error.isTransient ? .retry : .failed, 0, error.description))
        }
        let retryAfter = retryAfterSeconds(response.headers["retry-after"])
        switch response.status {
        case 200..<300:
            var page = FetchedPage(
                url: job.url,
                finalURL: response.finalURL,
                sourceID: job.sourceID,
                sourceName: job.sourceName,
                status: response.status,
                contentType: response.contentType,
                hints: job.hints,
                body: response.body
            )
            page.sourceHints = job.sourceHints
            page.discoveredAt = job.discoveredAt
            return (page, report(.fetched, response.status, nil))
        case 408, 425, 429, 500..<600:
            return (nil, report(.retry, response.status, "HTTP \(response.status)", retryAfter: retryAfter))
        default:
            return (nil, report(.failed, response.status, "\(job.url) answered HTTP \(response.status)"))
        }
    }
}
