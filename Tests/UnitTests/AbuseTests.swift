import Foundation
import Hummingbird
import NashraHTTP
import NashraModel
import ReaderWeb
import Store
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The public site against abusive clients, over real HTTP: a search budget per client (429 with Retry-After),
/// queries answered without the archive, a reader's reports counted once and bounded, clients behind a trusted
/// proxy told apart, and slow clients that do not hold up the others.
@Suite("Abuse of the public site") struct AbuseTests {
    let local = AddressPolicy(allowList: "127.0.0.1/32")

    func site(_ make: (SQLiteArchive) -> ReaderSite) async throws -> (TestHTTPServer, ArticleStore) {
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        try store.upsert([
            ClassifiedArticle(
                article: Article(
                    url: "https://example.com/a",
                    sourceID: "s",
                    sourceName: "مصدر",
                    title: "افتتاح معرض القاهرة الدولي للكتاب",
                    paragraphs: ["افتتح معرض القاهرة الدولي للكتاب أبوابه للزوار اليوم."],
                    images: [ArticleImage(url: "https://img.example/1.jpg")]
                        + (2...40).map {
                            ArticleImage(url: "https://img.example/\($0).jpg")
                        }
                ),
                topic: "culture",
                confidence: 1,
                uncertain: false,
                signature: []
            )
        ])
        let router = Router(context: ReaderContext.self)
        make(SQLiteArchive(store)).addRoutes(to: router)
        return (try await TestHTTPServer.start(router: router), store)
    }

    @Test("searches: a budget per client, 429 with Retry-After past it; other clients unaffected")
    func searchBudget() async throws {
        let (server, _) = try await site {
            ReaderSite(store: $0, clients: ClientAddresses(trustedProxies: "127.0.0.1"), searchesPerMinute: 5)
        }
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: local)
        func search(_ words: String, as client: String? = nil) async throws -> FetchResponse {
            let query = words.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            return try await http.fetch(
                server.base + "/search?q=" + query,
                headers: client.map { ["X-Forwarded-For": "203.0.113.9, \($0)"] } ?? [:]
            )
        }
        do {
            for word in ["معرض", "القاهرة", "الكتاب", "الزوار", "أبوابه"] {
                #expect(try await search(word, as: "198.51.100.1").status == 200)
            }
            let refused = try await search("الدولي", as: "198.51.100.1")
            #expect(refused.status == 429)
            #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1)
            #expect(refused.headers["cache-control"] == "no-store")
            #expect(try await search("الدولي", as: "198.51.100.2").status == 200, "another reader behind the proxy")
            // The client a trusted proxy names is the rightmost untrusted address: the left ones prove nothing.
            #expect(try await search("افتتح", as: "198.51.100.1").status == 429)
            // Past the length limit, or no letter at all: answered without the archive and without the budget.
            let long = try await search(String(repeating: "كتاب ", count: 60), as: "198.51.100.1")
            #expect(long.status == 400)
            let punctuation = try await search("؟!… «» ...", as: "198.51.100.3")
            #expect(punctuation.status == 200)
            #expect(String(decoding: punctuation.body, as: UTF8.self).contains("اكتب ما تبحث عنه"))
            #expect(
                try await http.fetch(server.base + "/api/search?q=%D8%A7", headers: ["X-Forwarded-For": "198.51.100.1"])
                    .status == 429
            )
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("reports: a thousand of one image by one reader count once; many images bounded an hour; readers apart")
    func reportFlood() async throws {
        let (server, store) = try await site {
            ReaderSite(
                store: $0,
                reportThreshold: 2,
                reportsPerHour: 10,
                clients: ClientAddresses(trustedProxies: "127.0.0.1/32")
            )
        }
        let article = try #require(try store.latest().first)
        let http = HTTPFetcher(userAgent: "flooder", addressPolicy: local)
        func report(_ id: Int64, as client: String) async throws -> Int {
            try await http.fetch(
                server.base + "/api/images/\(id)/report",
                headers: ["X-Forwarded-For": client],
                method: .emptyPost
            ).status
        }
        do {
            let first = article.images[0].id
            var statuses: [Int: Int] = [:]
            for _ in 0..<1000 { statuses[try await report(first, as: "198.51.100.7"), default: 0] += 1 }
            #expect(statuses == [200: 1000], "the same report again is thanked, and counted once")
            #expect(try store.article(id: article.id)?.images.contains { $0.id == first } == true, "one reader: shown")
            var limited = 0
            for image in article.images.dropFirst().prefix(20)
            where try await report(image.id, as: "198.51.100.7") == 429 {
                limited += 1
            }
            #expect(limited == 11, "ten reports an hour, the first included; the rest refused")
            #expect(try await report(first, as: "198.51.100.8") == 200, "a second reader, told apart behind the proxy")
            #expect(try store.article(id: article.id)?.images.contains { $0.id == first } == false, "hidden at two")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("500 slow clients sending their headers a byte a second do not hold up the others")
    func slowClients() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(4096, limit.rlim_max)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let (server, _) = try await site { ReaderSite(store: $0) }
        let port = UInt16(try #require(URLComponents(string: server.base)?.port))
        let slow = SlowClients(port: port, count: 500)
        let sending = Task.detached { slow.trickle(seconds: 4) }
        let http = HTTPFetcher(userAgent: "reader", addressPolicy: local)
        do {
            try await Task.sleep(for: .milliseconds(500))
            #expect(slow.connected >= 400, "most slow clients are connected (\(slow.connected))")
            for path in ["/", "/search?q=%D9%83%D8%AA%D8%A7%D8%A8", "/sources", "/feed.xml"] {
                for _ in 0..<10 {
                    let started = Date()
                    let response = try await http.fetch(server.base + path)
                    #expect(response.status == 200)
                    #expect(Date().timeIntervalSince(started) < 5, "\(path) answered while the slow ones wait")
                }
            }
            // Oversized requests are refused with a 4xx or the connection closed, never a crash.
            let huge = try? await http.fetch(
                server.base + "/",
                headers: ["X-Padding": String(repeating: "a", count: 200_000)]
            )
            #expect(huge.map { (400..<500).contains($0.status) } ?? true)
            #expect(try await http.fetch(server.base + "/").status == 200, "still serving")
        } catch {
            await sending.value
            await server.stop()
            throw error
        }
        await sending.value
        await server.stop()
    }
}

/// Clients that open connections and send a request's headers one byte a second.
final class SlowClients: Sendable {
    let sockets: [Int32]
    let connected: Int

    init(port: UInt16, count: Int) {
        var opened: [Int32] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { break }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if result == 0 { opened.append(fd) } else { close(fd) }
        }
        sockets = opened
        connected = opened.count
    }

    /// Sends «GET / HTTP/1.1\r\nX-Slow: …» a byte a second on every connection for `seconds`, then closes them.
    func trickle(seconds: Int) {
        let request = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa".utf8)
        for second in 0..<seconds {
            for fd in sockets {
                var byte = request[second % request.count]
                _ = send(fd, &byte, 1, Int32(MSG_NOSIGNAL))
            }
            sleep(1)
        }
        for fd in sockets { close(fd) }
    }
}
