import Classifier
import FetchFrontier
import Fetcher
import Foundation
import NashraAMQP
import NashraHTTP
import NashraModel
import NashraRuntime
import Parser
import Store
import TestSupport
import Testing

extension BrokerTests {
    @Suite("The whole pipeline") struct PipelineTests {
        /// A page travels fetcher → parser → classifier → store over the real broker and lands in SQLite.
        @Test func demoArticlesGoThroughAllFourStagesIntoSQLite() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let site = try await TestHTTPServer.demoSite()
            let directory = try TestEnvironment.temporaryDirectory()
            let yaml = try String(
                contentsOfFile: TestEnvironment.repositoryRoot + "/deploy/demo/sources.yml",
                encoding: .utf8
            ).replacingOccurrences(of: "http://127.0.0.1:8701", with: site.base)
            let catalog = try SourceCatalog.parse(yaml)
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("pipeline"), retryDelayMilliseconds: 500)
            let settings = StageRunner.Settings(url: url, topology: topology, prefetch: 50)
            let logger = TestEnvironment.logger

            let state = try FrontierState(directory: directory + "/state")
            let store = try ArticleStore(path: directory + "/nashra.sqlite")
            let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
            let policy = FrontierPolicy(hostDelay: 0.05, retryBase: 0.5)
            let frontier = try RunningFrontier(state: state, catalog: catalog, policy: policy, settings: settings)
            let stages = [
                RunningStage(FetchWorker(http: http), settings: settings),
                RunningStage(ParserStage(), settings: settings),
                RunningStage(try ClassifierStage(), settings: settings),
                RunningStage(StoreStage(store: SQLiteArchive(store), logger: logger), settings: settings),
            ]

            let arrived = await TestEnvironment.waitUntil(timeout: 60) { (try? store.count()) == 7 }
            await frontier.stop()
            for stage in stages { await stage.stop() }
            await site.stop()
            let storedCount = try store.count()
            #expect(arrived, "7 demo articles should be stored, found \(storedCount)")

            let articles = try store.latest(limit: 10)
            let sport = try #require(articles.first { $0.title.contains("الأهلي") })
            #expect(sport.title == "الأهلي يتصدر الدوري بعد فوز صعب على الإسماعيلي")
            #expect(sport.topic == "sport")
            #expect(sport.sourceName == "أخبار القاهرة")
            #expect(sport.paragraphs.count == 4)
            #expect(!sport.paragraphs.joined().contains("جميع الحقوق محفوظة"), "footer must not leak into the body")
            // The windows-1256 page decodes to the right Arabic.
            let tech = try #require(articles.first { $0.url.contains("tech-ai") })
            #expect(tech.title == "إطلاق منصة رقمية عربية للذكاء الاصطناعي في التعليم")
            #expect(!tech.url.contains("utm_"), "tracking parameters are stripped from canonical URLs")
            #expect(tech.topic == "technology")
            let vaccine = try #require(articles.first { $0.url.contains("health-vaccine") })
            #expect(vaccine.topic == "health", "the vaccination campaign is in the health section")
            // Every feed item was sent once: polling the feeds again adds no fetch job.
            #expect(try state.seenCount() == 7)
            let probe = QueueProbe(url: url)
            for stage in Topology.Stage.allCases {
                #expect(try probe.depth(topology.deadQueue(stage)) == 0, "nothing dead-lettered in \(stage)")
            }
        }
    }
}
