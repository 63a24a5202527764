import FetchFrontier
import Fetcher
import Foundation
import Hummingbird
import NashraHTTP
import NashraMessages
import Parser
import TestSupport
import Testing

@testable import ReplaySite

/// A corpus written for these tests: Arabic with diacritics, every hamza form, tatweel and Eastern Arabic digits.
private func testCorpus() throws -> ReplayCorpus {
    let lines = [
        #"{"title": "الأهلي يفوز بكأس السوبر بعد مباراة مثيرة", "category": "sport", "text": "فاز النادي الأهلي بكأس السوبر بعد مباراةٍ مثيرة أمام الزمالك انتهت بهدفين مقابل هدف في استاد القاهرة.\nوأكّد المدرّب أن الفوز جاء ثمرة إعدادٍ طويل، وأن الفريق سيواصل المنافسة على كل البطولات هذا الموسم."}"#,
        #"{"title": "إطلاق مبادرة لتمويل المشروعات الصغيرة بـ ٥٠٠ مليون", "category": "economy", "text": "أعلنت الحكومة إطلاق مبادرةٍ جديدة لتمويل المشروعات الصغيرة بقيمة ٥٠٠ مليون جنيه، تُمنح بفائدة ميسّرة للشباب.\nوقالت وزيرة التخطيط إن المبادرة ستوفّر آلاف فرص العمل، وإن أولى الدفعات تُصرف مطلع الشهر المقبل في المحافظات كلها."}"#,
        #"{"title": "مؤتمر دولي يناقش مستقبل اللغة العربيـــة في العصر الرقمي", "category": "culture", "text": "انطلقت أعمال مؤتمرٍ دولي يناقش مستقبل اللغة العربية في العصر الرقمي بمشاركة باحثين من عشرين دولة، وسؤال الهُوية حاضر.\nوتناولت الجلسات الأولى أدوات المعالجة الآلية للّغة وتعليمها للناشئة، مع عرض تجارب مؤسساتٍ رائدة في هذا المجال."}"#,
    ]
    let path = try TestEnvironment.temporaryDirectory() + "/corpus.jsonl"
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return try ReplayCorpus(path: path)
}

