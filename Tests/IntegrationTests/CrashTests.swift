import Foundation
import GRDB
import NashraAMQP
import NashraHTTP
import NashraMessages
import NashraRuntime
import Store
import TestSupport
import Testing

extension BrokerTests {
    @Suite("Killed processes and a restarted broker") struct CrashTests {
        func classified(_ n: Int) -> ClassifiedArticle {
            let article = Article(
                url: "https://example.com/akhbar/\(n)",
                sourceID: "test",
                sourceName: "مصدر تجريبي",
                title: "خبر رقم \(n): الحكومة تعلن خطة جديدة",
                published: Date(timeIntervalSince1970: 1_700_000_000),
                paragraphs: ["أعلنت الحكومة اليوم خطة جديدة للاستثمار.", "وقال الوزير إن الخطة تبدأ الشهر المقبل."]
            )
            return ClassifiedArticle(
                article: article,
                topic: "politics",
                confidence: 0.9,
                uncertain: false,
                signature: [1, 2]
            )
        }

        func messages(_ range: Range<Int>, topology: Topology) throws -> [OutgoingMessage] {
            try range.map { n in
                let message = classified(n)
                return OutgoingMessage(
                    routingKey: topology.queue(.classified),
                    body: try MessageCodec.encode(message),
                    messageID: message.messageID
                )
            }
        }

        func launchStore(_ binary: String, prefix: String, database: String, port: Int = 0) throws -> ChildProcess {
            // Settings as environment variables, and the port as a flag (both paths of the one reader).
            try ChildProcess.spawn(
                binary,
                ["--http-port", String(port)],
                environment: [
                    "NASHRA_AMQP_URL": TestEnvironment.environment["NASHRA_TEST_AMQP_URL"] ?? "",
                    "NASHRA_QUEUE_PREFIX": prefix, "NASHRA_DB": database,
                    "NASHRA_RETRY_DELAY_MS": "200", "NASHRA_PREFETCH": "50", "NASHRA_LOG_LEVEL": "warning",
                ]
            )
        }

        /// SIGKILL the store writer mid-stream: after a restart every article is stored exactly once.
        @Test(.enabled(if: TestEnvironment.binDirectory != nil, "needs NASHRA_BIN_DIR (deploy/test.sh sets it)"))
        func killingTheStoreMidBatchLosesNothingAndDuplicatesNothing() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let binary = try #require(TestEnvironment.binDirectory) + "/nashra-store"
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("kill"), retryDelayMilliseconds: 200)
            let database = try TestEnvironment.temporaryDirectory() + "/nashra.sqlite"
            let total = 3000
            let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
            defer { publisher.shutdown() }
            for start in stride(from: 0, to: total, by: 500) {
                try await publisher.publish(try messages(start..<(start + 500), topology: topology))
            }
            let store = try ArticleStore(path: database)

            let first = try launchStore(binary, prefix: topology.prefix, database: database)
            let started = await TestEnvironment.waitUntil(timeout: 60) { (try? store.count()) ?? 0 >= 200 }
            first.signal(SIGKILL)
            _ = await first.wait()
            let atKill = try store.count()
            #expect(started)
            #expect(atKill < total, "the writer was killed mid-stream (stored \(atKill) of \(total))")

            // Redelivery after the crash, plus the same articles published again: still one row each.
            try await publisher.publish(try messages(0..<300, topology: topology))
            let port = try TestEnvironment.freePort()
            let second = try launchStore(binary, prefix: topology.prefix, database: database, port: port)
            // The service's operations endpoints (the stage may store batches before its HTTP server listens).
            let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
            await TestEnvironment.waitUntil(timeout: 20) {
                (try? await http.fetch("http://127.0.0.1:\(port)/health"))?.status == 200
            }
            let health = try await http.fetch("http://127.0.0.1:\(port)/health")
            #expect(health.status == 200)
            #expect(String(decoding: health.body, as: UTF8.self).contains("\"status\":\"ok\""))
            let metrics = String(decoding: try await http.fetch("http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
            #expect(metrics.contains("nashra_stage_messages_total{stage=\"store\",outcome=\"done\"}"))
            let complete = await TestEnvironment.waitUntil(timeout: 90) {
                (try? store.count()) == total && (try? QueueProbe(url: url).depth(topology.queue(.classified))) == 0
                    && (try? QueueProbe(url: url).depth(topology.retryQueue(.classified))) == 0
            }
            second.signal(SIGTERM)  // graceful
            let exitStatus = await second.wait()
            let finalCount = try store.count()
            #expect(complete, "all \(total) articles stored after the restart (have \(finalCount))")
            #expect(exitStatus == 0, "SIGTERM is a clean shutdown")
            let distinct = try store.read { db in
                try Int.fetchOne(db, sql: "SELECT count(DISTINCT url) FROM articles") ?? 0
            }
            #expect(try store.count() == distinct)
            #expect(try QueueProbe(url: url).depth(topology.deadQueue(.classified)) == 0)
        }

        /// The broker restarts under a running stage: publisher and consumer reconnect, persistent messages
        /// survive, and the stage carries on.
        @Test(.enabled(if: TestEnvironment.brokerControl != nil, "needs NASHRA_TEST_BROKER_CTL (deploy/test.sh)"))
        func aBrokerRestartIsSurvived() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let control = try #require(TestEnvironment.brokerControl)
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("restart"), retryDelayMilliseconds: 200)
            let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
            defer { publisher.shutdown() }
            let relay = RelayStage()
            let stage = RunningStage(relay, settings: .init(url: url, topology: topology, prefetch: 20))
            let probe = QueueProbe(url: url)

            try await publisher.publish(try articleMessages(0..<50, topology: topology))
            #expect(
                await TestEnvironment.waitUntil(timeout: 20) { (try? probe.depth(topology.queue(.classified))) == 50 }
            )

            #expect(try await ChildProcess.run(control, ["restart"]) == 0)

            // The same publisher reconnects by itself; the stage's consumer too.
            try await publisher.publish(try articleMessages(50..<100, topology: topology))
            let all = await TestEnvironment.waitUntil(timeout: 60) {
                (try? probe.depth(topology.queue(.classified))) == 100
            }
            #expect(all, "50 outputs from before the restart survived and 50 more were relayed after it")
            #expect(stage.runner.isConnected)
            await stage.stop()
        }

        func articleMessages(_ range: Range<Int>, topology: Topology) throws -> [OutgoingMessage] {
            try range.map { n in
                let article = classified(n).article
                return OutgoingMessage(
                    routingKey: topology.queue(.articles),
                    body: try MessageCodec.encode(article),
                    messageID: article.messageID
                )
            }
        }
    }
}

/// Passes articles on to the classified queue unchanged (a stage whose only job is the hop).
struct RelayStage: StageProcessor {
    let name = "relay"
    let input = Topology.Stage.articles

    func process(_ batch: [Article]) async -> [StageOutcome] {
        batch.map { .done([.send($0, to: .classified)]) }
    }
}
