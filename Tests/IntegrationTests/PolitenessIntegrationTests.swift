import FetchFrontier
import Fetcher
import Foundation
import Hummingbird
import NashraAMQP
import NashraHTTP
import NashraMessages
import NashraRuntime
import Synchronization
import TestSupport
import Testing

/// Records every request a test server receives: path, start, end, and how many ran at once.
final class RequestLog: Sendable {
    struct Entry: Sendable {
        var path: String
        var start: Date
        var end: Date
    }

    private let state = Mutex<(entries: [Entry], active: Int, maxActive: Int, busyAnswered: Bool)>(([], 0, 0, false))

    func begin() {
        state.withLock {
            $0.active += 1
            $0.maxActive = max($0.maxActive, $0.active)
        }
    }

    func end(_ path: String, since start: Date) {
        state.withLock {
            $0.active -= 1
            $0.entries.append(Entry(path: path, start: start, end: Date()))
        }
    }

    /// True the first time only.
    func firstBusy() -> Bool {
        state.withLock { value in
            defer { value.busyAnswered = true }
            return !value.busyAnswered
        }
    }

    var entries: [Entry] { state.withLock { $0.entries.sorted { $0.start < $1.start } } }
    var maxActive: Int { state.withLock { $0.maxActive } }
}

extension BrokerTests {
    @Suite("Politeness across workers") struct PolitenessIntegrationTests {
        @Test("three workers, one host: one request at a time, Crawl-delay apart; robots.txt and Retry-After obeyed")
        func perHostPacingAcrossWorkers() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let log = RequestLog()
            let router = Router()
            let feed = """
                <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>ناشر</title>
                \((1...4).map { "<item><title>خبر \($0)</title><link>/a/\($0)</link></item>" }.joined())
                <item><title>خاص</title><link>/private/1</link></item>
                <item><title>مشغول</title><link>/busy</link></item>
                </channel></rss>
                """
            let page =
                "<html lang=\"ar\"><body><article><h1>عنوان</h1><p>نص الخبر الكامل هنا.</p></article></body></html>"
            router.add(
                middleware: RequestLogMiddleware(log: log)
            )
            router.get("robots.txt") { _, _ in "User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n" }
            router.get("feed.xml") { _, _ in feed }
            router.get("a/:n") { _, _ -> Response in
                try await Task.sleep(for: .milliseconds(150))  // long enough that overlapping fetches would show
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/html"],
                    body: .init(byteBuffer: .init(string: page))
                )
            }
            router.get("private/:n") { _, _ in page }
            router.get("busy") { _, _ -> Response in
                if log.firstBusy() { return Response(status: .tooManyRequests, headers: [.retryAfter: "3"]) }
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/html"],
                    body: .init(byteBuffer: .init(string: page))
                )
            }
            let server = try await TestHTTPServer.start(router: router)

            let topology = Topology(prefix: TestEnvironment.uniquePrefix("polite"), retryDelayMilliseconds: 200)
            let settings = StageRunner.Settings(url: url, topology: topology, prefetch: 20)
            let catalog = try SourceCatalog.parse(
                "sources:\n  - id: host\n    name: ناشر\n    feeds: [\"\(server.base)/feed.xml\"]\n    poll_interval: 3600\n"
            )
            let state = try FrontierState(directory: try TestEnvironment.temporaryDirectory())
            let policy = FrontierPolicy(hostDelay: 0.2, maxAttempts: 5, retryBase: 0.2)
            let http = HTTPFetcher(userAgent: "NashraBot/0.1", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
            let frontier = try await RunningFrontier(state: state, catalog: catalog, policy: policy, settings: settings)
            let workers = (0..<3).map { _ in
                RunningStage(FetchWorker(http: http), settings: settings)
            }

            let probe = QueueProbe(url: url)
            // Generous: other suites' CPU-heavy tests (a 50 MB page, Chromium) run beside this one on two cores.
            let done = await TestEnvironment.waitUntil(timeout: 180) {
                (try? probe.depth(topology.queue(.pages))) == 5
            }
            await frontier.stop()
            for worker in workers { await worker.stop() }
            await server.stop()

            #expect(done, "4 articles and the busy page (after its retry) are fetched")
            let entries = log.entries
            #expect(log.maxActive == 1, "never two requests to the host at once")
            #expect(!entries.contains { $0.path.hasPrefix("/private/") }, "robots.txt Disallow is obeyed")
            #expect(
                entries.filter { $0.path == "/robots.txt" }.count <= 3,
                "robots.txt is fetched once per worker and cached"
            )
            // Each request starts at least Crawl-delay (1 s) after the previous one ended (robots.txt is fetched
            // within the first fetch's turn).
            let paced = entries.filter { $0.path != "/robots.txt" }
            for (previous, next) in zip(paced, paced.dropFirst()) {
                #expect(next.start.timeIntervalSince(previous.end) >= 0.95, "\(previous.path) → \(next.path)")
            }
            let busy = entries.filter { $0.path == "/busy" }
            #expect(busy.count == 2)
            if busy.count == 2 {
                #expect(busy[1].start.timeIntervalSince(busy[0].end) >= 2.9, "Retry-After: 3 is honoured")
            }
            #expect(try probe.depth(topology.deadQueue(.fetch)) == 0)
        }
    }
}

struct RequestLogMiddleware: RouterMiddleware {
    let log: RequestLog

    func handle(
        _ request: Request,
        context: BasicRequestContext,
        next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = Date()
        log.begin()
        defer { log.end(request.uri.path, since: start) }
        return try await next(request, context)
    }
}
