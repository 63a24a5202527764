import Classifier
import FetchFrontier
import Fetcher
import Foundation
import NashraAMQP
import NashraHTTP
import NashraMessages
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
            let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
            let pipeline = try await DemoPipeline(
                archive: SQLiteArchive(store),
                prefix: "pipeline",
                directory: try TestEnvironment.temporaryDirectory()
            )
            let (state, topology) = (pipeline.state, pipeline.topology)

            let arrived = await TestEnvironment.waitUntil(timeout: 60) { (try? store.count()) == 7 }
            await pipeline.stop()
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
