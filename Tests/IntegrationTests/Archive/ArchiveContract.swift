import Classifier
import Foundation
import Hummingbird
import NashraHTTP
import NashraMessages
import ReaderWeb
import Store
import TestSupport
import Testing

/// The checks that every `NewsArchive` back end must pass, run by `NewsArchiveContractTests` (SQLite) and
/// `PostgresStoreTests` (PostgreSQL) on a fresh database each: writes and reads, Arabic search, story clusters,
/// image reports, retention and freshness, and the reader site over real HTTP.
struct ArchiveContract {
    let archive: any NewsArchive
    let classifier: ClassifierStage

    init(_ archive: any NewsArchive) throws {
        self.archive = archive
        classifier = try ClassifierStage()
    }

    static let wire = [
        "أعلنت وزارة الصحة المصرية اليوم إطلاق حملة قومية للتطعيم ضد شلل الأطفال تستهدف ١٦ مليون طفل في جميع المحافظات.",
        "وقال المتحدث الرسمي باسم الوزارة إن الفرق الطبية ستجوب القرى والمدن على مدى خمسة أيام، وإن اللقاح آمن ومجاني.",
        "وأضاف أن الحملة تأتي ضمن خطة الدولة للحفاظ على خلو مصر من المرض، داعيا الأسر إلى التعاون مع فرق التطعيم.",
    ]

    func article(
        _ path: String,
        source: String = "youm7",
        sourceName: String = "اليوم السابع",
        title: String,
        paragraphs: [String],
        published: Date? = Date(timeIntervalSince1970: 1_764_000_000),
        images: [ArticleImage] = []
    ) -> ClassifiedArticle {
        classifier.classify(
            Article(
                url: "https://www.\(source).com/\(path)",
                sourceID: source,
                sourceName: sourceName,
                title: title,
                published: published,
                paragraphs: paragraphs,
                images: images
            )
        )
    }

    var sport: ClassifiedArticle {
        article(
            "sport/1",
            title: "الأهلي يتصدر الدوري بعد فوز صعب على الإسماعيلي",
            paragraphs: [
                "حقق النادي الأهلي فوزا صعبا على الإسماعيلي بهدفين مقابل هدف في الجولة العاشرة من الدوري الممتاز.",
                "وسجل هدفي الأهلي مهاجمه في الشوط الثاني، ليرفع الفريق رصيده إلى ٢٥ نقطة في صدارة الترتيب.",
            ],
            published: Date(timeIntervalSince1970: 1_764_000_300),
            images: [
                ArticleImage(url: "https://img.youm7.com/goal.jpg", caption: "لاعبو الأهلي يحتفلون"),
                ArticleImage(url: "https://img.youm7.com/coach.jpg"),
            ]
        )
    }

    var vaccineCairo: ClassifiedArticle {
        article(
            "health/1",
            title: "الصحة تطلق حملة قومية للتطعيم ضد شلل الأطفال",
            paragraphs: Self.wire,
            published: Date(timeIntervalSince1970: 1_764_000_100)
        )
    }

    var vaccineMadina: ClassifiedArticle {
        article(
            "news/77",
            source: "masrawy",
            sourceName: "مصراوي",
            title: "انطلاق حملة التطعيم ضد شلل الأطفال في المحافظات",
            paragraphs: Self.wire + ["تابعوا مصراوي لمزيد من الأخبار."],
            published: Date(timeIntervalSince1970: 1_764_000_200)
        )
    }

