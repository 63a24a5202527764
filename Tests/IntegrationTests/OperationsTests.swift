import Foundation
import NashraAMQP
import NashraHTTP
import NashraMessages
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
                let queues = await inspector.inspect().queues
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
            // Rates are 30-second averages: right after the consumer starts they are below its real ~20/s.
            #expect((pages.ratePerInstance ?? 0) > 0 && (pages.ratePerInstance ?? 0) < 40, "\(pages)")
        }

        /// The whole pipeline as its executables (frontier, fetch worker, parser, classifier, store writer) over
        /// the offline demo publisher: once the demo articles are stored, every metric that the Grafana dashboards
        /// and the alert rules name is one that a service or RabbitMQ (the families Prometheus scrapes) exports.
        @Test(
            .enabled(
                if: TestEnvironment.binDirectory != nil
                    && TestEnvironment.environment["NASHRA_TEST_RABBITMQ_METRICS_URL"] != nil,
                "needs NASHRA_BIN_DIR and RabbitMQ's Prometheus endpoint (deploy/test.sh)"
            )
        )
        func everyMetricOfTheDashboardsAndAlertsIsExported() async throws {
            let bin = try #require(TestEnvironment.binDirectory)
            let root = TestEnvironment.repositoryRoot
            let site = try await TestHTTPServer.demoSite()
            let directory = try TestEnvironment.temporaryDirectory()
            let sources = directory + "/sources.yml"
            try String(contentsOfFile: root + "/deploy/demo/sources.yml", encoding: .utf8)
                .replacingOccurrences(of: "http://127.0.0.1:8701", with: site.base)
                .write(toFile: sources, atomically: true, encoding: .utf8)
            let prefix = TestEnvironment.uniquePrefix("metrics")
            let environment = [
                "NASHRA_AMQP_URL": TestEnvironment.environment["NASHRA_TEST_AMQP_URL"] ?? "",
                "NASHRA_QUEUE_PREFIX": prefix, "NASHRA_DB": directory + "/nashra.sqlite",
                "NASHRA_STATE_DIR": directory + "/state", "NASHRA_SOURCES": sources,
                "NASHRA_FETCH_ALLOW_PRIVATE": "127.0.0.1/32", "NASHRA_HOST_DELAY_MS": "50",
                "NASHRA_LOG_LEVEL": "warning",
            ]
            var services: [(name: String, port: Int, process: ChildProcess)] = []
            for (name, executable, arguments) in [
                ("frontier", "nashra-fetcher", ["frontier"]), ("fetcher", "nashra-fetcher", ["worker"]),
                ("parser", "nashra-parser", []), ("classifier", "nashra-classifier", []), ("store", "nashra-store", []),
            ] {
                let port = try TestEnvironment.freePort()
                let process = try ChildProcess.spawn(
                    bin + "/" + executable,
                    arguments + ["--http-port", String(port)],
                    environment: environment
                )
                services.append((name, port, process))
            }
            let store = try ArticleStore(path: directory + "/nashra.sqlite")
            let stored = await TestEnvironment.waitUntil(timeout: 90) { (try? store.count()) == 7 }

            let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
            var exported: Set<String> = ["up"]  // Prometheus's own, for every target
            func names(in scrape: String) -> [String] {
                scrape.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
                    line.split(whereSeparator: { $0 == "{" || $0 == " " }).first.map(String.init)
                }
            }
            for service in services {
                let body = try await http.fetch("http://127.0.0.1:\(service.port)/metrics").body
                exported.formUnion(names(in: String(decoding: body, as: UTF8.self)))
            }
            // RabbitMQ: the families that deploy/prometheus/prometheus.yml asks for.
            let config = try String(contentsOfFile: root + "/deploy/prometheus/prometheus.yml", encoding: .utf8)
            let families = try #require(config.firstMatch(of: /family: \[([a-z_, ]+)\]/)).1
                .split(separator: ",").map { "family=" + $0.trimmingCharacters(in: .whitespaces) }
            let rabbit = try #require(TestEnvironment.environment["NASHRA_TEST_RABBITMQ_METRICS_URL"])
            let detailed = try await http.fetch(rabbit + "/metrics/detailed?" + families.joined(separator: "&")).body
            exported.formUnion(names(in: String(decoding: detailed, as: UTF8.self)))
            for service in services { service.process.signal(SIGTERM) }
            for service in services { _ = await service.process.wait() }
            await site.stop()
            #expect(stored, "the 7 demo articles went through the executables")

            // Every metric named by an expression of the dashboards or the alert rules.
            var expressions: [String] = []
            let dashboards = root + "/deploy/grafana/dashboards"
            for file in try FileManager.default.contentsOfDirectory(atPath: dashboards) where file.hasSuffix(".json") {
                let json = try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: dashboards + "/" + file))
                )
                for panel in (json as? [String: Any])?["panels"] as? [[String: Any]] ?? [] {
                    for target in panel["targets"] as? [[String: Any]] ?? [] {
                        expressions.append(target["expr"] as? String ?? "")
                    }
                }
            }
            expressions.append(try String(contentsOfFile: root + "/deploy/prometheus/alerts.yml", encoding: .utf8))
            var named = Set<String>()
            for expression in expressions {
                for match in expression.matches(of: /\b(?:nashra|rabbitmq)_[a-z_]+|\bup\{/) {
                    named.insert(String(match.output).replacingOccurrences(of: "{", with: ""))
                }
            }
            #expect(named.count >= 12, "the dashboards and alerts name \(named.count) metrics")
            #expect(named.contains("nashra_article_freshness_seconds_bucket"))
            let missing = named.subtracting(exported).sorted()
            #expect(missing.isEmpty, "named but exported by nothing: \(missing)")
        }
    }
}
