import Foundation
import Hummingbird
import NashraAMQP
import NashraMessages
import NashraRuntime
import TestSupport
import Testing

@Suite("Messages, configuration and AMQP pieces") struct ModelTests {
    @Test func messagesRoundTripWithStableIDs() throws {
        let article = Article(
            url: "https://www.youm7.com/story/2025/11/23/1",
            sourceID: "youm7",
            sourceName: "اليوم السابع",
            title: "عنوان الخبر",
            published: Date(timeIntervalSince1970: 1_763_885_700),
            paragraphs: ["فقرة أولى."],
            fetchedAt: Date(timeIntervalSince1970: 1_763_890_000)
        )
        let decoded = try MessageCodec.decode(Article.self, from: try MessageCodec.encode(article))
        #expect(decoded == article)
        #expect(decoded.id == StableID.of("https://www.youm7.com/story/2025/11/23/1"))
        #expect(decoded.messageID == "article:" + decoded.id)
        #expect(StableID.of("a") != StableID.of("b"))
        #expect(StableID.of("أ").count == 32)
    }

    @Test func invalidMessagesGetClearReasons() {
        func reason(_ text: String) -> String {
            do {
                _ = try MessageCodec.decode(Article.self, from: Data(text.utf8))
                return "decoded"
            } catch { return "\(error)" }
        }
        #expect(reason("").contains("empty body"))
        #expect(reason("<html>").contains("not a JSON object"))
        #expect(reason(#"{"schema": 2}"#).contains("schema 2"))
        #expect(reason(#"{"schema": 1, "id": "x"}"#).contains("missing key"))
    }

    @Test func amqpURLs() throws {
        let url = try AMQPURL("amqp://nashra:s%40cret@rabbit.internal:5673/news")
        #expect(url.user == "nashra")
        #expect(url.password == "s@cret")
        #expect(url.host == "rabbit.internal")
        #expect(url.port == 5673)
        #expect(url.virtualHost == "news")
        #expect(!url.description.contains("cret"), "passwords are never printed")
        #expect(try AMQPURL("amqp://guest:guest@127.0.0.1:5672/").virtualHost == "/")
        #expect(try AMQPURL("amqp://h/%2f").virtualHost == "/")
        #expect(throws: AMQPError.self) { try AMQPURL("http://x") }
        #expect(throws: AMQPError.self) { try AMQPURL("amqp://h:99999/") }
        // A cluster: its nodes comma-separated, tried in order.
        let cluster = try AMQPURL("amqp://u:s3cret@node1:5672/news, amqp://u:s3cret@node2:5673/news")
        #expect(cluster.endpoints.map(\.host) == ["node1", "node2"])
        #expect(cluster.endpoints.map(\.port) == [5672, 5673])
        #expect(cluster.endpoints.allSatisfy { $0.alternates.isEmpty && $0.virtualHost == "news" })
        #expect(cluster.description == "amqp://u:***@node1:5672/news,amqp://u:***@node2:5673/news")
        #expect(throws: AMQPError.self) { try AMQPURL("amqp://node1/,http://node2/") }
    }

