import Classifier
import Fetcher
import Foundation
import GRDB
import Hummingbird
import NashraHTTP
import NashraMessages
import Parser
import ReaderWeb
import StoryGrouping
import TestSupport
import Testing

@testable import Store

@Suite("Story clusters") struct ClusterTests {
    @Test("a batch prepared before its story's first copy was written still joins that story when it is written")
    func storyCommittedAfterPreparing() throws {
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        let articles = try DemoArticles.classified()
        let cairo = try #require(articles.first { $0.article.url.hasSuffix("cairo/wire-summit.html") })
        let madina = try #require(articles.first { $0.article.url.hasSuffix("madina/wire-summit.html") })
        let prepared = try store.prepare([madina])
        try store.upsert([cairo])
        #expect(try store.upsert(prepared) == 1)
        #expect(try store.article(id: madina.article.id)?.clusterID == cairo.article.id)
    }

    @Test("two outlets' copies of one wire story form one cluster named by the first publisher; others stay alone")
    func wireStoryClusters() async throws {
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        let articles = try DemoArticles.classified()
        try store.upsert(articles)
        try store.upsert(articles)  // redelivered: nothing moves
        let stored = try store.latest(limit: 10)
        let cairo = try #require(stored.first { $0.url.hasSuffix("cairo/wire-summit.html") })
        let madina = try #require(stored.first { $0.url.hasSuffix("madina/wire-summit.html") })
        #expect(cairo.clusterID == cairo.id, "the first publisher names the cluster")
        #expect(madina.clusterID == cairo.id)
        #expect(Set(stored.map(\.clusterID)).count == 5, "the four unrelated stories stay alone")
        #expect(try store.sameStory(as: madina.id).map(\.sourceName) == ["أخبار القاهرة"])
        #expect(try store.sameStory(as: cairo.id).map(\.sourceName) == ["صوت المدينة"])

        let router = Router(context: ReaderContext.self)
        ReaderSite(store: SQLiteArchive(store)).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        let page = String(decoding: try await http.fetch(server.base + "/article/" + madina.id).body, as: UTF8.self)
        await server.stop()
        #expect(page.contains("نشر أيضا في"))
        #expect(page.contains("/article/\(cairo.id)\">أخبار القاهرة</a>"))
    }

    @Test("clusters survive reopening the database, and a store created before clusters is migrated")
    func reopen() throws {
        let path = try TestEnvironment.temporaryDirectory() + "/nashra.sqlite"
        try ArticleStore(path: path).upsert(try DemoArticles.classified())
        let reopened = try ArticleStore(path: path)
        let clusters = Dictionary(grouping: try reopened.latest(limit: 10), by: { $0.clusterID ?? "" })
        #expect(clusters.values.map(\.count).sorted() == [1, 1, 1, 1, 2])
    }

    @Test("a wire story inside a long piece of another outlet's own reporting joins the wire story's cluster")
    func shortCopyInsideALongPiece() throws {
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        let articles = try DemoArticles.classified()
        let wire = try #require(articles.first { $0.article.url.hasSuffix("cairo/wire-summit.html") })
        // The same wire text, then the paragraphs of two of the outlet's own stories.
        var long = try #require(articles.first { $0.article.url.hasSuffix("madina/wire-summit.html") })
        long.article.paragraphs =
            wire.article.paragraphs
            + articles.filter { !$0.article.url.contains("wire") }
            .prefix(2).flatMap(\.article.paragraphs)
        long.signature = StorySignature().signature(
            of: long.article.title + "\n" + long.article.paragraphs.joined(separator: "\n")
        )
        let estimate = StorySimilarity.estimate(wire.signature, long.signature)
        #expect(estimate < 0.5, "their signatures alone would not group them: \(estimate)")
        try store.upsert([wire])
        try store.upsert([long])
        #expect(try store.article(id: long.article.id)?.clusterID == wire.article.id)
    }

    @Test("a batch's stories are looked up together, as one article at a time would find them")
    func storiesOfABatch() throws {
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        let articles = try DemoArticles.classified()
        let cairo = articles.filter { $0.article.url.contains("/cairo/") }
        let madina = articles.filter { $0.article.url.contains("/madina/") }
        try store.upsert(cairo)
        let (together, alone) = try store.pool.read { db in
            var probes = madina.map { StoryProbe($0, body: $0.article.paragraphs.joined(separator: "\n")) }
            let together = try ArticleStore.stories(
                of: &probes,
                excludingIDs: madina.map(\.article.id),
                after: 0,
                in: db
            )
            let alone = try madina.map { item in
                var probe = StoryProbe(item, body: item.article.paragraphs.joined(separator: "\n"))
                return try ArticleStore.story(of: &probe, excludingID: item.article.id, after: 0, in: db)
            }
            return (together, alone)
        }
        let wire = try #require(cairo.first { $0.article.url.hasSuffix("wire-summit.html") })
        #expect(together.map { $0?.story } == alone.map { $0?.story })
        #expect(together.compactMap { $0?.story } == [wire.article.id], "only the wire copy joins a stored story")
        let none = try store.pool.read { db in
            var probes: [StoryProbe] = []
            return try ArticleStore.stories(of: &probes, excludingIDs: [], after: 0, in: db)
        }
        #expect(none.isEmpty)
    }

    @Test("a batch's own articles are found by band key, each once, however many keys they share")
    func batchBands() {
        var bands = BatchBands(capacity: 8)
        bands.add(0, under: [1, 2, 3])
        bands.add(1, under: [3, 4])
        bands.add(2, under: [5])
        #expect(bands.positions(under: [3]) == [0, 1])
        #expect(bands.positions(under: [1, 2, 3, 4]) == [0, 1])
        #expect(bands.positions(under: [5, 6]) == [2])
        #expect(bands.positions(under: [6]).isEmpty)
    }

