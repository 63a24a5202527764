import Foundation
import Logging
import NashraAMQP
import NashraHTTP
import NashraModel
import NashraRuntime

/// A fetcher worker: executes fetch jobs (`nashra.fetch`). Feed polls go back to the frontier as `FeedResult`s
/// (failures included, so the frontier can count them); article pages go on to the parser as `FetchedPage`s.
/// A failed article fetch is retried when the failure may pass (timeouts, 5xx, 429) and dead-lettered otherwise.
public struct FetchWorker: StageProcessor {
    public let name = "fetcher"
    public let input = Topology.Stage.fetch
    public let topology: Topology
    public let http: HTTPFetcher
    /// How many fetches of one batch run at once.
    public var concurrency = 8

    public init(topology: Topology, http: HTTPFetcher) {
        self.topology = topology
        self.http = http
    }

    public func process(_ batch: [RawDelivery]) async -> [StageOutcome] {
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

    func handle(_ delivery: RawDelivery) async -> StageOutcome {
        let job: FetchJob
        do {
            job = try MessageCodec.decode(FetchJob.self, from: delivery.body)
        } catch {
            return .deadLetter(String(describing: error))
        }
        do {
            switch job.kind {
            case .feed: return .done([try output(await pollFeed(job), to: .discovered, in: topology)])
            case .article: return try await fetchArticle(job)
            }
        } catch {
            return .retry("encoding output: \(error)")
        }
    }

    func pollFeed(_ job: FetchJob) async -> FeedResult {
        var headers: [String: String] = [:]
        if let etag = job.etag { headers["If-None-Match"] = etag }
        if let lastModified = job.lastModified { headers["If-Modified-Since"] = lastModified }
        do {
            let response = try await http.fetch(job.url, headers: headers)
            if response.status == 304 {
                return FeedResult(
                    sourceID: job.sourceID,
                    feedURL: job.url,
                    status: 304,
                    notModified: true,
                    etag: job.etag,
                    lastModified: job.lastModified
                )
            }
            guard (200..<300).contains(response.status) else {
                return FeedResult(
                    sourceID: job.sourceID,
                    feedURL: job.url,
                    status: response.status,
                    error: "HTTP \(response.status)"
                )
            }
            let items = try FeedParser.parse(response.body, feedURL: response.finalURL)
            return FeedResult(
                sourceID: job.sourceID,
                feedURL: job.url,
                status: response.status,
                etag: response.headers["etag"],
                lastModified: response.headers["last-modified"],
                items: items
            )
        } catch {
            return FeedResult(sourceID: job.sourceID, feedURL: job.url, status: 0, error: String(describing: error))
        }
    }

    func fetchArticle(_ job: FetchJob) async throws -> StageOutcome {
        let response: HTTPResponse
        do {
            response = try await http.fetch(job.url)
        } catch {
            return error.isTransient ? .retry(error.description) : .deadLetter(error.description)
        }
        switch response.status {
        case 200..<300:
            let page = FetchedPage(
                url: job.url,
                finalURL: response.finalURL,
                sourceID: job.sourceID,
                sourceName: job.sourceName,
                status: response.status,
                contentType: response.contentType,
                hints: job.hints,
                body: response.body
            )
            return .done([try output(page, to: .pages, in: topology)])
        case 408, 425, 429, 500..<600:
            return .retry("\(job.url) answered HTTP \(response.status)")
        default:
            return .deadLetter("\(job.url) answered HTTP \(response.status)")
        }
    }
}
