import Classifier
import Foundation
import NashraAMQP
import NashraMessages
import NashraRuntime
import PostgresNIO
import Store
import TestSupport
import Testing

extension BrokerTests {
    /// More than one store writer on one queue, as PostgreSQL allows: over the real broker, with each writer its
    /// own archive (its own connection pool), as two processes would be.
    @Suite(
        "Two store writers on PostgreSQL",
        .enabled(if: PostgresTestServer.available, "NASHRA_TEST_POSTGRES_URL is not set (deploy/test.sh starts one)")
    )
    struct PostgresStoreTests {
        static let words = """
            الحكومة الوزير البرلمان الاقتصاد الموازنة الاستثمار المصانع الصادرات الزراعة القمح المياه النيل السد الكهرباء \
            الطاقة الشمسية الرياح النفط الغاز الأسعار التضخم البنك المركزي الفائدة الجنيه الدولار البورصة الأسهم الشركات \
            التعليم الجامعات المدارس الطلاب الامتحانات المعلمين الصحة المستشفيات الأطباء الدواء اللقاح المرضى الطرق \
            الجسور القطارات المترو المطار الموانئ السياحة الآثار المتحف الأهرامات الفنادق الزوار الثقافة المسرح السينما \
            الكتاب المعرض الشعر الرواية الرياضة الدوري المنتخب الملعب المدرب اللاعبين البطولة الكأس الأمن الشرطة المحكمة \
            القضاء الانتخابات المحافظ القرية المدينة الأسواق التجار الصيادين البحر الصحراء المطر الحرارة المناخ البيئة \
            التكنولوجيا الإنترنت الهواتف البرمجيات الفضاء القمر الصناعي العلماء البحث المختبر الاتفاقية القمة السفير
            """.split(separator: " ").map(String.init)

        /// Story `k` as told by outlet `outlet` (0 or 1): the same wire text, the second outlet adding a line.
        static func article(story k: Int, outlet: Int) -> Article {
            var state = UInt64(k) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            func next() -> String {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return words[Int(state >> 33) % words.count]
            }
            let paragraphs = (0..<3).map { _ in (0..<16).map { _ in next() }.joined(separator: " ") }
            let outlets = [("youm7", "اليوم السابع"), ("masrawy", "مصراوي")]
            return Article(
                url: "https://www.\(outlets[outlet].0).com/story/\(k)",
                sourceID: outlets[outlet].0,
                sourceName: outlets[outlet].1,
                title: "خبر رقم \(k) " + paragraphs[0].split(separator: " ").prefix(6).joined(separator: " "),
                published: Date(timeIntervalSince1970: 1_764_000_000 + Double(k * 10 + outlet)),
                paragraphs: outlet == 0 ? paragraphs : paragraphs + ["تابعوا \(outlets[outlet].1) لمزيد من الأخبار."]
            )
        }

        @Test("two writers store every article once and put both outlets' copies of each story in one cluster")
        func twoWritersOnOneQueue() async throws {
            let url = try #require(TestEnvironment.amqpURL)
            let database = try await PostgresTestServer.freshDatabase()
            let topology = Topology(prefix: TestEnvironment.uniquePrefix("two-writers"), retryDelayMilliseconds: 300)
            let settings = StageRunner.Settings(url: url, topology: topology, prefetch: 20)
            let writers = [
                try await PostgresArchive(url: database, logger: TestEnvironment.logger),
                try await PostgresArchive(url: database, logger: TestEnvironment.logger),
            ]
            let stages =
                [RunningStage(try ClassifierStage(), settings: settings)]
                + writers.map {
                    RunningStage(StoreStage(store: $0, logger: TestEnvironment.logger), settings: settings)
                }
            let publisher = AMQPPublisher(url: url, topology: topology, logger: TestEnvironment.logger)
            let stories = 300
            // Each story's two copies back to back, so that they often reach different writers at once; then a
            // hundred copies again (redeliveries).
            var articles = (0..<stories).flatMap { k in
                [Self.article(story: k, outlet: 0), Self.article(story: k, outlet: 1)]
            }
            articles += articles.prefix(100)
            for start in stride(from: 0, to: articles.count, by: 50) {
                try await publisher.publish(
                    try articles[start..<min(articles.count, start + 50)].map {
                        OutgoingMessage(
                            routingKey: topology.queue(.articles),
                            body: try MessageCodec.encode($0),
                            messageID: $0.messageID
                        )
                    }
                )
            }
            await publisher.close()
            let reader = writers[0]
            let stored = await TestEnvironment.waitUntil(timeout: 120) {
                let probe = QueueProbe(url: url)
                return (try? await reader.count()) == 2 * stories
                    && (try? probe.depth(topology.queue(.classified))) == 0
            }
            for stage in stages { await stage.stop() }
            let count = try await reader.count()
            #expect(stored, "every article stored (have \(count) of \(2 * stories))")
            let rows = try await reader.storedRows()
            #expect(Set(rows.map(\.url)).count == rows.count, "nothing stored twice")
            var split = 0
            var clusters = Set<String>()
            for k in 0..<stories {
                let first = try await reader.article(id: Self.article(story: k, outlet: 0).id)
                let second = try await reader.article(id: Self.article(story: k, outlet: 1).id)
                if first?.clusterID == nil || first?.clusterID != second?.clusterID { split += 1 }
                clusters.insert(first?.clusterID ?? "")
            }
            #expect(split == 0, "\(split) of \(stories) stories split in two")
            #expect(clusters.count == stories, "no two stories merged")
            let probe = QueueProbe(url: url)
            for stage in Topology.Stage.allCases {
                #expect(try probe.depth(topology.deadQueue(stage)) == 0, "nothing dead-lettered in \(stage)")
            }
            for writer in writers { await writer.close() }
        }
    }
}