    @Test(
        "band rows are written many to a statement, the last statement holding the rest; the search index takes a batch as one segment"
    )
    func bandRowsInChunks() throws {
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        let count = try store.pool.write { db in
            var rows = ArticleStore.BandRows()
            for article in Int64(1)...20 {
                try rows.add((0..<32).map { Int64($0) * 1_000 + article % 7 }, article: article, in: db)
            }
            try rows.flush(in: db)
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM story_bands") ?? 0
        }
        #expect(
            count == 640,
            "20 articles of 32 bands: two full statements of \(ArticleStore.BandRows.rowsPerInsert) and one of 128"
        )
        let hashsize = try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT v FROM articles_fts_config WHERE k = 'hashsize'")
        }
        #expect(hashsize == 16_777_216)
    }

    @Test("a store whose band index has bands of 4 slots is migrated to bands of 2, and its stories still gather")
    func bandIndexMigration() throws {
        let path = try TestEnvironment.temporaryDirectory() + "/nashra.sqlite"
        let articles = try DemoArticles.classified()
        let cairo = try #require(articles.first { $0.article.url.hasSuffix("cairo/wire-summit.html") })
        let madina = try #require(articles.first { $0.article.url.hasSuffix("madina/wire-summit.html") })
        let queue = try DatabaseQueue(path: path)
        try ArticleStore.migrator.migrate(queue, upTo: "v7: freshness")
        try queue.write { db in
            let a = cairo.article
            try db.execute(
                sql: """
                    INSERT INTO articles (id, url, source_id, title, fetched_at, sort_time, body, content_hash, topic,
                        confidence, uncertain, signature, cluster_id, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, 0.9, 0, ?, ?, 0, 0)
                    """,
                arguments: [
                    a.id, a.url, a.sourceID, a.title, a.paragraphs.joined(separator: "\n"), a.contentHash, cairo.topic,
                    cairo.signature.withUnsafeBufferPointer { Data(buffer: $0) }, a.id,
                ]
            )
            for key in StoryBands.bandKeys(cairo.signature, width: 4) {
                try db.execute(
                    sql: "INSERT INTO story_bands (key, article) VALUES (?, ?)",
                    arguments: [key, db.lastInsertedRowID]
                )
            }
        }
        try queue.close()
        let store = try ArticleStore(path: path)
        try store.upsert([madina])
        #expect(try store.article(id: madina.article.id)?.clusterID == cairo.article.id)
        let rows = try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM story_bands") }
        #expect(rows == 2 * 64 / StoryBands.bandWidth)
    }

    @Test("sections (health among them), home blocks and RSS 2.0 output over real HTTP")
    func sectionsAndFeeds() async throws {
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        try store.upsert(try DemoArticles.classified())
        let router = Router(context: ReaderContext.self)
        ReaderSite(store: SQLiteArchive(store)).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        func get(_ path: String) async throws -> FetchResponse { try await http.fetch(server.base + path) }

        let sport = String(decoding: try await get("/section/sport").body, as: UTF8.self)
        #expect(sport.contains("الأهلي يتصدر الدوري بعد فوز صعب على الإسماعيلي"))
        #expect(!sport.contains("مهرجان القاهرة"))
        #expect(try await get("/section/nope").status == 404)
        let home = String(decoding: try await get("/").body, as: UTF8.self)
        #expect(home.contains("<a href=\"/section/sport\">رياضة</a>"))
        // The vaccination campaign is health news, with its section, block and feed (it was filed under science and
        // technology before the model had a health section).
        let vaccine = "وزارة الصحة تبدأ حملة تطعيم موسمية ضد الإنفلونزا"
        #expect(home.contains("<a href=\"/section/health\">صحة</a>"))
        let health = String(decoding: try await get("/section/health").body, as: UTF8.self)
        #expect(health.contains(vaccine) && !health.contains("الأهلي يتصدر"))
        let healthFeed = try FeedParser.parse(try await get("/section/health/feed.xml").body, feedURL: server.base)
        #expect(healthFeed.items.map(\.hints.title) == [vaccine])
        #expect(!String(decoding: try await get("/section/technology").body, as: UTF8.self).contains(vaccine))

        // Valid RSS 2.0: our own feed parser (FoundationXML) reads it back.
        let feed = try await get("/feed.xml")
        #expect(feed.contentType?.hasPrefix("application/rss+xml") == true)
        let items = try FeedParser.parse(feed.body, feedURL: server.base + "/feed.xml").items
        #expect(items.count == 6)
        #expect(items.allSatisfy { $0.url.hasPrefix(server.base + "/article/") && $0.hints.published != nil })
        let sportFeed = try FeedParser.parse(try await get("/section/sport/feed.xml").body, feedURL: server.base).items
        #expect(sportFeed.map(\.hints.title) == ["الأهلي يتصدر الدوري بعد فوز صعب على الإسماعيلي"])
        let sections =
            try JSONSerialization.jsonObject(with: try await get("/api/sections").body) as? [[String: String]]
        #expect(sections?.count == 5)
        let listing =
            try JSONSerialization.jsonObject(with: try await get("/api/articles?section=sport").body)
            as? [String: Any]
        let api = listing?["articles"] as? [[String: Any]]
        #expect(api?.count == 1)
        #expect(listing?["next"] == nil, "one page only")
        let id = try #require(api?.first?["id"] as? String)
        let one = try JSONSerialization.jsonObject(with: try await get("/api/articles/" + id).body) as? [String: Any]
        #expect(one?["topic"] as? String == "sport")
        #expect(try await get("/api/articles/nope").status == 404)
        await server.stop()
    }
}