    @Test func configurationFromEnvironmentAndFlags() throws {
        let configuration = try Configuration(
            environment: ["NASHRA_PREFETCH": "20", "NASHRA_QUEUE_PREFIX": "prod", "UNRELATED": "x"],
            arguments: ["worker", "--prefetch", "30", "--http-port=9200"]
        )
        #expect(configuration.positional == ["worker"])
        #expect(try configuration.integer(Setting.prefetch) == 30, "flags override the environment")
        #expect(configuration[Setting.queuePrefix] == "prod")
        #expect(try configuration.httpPort(default: 1) == 9200)
        #expect(configuration[Setting.amqpURL] == "amqp://guest:guest@127.0.0.1:5672/")
        let web = try Configuration(environment: [:], arguments: ["web", "--db", "archive.sqlite", "--port", "8099"])
        #expect(try web.httpPort(default: 8080) == 8099, "--port is --http-port (nashra-store web --db PATH --port N)")
        #expect(web[Setting.database] == "archive.sqlite")
        #expect(try Configuration(environment: [:], arguments: []).double(Setting.topicThreshold) == 0.5)
        #expect(throws: ConfigurationError.self) { try Configuration(environment: [:], arguments: ["--nope", "1"]) }
        #expect(throws: ConfigurationError.self) {
            try Configuration(environment: ["NASHRA_PREFETCH": "many"], arguments: []).integer(Setting.prefetch)
        }
    }

    @Test("docs/configuration.md's table is the settings table (`nashra config --markdown`)")
    func configurationDocumentIsCurrent() throws {
        let document = try String(
            contentsOfFile: TestEnvironment.repositoryRoot + "/docs/configuration.md",
            encoding: .utf8
        )
        let table = document.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("| environment |") }.prefix { $0.hasPrefix("|") }.joined(separator: "\n")
        #expect(table == Configuration.markdownTable(), "regenerate it: nashra config --markdown")
    }

    @Test func topologyNamesEveryQueueWithRetryAndDeadLetter() {
        let topology = Topology(prefix: "nashra")
        #expect(topology.queue(.pages) == "nashra.pages")
        #expect(topology.retryQueue(.pages) == "nashra.pages.retry.5000ms")
        #expect(topology.deadQueue(.pages) == "nashra.pages.dead")
        #expect(topology.allQueues.count == 18)
        #expect(topology.queueType == .classic)
    }

    @Test("NASHRA_QUEUE_TYPE selects quorum queues, whose delivery limit is NASHRA_MAX_ATTEMPTS")
    func queueType() throws {
        let quorum = try Configuration(
            environment: ["NASHRA_QUEUE_TYPE": "quorum", "NASHRA_MAX_ATTEMPTS": "4"],
            arguments: []
        ).topology()
        #expect(quorum.queueType == .quorum)
        #expect(quorum.deliveryLimit == 4)
        #expect(throws: ConfigurationError.self) {
            try Configuration(environment: ["NASHRA_QUEUE_TYPE": "stream"], arguments: []).topology()
        }
    }

    @Test func backoffGrowsWithJitterAndIsCapped() {
        var backoff = Backoff(initial: 0.2, maximum: 10)
        let delays = (0..<12).map { _ in backoff.next() }
        #expect(delays[0] <= 0.2)
        #expect(delays.allSatisfy { $0 <= 10 })
        #expect(delays.last! >= 5)
    }

    struct IdleStage: StageProcessor {
        let name = "idle"
        let input = Topology.Stage.pages
        func process(_ batch: [FetchedPage]) async -> [StageOutcome] { batch.map { _ in .done([]) } }
    }

    @Test("a stage whose /metrics port is taken stops with the error, rather than consuming on and ignoring SIGTERM")
    func portInUse() async throws {
        let blocker = try await TestHTTPServer.start(router: Router())
        let port = try #require(blocker.base.split(separator: ":").last.flatMap { Int($0) })
        let runner = StageRunner(
            processor: IdleStage(),
            settings: .init(url: try AMQPURL("amqp://guest:guest@127.0.0.1:1/"), topology: Topology(prefix: "idle")),
            logger: TestEnvironment.logger
        )
        let configuration = try Configuration(environment: ["NASHRA_HTTP_PORT": "\(port)"], arguments: [])
        let outcome = await withTaskGroup(of: String.self) { group in
            group.addTask {
                do {
                    try await runner.serve(
                        name: "idle",
                        configuration: configuration,
                        defaultPort: 0,
                        logger: TestEnvironment.logger
                    )
                    return "returned"
                } catch {
                    return "threw"
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return "still running"
            }
            let first = await group.next() ?? "-"
            group.cancelAll()
            return first
        }
        await blocker.stop()
        #expect(outcome == "threw")
    }
}