@Suite("Replay publisher and run audits") struct ReplaySiteTests {
    @Test("articles that fail once are spread over every outlet, one of each kind in 25, whatever the outlet count")
    func flakySpread() throws {
        for hosts in [50, 25, 24, 7] {
            var settings = ReplayPlan.Settings()
            settings.articles = 5_000
            settings.hosts = hosts
            settings.hostile = 1
            let plan = ReplayPlan(settings: settings, stories: 3)
            for kind in [ReplayBehaviour.unavailableOnce, .throttledOnce] {
                // Each outlet: one in 25 of its own articles (in the soak, 50 outlets and one in 25 over all of them
                // had sent every 429 to two outlets at a time).
                for page in plan.pages {
                    let good = page.filter { $0.fate == .stored }.count
                    let flaky = page.filter { $0.behaviour == kind }.count
                    #expect(
                        flaky >= good / 25 && flaky <= good / 25 + 1,
                        "\(hosts) outlets, \(kind): \(flaky) of \(good)"
                    )
                }
            }
        }
    }

    @Test("the plan: every good article and hostile page once, one port per outlet, publication paced by --rate")
    func plan() throws {
        var settings = ReplayPlan.Settings()
        settings.articles = 100
        settings.hosts = 7
        settings.firstPort = 9000
        settings.rate = 50
        settings.hostile = 2
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let plan = ReplayPlan(settings: settings, stories: 3, start: start)
        let manifest = plan.manifest
        #expect(manifest.count == 100 + 2 * ReplayBehaviour.hostile.count)
        #expect(Set(manifest.map(\.url)).count == manifest.count, "every page has its own URL")
        #expect(manifest.filter { $0.fate == .stored }.count == 100)
        #expect(manifest.filter { $0.behaviour == .gzipBomb }.count == 2)
        #expect(
            manifest.contains { $0.behaviour == .unavailableOnce }
                && manifest.contains { $0.behaviour == .throttledOnce }
        )
        #expect(Set(plan.outlets.map(\.port)) == Set(9000..<9007))
        #expect(plan.outlets.contains(where: \.windows1256) && plan.outlets.contains { $0.delayMilliseconds > 0 })
        #expect(Set(plan.outlets.map(\.feed)) == Set(ReplayFeedFormat.allCases))
        let last = try #require(manifest.last?.published)
        #expect(abs(last - start.timeIntervalSince1970 - 99.0 / 50) < 0.01, "the 100th good article at 50 a second")
        #expect(ReplayPlan(settings: settings, stories: 3, start: start).manifest.map(\.url) == manifest.map(\.url))

        // The sources file points the frontier at every outlet's feed.
        let sources = try TestEnvironment.temporaryDirectory() + "/sources.yml"
        try plan.sourcesYAML(pollInterval: 5).write(toFile: sources, atomically: true, encoding: .utf8)
        let catalog = try SourceCatalog.load(path: sources)
        #expect(catalog.sources.map { $0.feeds.first } == plan.outlets.map(\.feedURL))
        #expect(catalog.sources[0].name == "صوت الشرق")
    }

    @Test("a windows-1256 page of the replay publisher extracts to the same Arabic text")
    func windows1256Page() throws {
        let corpus = try testCorpus()
        var settings = ReplayPlan.Settings()
        settings.articles = 10
        settings.hosts = 5
        let plan = ReplayPlan(settings: settings, stories: corpus.stories.count)
        let outlet = try #require(plan.outlets.first { $0.windows1256 })
        let article = plan.pages[outlet.index][0]
        let html = ReplayPages(corpus: corpus, plan: plan).page(
            article,
            number: 0,
            outlet: outlet,
            charset: "windows-1256"
        )
        let bytes = WindowsArabic.encode(html)
        #expect(String(data: bytes, encoding: .utf8) == nil, "not UTF-8")
        #expect(String(decoding: bytes, as: UTF8.self).contains("&#1637;"), "٥ is not in windows-1256: a reference")
        let page = FetchedPage(
            url: article.url,
            finalURL: article.url,
            sourceID: outlet.id,
            status: 200,
            contentType: "text/html; charset=windows-1256",
            body: bytes
        )
        let extracted = try ArticleExtractor().extract(page)
        let story = corpus.stories[article.story]
        #expect(extracted.title == story.title)
        #expect(extracted.paragraphs == story.paragraphs, "diacritics, hamza forms, tatweel and digits survive")
        #expect(extracted.published.map { abs($0.timeIntervalSince1970 - article.published) < 1 } == true)
    }

    @Test("served over HTTP: feed with 304, 503 and 429 once, 404, decompression bomb and endless body capped")
    func servedOverHTTP() async throws {
        var settings = ReplayPlan.Settings()
        settings.articles = 50
        settings.hosts = 1
        settings.firstPort = try TestEnvironment.freePort()
        let site = try ReplaySite(corpus: try testCorpus(), settings: settings)
        let outlet = site.plan.outlets[0]
        let server = try await TestHTTPServer.start { onRunning in
            Application(
                router: site.router(for: outlet),
                configuration: .init(address: .hostname("127.0.0.1", port: outlet.port)),
                onServerRunning: { await onRunning($0.localAddress?.port ?? 0) },
                logger: TestEnvironment.logger
            )
        }
        defer { Task { await server.stop() } }
        let http = HTTPFetcher(
            userAgent: "NashraTest",
            maxBodyBytes: 2 << 20,
            totalTimeout: 10,
            addressPolicy: AddressPolicy(allowList: "127.0.0.1/32")
        )
        let feed = try await http.fetch(outlet.feedURL)
        let items = try FeedParser.parse(feed.body, feedURL: outlet.feedURL).items
        #expect(items.count == site.plan.pages[0].count)
        #expect(items.allSatisfy { $0.hints.published != nil })
        let again = try await http.fetch(outlet.feedURL, headers: ["If-None-Match": feed.headers["etag"] ?? "-"])
        #expect(again.status == 304)

        func first(_ behaviour: ReplayBehaviour) throws -> String {
            try #require(site.plan.pages[0].first { $0.behaviour == behaviour }).url
        }
        let flaky = try first(.unavailableOnce)
        #expect(try await http.fetch(flaky).status == 503)
        #expect(try await http.fetch(flaky).status == 200)
        let throttled = try await http.fetch(try first(.throttledOnce))
        #expect(throttled.status == 429 && throttled.headers["retry-after"] == "1")
        #expect(try await http.fetch(try first(.gone)).status == 404)
        for hostile in [ReplayBehaviour.gzipBomb, .endless] {
            let url = try first(hostile)
            do {
                _ = try await http.fetch(url)
                Issue.record("\(hostile) was not refused")
            } catch {
                #expect(error.code == .tooLarge, "\(hostile)")
            }
        }
        let nested = try await http.fetch(try first(.deepNesting))
        #expect(nested.body.count > 1_000_000)
        let page = FetchedPage(
            url: outlet.base,
            finalURL: outlet.base,
            sourceID: "t",
            status: 200,
            contentType: nil,
            body: nested.body
        )
        #expect(throws: ExtractionError.self, "100,000 nested elements: refused with a reason, in bounded memory") {
            try ArticleExtractor().extract(page)
        }
    }

    @Test("the audit: lost, duplicates, dead letters without a reason, hostile pages accounted, freshness")
    func audit() {
        func page(_ n: Int, _ behaviour: ReplayBehaviour = .article) -> ReplayArticle {
            ReplayArticle(
                url: "http://127.0.0.1:9000/news/1/article-\(n).html",
                outlet: "replay-1",
                published: 1000,
                behaviour: behaviour,
                fate: behaviour.fate,
                story: 0
            )
        }
        let manifest = [page(1), page(2), page(3), page(4, .gone), page(5, .deepNesting), page(6, .invalidBytes)]
        let stored = [
            (id: "a", url: page(1).url, createdAt: 1001.0), (id: "b", url: page(2).url, createdAt: 1003.0),
            (id: "c", url: page(2).url + "?utm=x", createdAt: 1004.0), (id: "d", url: page(5).url, createdAt: 1002.0),
        ]
        let letters = [
            ReplayAudit.DeadLetter(url: page(3).url, reason: "gave up after 5 attempts"),
            ReplayAudit.DeadLetter(url: page(4).url, reason: "HTTP 404"),
            ReplayAudit.DeadLetter(url: nil, reason: nil),
        ]
        let audit = ReplayAudit(case: "t", manifest: manifest, stored: stored, deadLetters: letters, restarts: 2)
        #expect(audit.expected == 3 && audit.stored == 2)
        #expect(audit.expectedDeadLettered == 1)
        #expect(audit.hostile == 3 && audit.hostileStored == 1 && audit.hostileDeadLettered == 1)
        #expect(audit.lost == 2, "article 3 is not stored; page 6 is neither stored nor dead-lettered")
        #expect(audit.duplicatesByURL == 1 && audit.duplicatesByID == 0 && audit.duplicates == 1)
        #expect(audit.unexpected == 1)
        #expect(audit.deadLettered == 3 && audit.deadWithoutReason == 1 && audit.deadForeign == 1)
        #expect(audit.freshnessP50 == 1 && audit.freshnessP95 == 3)
        #expect(!audit.passed)

        let clean = ReplayAudit(
            case: "t",
            manifest: [page(1), page(4, .gone)],
            stored: [(id: "a", url: page(1).url, createdAt: 1001)],
            deadLetters: [ReplayAudit.DeadLetter(url: page(4).url, reason: "HTTP 404")]
        )
        #expect(clean.passed && clean.settled)
        #expect(clean.deadRepeated == 0)
        let twice = ReplayAudit(
            case: "t",
            manifest: [page(1), page(4, .gone)],
            stored: [(id: "a", url: page(1).url, createdAt: 1001)],
            deadLetters: [
                ReplayAudit.DeadLetter(url: page(4).url, reason: "HTTP 404"),
                .init(url: page(4).url, reason: "HTTP 404"),
            ]
        )
        #expect(twice.deadLettered == 2 && twice.deadRepeated == 1 && twice.hostileDeadLettered == 1 && twice.passed)
        let poison = ReplayAudit(
            case: "t",
            manifest: [page(1)],
            stored: [(id: "a", url: page(1).url, createdAt: 1001)],
            deadLetters: [.init(url: "http://poison/x", reason: "bad"), .init(url: "http://poison/x", reason: "bad")]
        )
        #expect(poison.deadRepeated == 0 && poison.deadForeign == 2, "poison messages are not repeats of a page")
        #expect(ReplayAudit.url(inBody: Data(#"{"article": {"url": "http://x/1"}}"#.utf8)) == "http://x/1")
        #expect(ReplayAudit.url(inBody: Data("{not json".utf8)) == nil)
    }
}
