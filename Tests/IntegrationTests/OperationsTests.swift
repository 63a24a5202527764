import Foundation
import NashraAMQP
import NashraHTTP
import NashraModel
import NashraOperations
import NashraRuntime
import Store
import TestSupport
import Testing

extension BrokerTests {
    @Suite("Operations: freshness and scaling advice") struct OperationsTests {
        /// The real store writer fills `nashra_article_freshness_seconds` (publication → stored, discovery →
        /// stored) for a new article, and the database answers the same figure for `nashra status`.
        @Test(.enabled(if: TestEnvironment.binDirectory != nil, "needs NASHRA_BIN_DIR (deploy/test.sh sets it)"))
        func freshnessHistogramIsFilledByAStoredArticle() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let binary = try #require(TestEnvironment.binDirectory) + "/nashra-store"
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("fresh"), retryDelayMilliseconds: 200)
            let database = try TestEnvironment.temporaryDirectory() + "/nashra.sqlite"
            var article = Article(
                url: "https://www.youm7.com/story/2026/12/2/خبر-طازج",
                sourceID: "youm7",
                sourceName: "اليوم السابع",
                title: "الحكومة تُعلن خطة جديدة للإسكان في ٢٠٢٧",
                published: Date().addingTimeInterval(-1_500),
                paragraphs: ["أعلنت الحكومة اليوم خطة جديدة للإسكان.", "وقال الوزير إن التنفيذ يبدأ الشهر المقبل."]
            )
            article.discoveredAt = Date().addingTimeInterval(-45)
            let message = ClassifiedArticle(
                article: article,
                topic: "economy",
                confidence: 0.9,
                uncertain: false,
                signature: [1, 2, 3]
            )
            let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
            defer { publisher.shutdown() }
            try await publisher.publish([
                OutgoingMessage(
                    routingKey: topology.queue(.classified),
                    body: try MessageCodec.encode(message),
                    messageID: message.messageID
                )
            ])
            let port = try TestEnvironment.freePort()
            let store = try ChildProcess.spawn(
                binary,
                ["--http-port", String(port)],
                environment: [
                    "NASHRA_AMQP_URL": TestEnvironment.environment["NASHRA_TEST_AMQP_URL"] ?? "",
                    "NASHRA_QUEUE_PREFIX": topology.prefix, "NASHRA_DB": database, "NASHRA_LOG_LEVEL": "warning",
                ]
            )
            let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
            var metrics = ""
            let filled = await TestEnvironment.waitUntil(timeout: 60) {
                guard let response = try? await http.fetch("http://127.0.0.1:\(port)/metrics") else { return false }
                metrics = String(decoding: response.body, as: UTF8.self)
                return metrics.contains(#"nashra_article_freshness_seconds_count{since="discovered"} 1"#)
            }
            store.signal(SIGTERM)
            _ = await store.wait()
            #expect(filled, "the histogram counts the stored article:\n\(metrics)")
            // 1,500 s after publication lands in the 1,800 s bucket and not below; 45 s after discovery in 60 s.
            #expect(metrics.contains(#"nashra_article_freshness_seconds_bucket{since="published",le="1200.0"} 0"#))
            #expect(metrics.contains(#"nashra_article_freshness_seconds_bucket{since="published",le="1800.0"} 1"#))
            #expect(metrics.contains(#"nashra_article_freshness_seconds_bucket{since="discovered",le="30.0"} 0"#))
            #expect(metrics.contains(#"nashra_article_freshness_seconds_bucket{since="discovered",le="60.0"} 1"#))

            let freshness = try ArticleStore(path: database).freshness()
            #expect(freshness.sincePublished.count == 1)
            #expect((1_490...1_600).contains(freshness.sincePublished.p50 ?? 0))
            #expect((40...120).contains(freshness.sinceDiscovered.p95 ?? 0))
        }

        /// A backlog made on a real broker: work arrives faster than one slow consumer acknowledges it, and the
        /// advice read from the management API is to scale that stage out, to more instances than it has.
        @Test(
            .enabled(
                if: TestEnvironment.environment["NASHRA_TEST_MANAGEMENT_URL"] != nil,
                "needs the management API (deploy/test.sh)"
            )
        )
        func scalingAdviceForAGrowingBacklog() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("scale"), retryDelayMilliseconds: 500)
            let inspector = QueueInspector(
                topology: topology,
                amqpURL: url,
                managementURL: try #require(TestEnvironment.environment["NASHRA_TEST_MANAGEMENT_URL"])
            )
            let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
            defer { publisher.shutdown() }
            // One consumer that acknowledges about 20 messages a second.
            let consumer = AMQPConsumer(
                url: url,
                queue: topology.queue(.pages),
                prefetch: 1,
                maxBatch: 1,
                topology: topology,
                logger: TestEnvironment.logger
            )
            consumer.start()
            let slow = Task {
                while let batch = await consumer.next() {
                    try? await Task.sleep(for: .milliseconds(50))
                    consumer.ack(batch)
                }
            }
            // Work arrives at about 100 messages a second, for up to 40 s, until the advice says to scale out.
            var advice: ScalingAdvisor.Advice?
            let deadline = Date().addingTimeInterval(40)
            while Date() < deadline {
                try await publisher.publish(
                    (0..<20).map { _ in OutgoingMessage(routingKey: topology.queue(.pages), body: Data("{}".utf8)) }
                )
                try await Task.sleep(for: .milliseconds(200))
                let (_, queues) = await inspector.inspect()
                advice = ScalingAdvisor.advise(queues, topology: topology, drainTarget: 60).first {
                    $0.stage == "pages"
                }
                if advice?.action == .scaleOut { break }
            }
            slow.cancel()
            await consumer.close()
            let pages = try #require(advice)
            #expect(pages.action == .scaleOut, "advice: \(pages)")
            #expect((pages.instances ?? 0) >= 2, "more instances than the one consumer: \(pages)")
            #expect(pages.service == "nashra-parser")
            #expect(pages.consumers == 1)
            #expect((pages.ratePerInstance ?? 0) > 5 && (pages.ratePerInstance ?? 0) < 40, "\(pages)")
        }
    }
}
