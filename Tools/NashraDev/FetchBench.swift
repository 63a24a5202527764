import ArgumentParser
import FetchFrontier
import Fetcher
import Foundation
import NashraHTTP
import NashraMessages
import Synchronization

/// Measures the fetcher against a local server: pages/s, MB/s and CPU per page with many fetches in flight,
/// then the per-host pacing of the frontier held with several fetchers on one host.
struct FetchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch throughput, CPU per page, and the politeness delay held on one host."
    )

    @Option(help: "A page on a local server; repeat for several hosts (bench/fetch.sh starts them).")
    var url: [String]
    @Option(help: "Pages to fetch.") var count = 3000
    @Option(help: "Fetches in flight.") var concurrency = 32
    @Option(help: "Host delay for the pacing run, in seconds.") var delay = 0.5
    @Option(help: "Fetches in the pacing run.") var politeCount = 8

    func run() async throws {
        let fetcher = HTTPFetcher(
            userAgent: "NashraBot/bench",
            addressPolicy: AddressPolicy(allowList: "127.0.0.0/8,::1/128")
        )
        let urls = self.url
        let count = self.count
        guard !urls.isEmpty else { throw ValidationError("give at least one --url") }
        for target in urls { _ = try await fetcher.fetch(target) }  // warm up
        let bytes = Shared(0)
        let cpuBefore = processCPUSeconds()
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                guard next < count else { return }
                next += 1
                let target = urls[next % urls.count]
                group.addTask {
                    let response = try await fetcher.fetch(target)
                    bytes.value.withLock { $0 += response.body.count }
                }
            }
            for _ in 0..<min(concurrency, count) { launch() }
            while try await group.next() != nil { launch() }
        }
        let seconds = Date().timeIntervalSince(start)
        let cpu = processCPUSeconds() - cpuBefore
        let total = bytes.value.withLock { $0 }
        print(
            "fetch \(count) pages from \(urls.count) host(s), \(concurrency) in flight "
                + "(libcurl multi interface, one engine thread)"
        )
        print(
            String(
                format: "  %.0f pages/s, %.1f MB/s, %.2f ms CPU per page (user+sys), %d bytes per page",
                Double(count) / seconds,
                Double(total) / seconds / 1_048_576,
                cpu / Double(count) * 1000,
                total / max(1, count)
            )
        )
        if urls.count == 1 { try await pacing(fetcher) }
    }

    /// Three fetchers share one host through the frontier's pacing state; prints the gaps it kept.
    private func pacing(_ fetcher: HTTPFetcher) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nashra-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = try FrontierState(directory: directory.path)
        let (url, politeCount, delay) = (self.url[0], self.politeCount, self.delay)
        let pages = (0..<politeCount).map { FetchJob(kind: .article, url: url + "?n=\($0)", sourceID: "bench") }
        try state.enqueue(pages)
        let log = Shared<[(start: Date, end: Date)]>([])
        let releaser = Releaser(state: state)
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    while log.value.withLock({ $0.count }) < politeCount {
                        guard let release = try await releaser.next() else {
                            try await Task.sleep(for: .milliseconds(20))
                            continue
                        }
                        let began = Date()
                        _ = try await fetcher.fetch(release.url)
                        log.value.withLock { $0.append((began, Date())) }
                        try state.finished(url: release.url, at: Date(), delay: delay, crawlDelay: nil, retryAfter: nil)
                    }
                }
            }
            try await group.waitForAll()
        }
        let entries = log.value.withLock { $0.sorted { $0.start < $1.start } }
        let gaps = zip(entries, entries.dropFirst()).map { $1.start.timeIntervalSince($0.end) }
        let overlapping = zip(entries, entries.dropFirst()).filter { $1.start < $0.end }.count
        print("politeness: one host, 3 fetchers, host delay \(delay) s, \(entries.count) fetches")
        print(
            String(
                format: "  gap between requests: min %.3f s, mean %.3f s; overlapping requests: %d; %.1f s in all",
                gaps.min() ?? 0,
                gaps.reduce(0, +) / Double(max(1, gaps.count)),
                overlapping,
                Date().timeIntervalSince(start)
            )
        )
    }
}

/// A mutex-guarded value shared between tasks.
private final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}

/// Releases fetches one at a time, as the frontier's single scheduler does.
private actor Releaser {
    let state: FrontierState
    init(state: FrontierState) { self.state = state }

    func next() throws -> Release? {
        guard let release = try state.releasable().first else { return nil }
        try state.markSent([release])
        return release
    }
}