    /// Writes are idempotent, updates replace, and reads see what was written.
    func writesAndReads() async throws {
        let batch = [sport, vaccineCairo]
        #expect(try await archive.store(batch) == Set(batch.map(\.article.id)))
        #expect(try await archive.store(batch).isEmpty, "a redelivered batch adds nothing")
        #expect(try await archive.count() == 2)

        var edited = sport
        edited.article.paragraphs.append("وأكد المدرب أن الفريق سيواصل المنافسة على اللقب حتى الجولة الأخيرة.")
        edited.article.contentHash = StableID.of(edited.article.paragraphs.joined())
        #expect(try await archive.store([edited]).isEmpty, "an edited article is updated, not added")
        #expect(try await archive.count() == 2)
        let stored = try #require(try await archive.article(id: sport.article.id))
        #expect(stored.paragraphs.count == 3)
        #expect(stored.title == "الأهلي يتصدر الدوري بعد فوز صعب على الإسماعيلي")
        #expect(stored.sourceName == "اليوم السابع")
        #expect(stored.images.map(\.url) == ["https://img.youm7.com/goal.jpg", "https://img.youm7.com/coach.jpg"])
        #expect(stored.images.map(\.caption) == ["لاعبو الأهلي يحتفلون", nil])
        #expect(stored.published == Date(timeIntervalSince1970: 1_764_000_300))
        #expect(try await archive.article(id: "no-such-article") == nil)

        let latest = try await archive.latest(limit: 10)
        #expect(latest.map(\.id) == [sport.article.id, vaccineCairo.article.id], "newest publication first")
        let before = try await archive.latest(limit: 10, topic: nil, before: Date(timeIntervalSince1970: 1_764_000_300))
        #expect(before.map(\.id) == [vaccineCairo.article.id])
        let headlines = try await archive.latest(limit: 10, topic: nil, before: nil, headlinesOnly: true)
        #expect(headlines.allSatisfy { $0.paragraphs.isEmpty && $0.images.isEmpty })
        #expect(headlines.map(\.title) == latest.map(\.title))
        let topics = try await archive.topics()
        #expect(topics == Set([sport.topic, vaccineCairo.topic]).sorted())
        #expect(try await archive.hasArticles(ofTopic: sport.topic))
        #expect(try await !archive.hasArticles(ofTopic: "no-such-topic"))
        #expect(try await archive.latest(limit: 10, topic: sport.topic).allSatisfy { $0.topic == sport.topic })
        #expect(Set(try await archive.storedRows().map(\.url)) == Set(batch.map(\.article.url)))

        // One article twice in a batch, edited in between: stored once, as its last copy.
        var second = vaccineCairo
        second.article.title = "الصحة تطلق حملة قومية جديدة للتطعيم ضد شلل الأطفال"
        second.article.contentHash = StableID.of(second.article.title)
        #expect(try await archive.store([vaccineCairo, second, vaccineCairo, second]).isEmpty)
        #expect(try await archive.count() == 2)
        #expect(try await archive.article(id: second.article.id)?.title == second.article.title)
    }

    /// Search folds Arabic as readers type it: diacritics, hamza forms, tatweel, Eastern Arabic digits.
    func arabicSearch() async throws {
        try await archive.store([sport, vaccineCairo])
        for query in ["حملة التطعيم", "حَمْلَةُ التَّطْعِيمِ", "حمـــلة التطعيم", "اعلنت وزاره الصحه", "١٦ مليون", "16 مليون"] {
            let hits = try await archive.search(query, limit: 20)
            #expect(hits.map(\.article.id) == [vaccineCairo.article.id], "query «\(query)»")
        }
        let hits = try await archive.search("الأهلي", limit: 20)
        #expect(hits.first?.article.id == sport.article.id)
        #expect(hits.first?.snippet.contains { $0.highlighted && $0.text.contains("الأهلي") } == true)
        #expect(try await archive.search("برشلونة", limit: 20).isEmpty)
        #expect(try await archive.search("   ", limit: 20).isEmpty)
        #expect(try await archive.search("<script>alert(1)</script> ' OR 1=1 --", limit: 20).isEmpty)
    }

    /// Two outlets' copies of one wire story form one story named by the first publisher.
    func stories() async throws {
        try await archive.store([vaccineCairo])
        try await archive.store([vaccineMadina, sport])
        try await archive.store([vaccineMadina])  // redelivered: nothing moves
        let madina = try #require(try await archive.article(id: vaccineMadina.article.id))
        #expect(madina.clusterID == vaccineCairo.article.id)
        #expect(try await archive.sameStory(as: vaccineMadina.article.id).map(\.sourceName) == ["اليوم السابع"])
        #expect(try await archive.sameStory(as: vaccineCairo.article.id).map(\.sourceName) == ["مصراوي"])
        #expect(try await archive.sameStory(as: sport.article.id).isEmpty)

        // Copies within one batch join each other too.
        var copy = vaccineMadina
        copy.article = Article(
            url: "https://www.ahram.org.eg/news/5",
            sourceID: "ahram",
            sourceName: "الأهرام",
            title: "حملة قومية للتطعيم ضد شلل الأطفال",
            published: Date(timeIntervalSince1970: 1_764_000_400),
            paragraphs: Self.wire
        )
        let ahram = classifier.classify(copy.article)
        let other = article("sport/2", title: "الزمالك يفوز", paragraphs: ["فاز الزمالك على الاتحاد بثلاثة أهداف."])
        try await archive.store([other, ahram])
        #expect(try await archive.article(id: ahram.article.id)?.clusterID == vaccineCairo.article.id)
    }

