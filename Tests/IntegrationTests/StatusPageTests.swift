import Foundation
import Hummingbird
import NashraAMQP
import NashraHTTP
import NashraOperations
import NashraRuntime
import ReaderWeb
import Store
import TestSupport
import Testing

extension BrokerTests {
    @Suite("Queue depth for operators") struct StatusPageTests {
        @Test("nashra status's figures on the operations /status page; the public /status shows the store only")
        func statusPage() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("status"), retryDelayMilliseconds: 500)
            let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
            try await publisher.publish(
                (0..<3).map { _ in OutgoingMessage(routingKey: topology.queue(.pages), body: Data("{}".utf8)) }
                    + [OutgoingMessage(routingKey: topology.deadQueue(.articles), body: Data("x".utf8))]
            )
            publisher.shutdown()
            let inspector = QueueInspector(
                topology: topology,
                amqpURL: url,
                managementURL: TestEnvironment.environment["NASHRA_TEST_MANAGEMENT_URL"] ?? "http://127.0.0.1:1"
            )

            let counted = await TestEnvironment.waitUntil(timeout: 20) {
                let queues = await inspector.inspect().queues
                return queues.first { $0.name == topology.queue(.pages) }?.ready == 3
                    && queues.first { $0.name == topology.queue(.articles) }?.deadLetters == 1
            }
            #expect(counted, "3 ready in pages, 1 dead letter for articles")

            let router = Router()
            OperationsStatusPage.addRoute(to: router, inspection: CachedQueueInspection(inspector))
            let server = try await TestHTTPServer.start(router: router)
            let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
            // The management API samples queue statistics every few seconds, so the page can lag behind the figures
            // above (which may have come from the AMQP fallback): poll it until the sample catches up.
            var response = try await http.fetch(server.base + "/status")
            var page = String(decoding: response.body, as: UTF8.self)
            let expectedRow = "<td>\(topology.queue(.pages))</td><td>3</td>"
            _ = try await TestEnvironment.waitUntil(timeout: 30) {
                response = try await http.fetch(server.base + "/status")
                page = String(decoding: response.body, as: UTF8.self)
                return page.contains(expectedRow) && page.contains("<td class=\"bad\">1</td>")
            }
            await server.stop()
            #expect(response.status == 200)
            #expect(response.headers["refresh"] == "10")
            #expect(page.contains(expectedRow))
            #expect(page.contains("<td class=\"bad\">1</td>"), "dead letters stand out")

            // The public site's /status needs no broker: what the store holds and how fresh it is.
            let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
            let site = Router(context: ReaderContext.self)
            ReaderSite(store: SQLiteArchive(store)).addRoutes(to: site)
            let reader = try await TestHTTPServer.start(router: site)
            let archive = try await http.fetch(reader.base + "/status")
            await reader.stop()
            let archivePage = String(decoding: archive.body, as: UTF8.self)
            #expect(archive.status == 200 && archivePage.contains("الأخبار المخزنة: 0"))
            #expect(!archivePage.contains(topology.queue(.pages)), "no queue figures on the public site")
        }

        @Test("a fresh broker answers with no queue yet; refused management credentials are said, not 'unreachable'")
        func freshBrokerAndRefusedCredentials() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("fresh"))
            let management = TestEnvironment.environment["NASHRA_TEST_MANAGEMENT_URL"] ?? "http://127.0.0.1:1"
            let fresh = await QueueInspector(topology: topology, amqpURL: url, managementURL: management).inspect()
            #expect(fresh.brokerReached, "the broker answered: \(fresh.source)")
            #expect(fresh.queues.allSatisfy { $0.ready == nil }, "no service has declared \(topology.prefix).*")
            let gone = try AMQPURL("amqp://guest:guest@127.0.0.1:1/")
            let away = await QueueInspector(topology: topology, amqpURL: gone, managementURL: "http://127.0.0.1:1")
                .inspect()
            #expect(!away.brokerReached && away.source.contains("unreachable"))
            if var parts = URLComponents(string: management), parts.user != nil {
                parts.password = "wrong"
                let refused = await QueueInspector(
                    topology: topology,
                    amqpURL: url,
                    managementURL: try #require(parts.string)
                ).inspect()
                #expect(refused.source.contains("401") && refused.source.contains("refused"), "\(refused.source)")
            }
        }
    }
}
