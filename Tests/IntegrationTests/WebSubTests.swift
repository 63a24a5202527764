import DemoSite
import FetchFrontier
import Fetcher
import Foundation
import Hummingbird
import NashraAMQP
import NashraHTTP
import NashraMessages
import NashraRuntime
import Store
import TestSupport
import Testing

extension BrokerTests {
    /// WebSub against the demo publisher's hub (`DemoHub`, written to the specification): subscription and
    /// verification, a delivery signed with the subscriber's secret turned into stored articles, a bad signature
    /// refused, leases renewed before they end and no delivery after one ends.
    @Suite("WebSub: news pushed by the publisher's hub") struct WebSubTests {
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))

        /// The demo's feeds name its hub. The frontier polls them (an hour apart here), subscribes, answers the
        /// hub's verification; when the late article is published the hub pushes the Atom feed, and the article
        /// goes through every stage to the store without another poll.
        @Test func pushedArticleGoesEndToEnd() async throws {
            let directory = try TestEnvironment.temporaryDirectory()
            let archive = SQLiteArchive(try ArticleStore(path: directory + "/nashra.sqlite"))
            let demo = DemoSite(directory: TestEnvironment.repositoryRoot + "/deploy/demo/site", lateDelay: 1)
            let pipeline = try await DemoPipeline(
                archive: archive,
                prefix: "websub",
                directory: directory,
                demo: demo,
                websub: true
            )
            do {
                #expect(await TestEnvironment.waitUntil(timeout: 90) { (try? await archive.count()) ?? 0 >= 7 })
                #expect(
                    await TestEnvironment.waitUntil(timeout: 60) {
                        (try? pipeline.state.subscriptions().filter { $0.state == .active }.count) == 2
                    },
                    "both feeds subscribed: the Atom feed names its hub, the RSS feed's Link header does"
                )
                #expect(
                    await TestEnvironment.waitUntil(timeout: 90) { (try? await archive.count()) == 8 },
                    "the late article arrives by push"
                )
                let late = try await archive.list(ArticleQuery(limit: 20)).first { $0.url.contains("late-metro") }
                #expect(late?.title == "افتتاح محطة جديدة للخط الثالث لمترو الأنفاق أمام الركاب")
                #expect(demo.hub.delivered.contains { $0.status == 202 && $0.topic.hasSuffix("/madina/atom.xml") })
                #expect(try pipeline.state.pushedFeeds(at: Date()).count == 2, "polled four times more slowly now")

                // A forged or unsigned delivery is refused and queues nothing; an unknown callback is not found.
                let subscription = try #require(try pipeline.state.subscriptions().first { $0.state == .active })
                let callback = try #require(pipeline.frontier.callbackServer?.base) + "/websub/"
                let forged = Data(
                    "<rss version=\"2.0\"><channel><item><link>https://evil.example/x</link></item></channel></rss>"
                        .utf8
                )
                for signature in ["sha256=" + String(repeating: "0", count: 64), nil] {
                    let response = try await http.fetch(
                        callback + subscription.callbackID,
                        headers: signature.map { ["X-Hub-Signature": $0] } ?? [:],
                        method: .post(body: forged, contentType: "application/rss+xml")
                    )
                    #expect(response.status == 403)
                }
                let signedWithAnother = "sha256=" + DemoHub.signature(forged, secret: "not the secret")
                #expect(
                    try await http.fetch(
                        callback + subscription.callbackID,
                        headers: ["X-Hub-Signature": signedWithAnother],
                        method: .post(body: forged, contentType: "application/rss+xml")
                    ).status == 403
                )
                #expect(
                    try await http.fetch(callback + "nobody", method: .post(body: forged, contentType: "text/xml"))
                        .status == 404
                )
                // A verification for a topic the frontier never asked about is not confirmed.
                let stray = try await http.fetch(
                    callback + subscription.callbackID
                        + "?hub.mode=subscribe&hub.topic=https%3A%2F%2Fevil.example%2F&hub.challenge=abc"
                )
                #expect(stray.status == 404)
                try await Task.sleep(for: .seconds(1))
                #expect(try await archive.count() == 8, "nothing from the refused deliveries")
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }

        /// A hub that grants two-second leases: the subscriber renews before each ends, and once it stops renewing
        /// the hub delivers nothing after the lease.
        @Test func leasesAreRenewedAndExpire() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("lease"))
            let demo = DemoSite(directory: TestEnvironment.repositoryRoot + "/deploy/demo/site", maximumLease: 2)
            let site = try await TestHTTPServer.demoSite(demo)
            let state = try FrontierState(directory: try TestEnvironment.temporaryDirectory())
            let callback = WebSubCallback(
                state: state,
                catalog: SourceCatalog(sources: []),
                topology: topology,
                publisher: AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger),
                logger: TestEnvironment.logger
            )
            let router = Router()
            callback.addRoutes(to: router)
            let server = try await TestHTTPServer.start(router: router)
            let subscriber = WebSubSubscriber(
                state: state,
                settings: WebSubSettings(callbackBase: server.base, lease: 3600, renewBefore: 3600, minimumGap: 1),
                http: http,
                logger: TestEnvironment.logger,
                interval: 0.2
            )
            let topic = site.base + "/madina/atom.xml"
            try state.want(feed: topic, sourceID: "demo-madina", hub: site.base + "/hub", topic: topic)
            let running = Task { try await subscriber.run() }
            func stop() async {
                running.cancel()
                await server.stop()
                await site.stop()
            }
            do {
                #expect(await TestEnvironment.waitUntil(timeout: 30) { !demo.hub.current.isEmpty })
                let first = try #require(demo.hub.current.first?.expiresAt)
                #expect(first.timeIntervalSinceNow <= 2.5, "the hub granted two seconds, not the hour asked")
                #expect(
                    await TestEnvironment.waitUntil(timeout: 30) {
                        (demo.hub.current.first?.expiresAt ?? first) > first
                    },
                    "renewed before it ended"
                )
                running.cancel()
                let last = try #require(demo.hub.current.first?.expiresAt)
                try await Task.sleep(for: .seconds(max(0.1, last.timeIntervalSinceNow + 0.5)))
                let made = await demo.hub.publish(
                    topic: topic,
                    content: Data("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>".utf8),
                    contentType: "application/atom+xml",
                    hub: site.base + "/hub"
                )
                #expect(made.isEmpty, "no delivery after the lease")
            } catch {
                await stop()
                throw error
            }
            await stop()
        }
    }
}