    /// Reports hide an image (everywhere it appears) at the threshold of distinct readers; an operator restores it.
    func imageReports() async throws {
        let shared = ArticleImage(url: "https://img.example/shared.jpg", caption: "صورة")
        let first = article("a/1", title: "خبر أول", paragraphs: ["نص الخبر الأول"], images: [shared])
        let second = article("a/2", title: "خبر ثان", paragraphs: ["نص الخبر الثاني"], images: [shared])
        try await archive.store([first, second, sport])
        let image = try #require(try await archive.article(id: first.article.id)?.images.first?.id)
        func report(_ address: String, _ id: Int64 = image) async throws -> ReportOutcome {
            try await archive.report(image: id, address: address, userAgent: "متصفح", threshold: 2, perHour: 2)
        }
        #expect(try await report("10.0.0.1") == .counted(hidden: false))
        #expect(try await report("10.0.0.1") == .duplicate)
        #expect(try await report("10.0.0.2") == .counted(hidden: true))
        #expect(try await archive.article(id: first.article.id)?.images.isEmpty == true)
        #expect(try await archive.article(id: second.article.id)?.images.isEmpty == true, "hidden everywhere")
        #expect(try await report("10.0.0.3", 987_654) == .unknownImage)
        let others = try #require(try await archive.article(id: sport.article.id)?.images.map(\.id))
        #expect(try await report("10.0.0.1", others[0]) == .counted(hidden: false))
        #expect(try await report("10.0.0.1", others[1]) == .rateLimited, "two reports an hour for this reader")
        try await archive.restore(image: image)
        #expect(try await archive.article(id: second.article.id)?.images.map(\.url) == [shared.url])
        #expect(try await report("10.0.0.4") == .counted(hidden: false), "the image's reports were forgotten")
    }

    /// Retention deletes old articles with what hangs on them; freshness is measured from publication and discovery.
    func pruneAndFreshness() async throws {
        let now = Date()
        let old = article(
            "old/1",
            title: "خبر قديم",
            paragraphs: ["نص قديم"],
            published: now.addingTimeInterval(-10 * 86_400),
            images: [ArticleImage(url: "https://img.example/old.jpg")]
        )
        var fresh = article(
            "new/1",
            title: "خبر جديد",
            paragraphs: ["نص جديد"],
            published: now.addingTimeInterval(-1_500)
        )
        fresh.article.discoveredAt = now.addingTimeInterval(-45)
        try await archive.store([old, fresh])
        #expect(try await archive.prune(olderThan: now.addingTimeInterval(-5 * 86_400)) == 1)
        #expect(try await archive.count() == 1)
        #expect(try await archive.article(id: old.article.id) == nil)
        #expect(try await archive.search("قديم", limit: 5).isEmpty, "the search index forgets pruned articles")
        let freshness = try await archive.freshness()
        let published = try #require(freshness.sincePublished.p50)
        let discovered = try #require(freshness.sinceDiscovered.p50)
        #expect(abs(published - 1_500) < 60 && abs(discovered - 45) < 60, "\(published), \(discovered)")
    }

    /// The reader site over real HTTP: the home page, an article page with its byline and link back, search, a
    /// section, the JSON API, and scraped markup escaped.
    func readerSite() async throws {
        let hostile = article(
            "x/1",
            title: "عنوان <script>alert('xss')</script> خبيث",
            paragraphs: ["فقرة <img src=x onerror=alert(1)> فيها وسم"]
        )
        try await archive.store([sport, vaccineCairo, vaccineMadina, hostile])
        let router = Router(context: ReaderContext.self)
        ReaderSite(store: archive).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        func get(_ path: String) async throws -> String {
            String(decoding: try await http.fetch(server.base + path).body, as: UTF8.self)
        }
        do {
            let home = try await get("/")
            #expect(home.contains("الأهلي يتصدر الدوري") && home.contains("dir=\"rtl\""))
            let page = try await get("/article/" + vaccineMadina.article.id)
            #expect(page.visibleText.contains("نشر في مصراوي يوم"))
            #expect(page.contains("انقر هنا لقراءة الخبر من مصدره"))
            #expect(page.contains("نشر أيضا في") && page.contains("اليوم السابع"))
            let bad = try await get("/article/" + hostile.article.id)
            #expect(!bad.contains("<script>") && !bad.contains("<img src=x"))
            #expect(bad.contains("&lt;script&gt;"))
            let search = try await get(
                "/search?q=" + "التَّطْعِيم".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            )
            #expect(search.contains("/article/\(vaccineCairo.article.id)") && search.contains("<mark>"))
            let section = try await get("/section/" + sport.topic)
            #expect(section.contains("الأهلي يتصدر الدوري"))
            let api = try JSONSerialization.jsonObject(with: Data(try await get("/api/articles?limit=2").utf8))
            #expect(((api as? [String: Any])?["articles"] as? [Any])?.count == 2)
            let whole = try await get("/api/articles/" + sport.article.id)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            #expect(
                try decoder.decode(StoredArticle.self, from: Data(whole.utf8)).paragraphs == sport.article.paragraphs
            )
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
