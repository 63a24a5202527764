import Foundation
import GRDB
import NashraAMQP
import NashraHTML
import NashraMessages
import Synchronization
import TestSupport
import Testing

@testable import Store

@Suite("Store on a real SQLite file") struct StoreTests {
    func temporaryDatabase() throws -> String {
        try TestEnvironment.temporaryDirectory() + "/nashra.sqlite"
    }

    func classified(title: String, url: String = "https://example.com/1") -> ClassifiedArticle {
        let article = Article(
            url: url,
            sourceID: "demo",
            sourceName: "أخبار القاهرة",
            title: title,
            published: Date(timeIntervalSince1970: 1_763_885_700),
            paragraphs: ["الفقرة الأولى.", "الفقرة الثانية."],
            images: [ArticleImage(url: "https://example.com/a.jpg", caption: "صورة")]
        )
        return ClassifiedArticle(
            article: article,
            topic: "politics",
            confidence: 0.8,
            uncertain: false,
            signature: [1, 2, 3]
        )
    }

    @Test("retention deletes old articles with their search rows, bands, images and reports; new ones stay")
    func retention() throws {
        let store = try ArticleStore(path: try temporaryDatabase())
        let now = Date()
        func article(_ index: Int, daysAgo: Double) -> ClassifiedArticle {
            var item = classified(title: "انتخابات البرلمان رقم \(index)", url: "https://example.com/\(index)")
            item.article.published = now.addingTimeInterval(-daysAgo * 86_400)
            item.article.images = [ArticleImage(url: "https://example.com/\(index).jpg")]
            item.signature = (0..<64).map { UInt32($0 * 7 + index) }
            return item
        }
        try store.upsert((0..<5).map { article($0, daysAgo: 40) } + (5..<8).map { article($0, daysAgo: 2) })
        let oldImage = try #require(
            try store.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM images WHERE url = 'https://example.com/0.jpg'")
            }
        )
        _ = try store.report(image: oldImage, reader: "reader-1", threshold: 3, perHour: 20)
        #expect(try store.search("الانتخابات").count == 8)

        #expect(try store.prune(olderThan: now.addingTimeInterval(-30 * 86_400), chunk: 2) == 5)
        #expect(try store.count() == 3)
        #expect(try store.search("الانتخابات").count == 3, "the search index forgets them too")
        let leftovers = try store.read { db in
            [
                try Int.fetchOne(db, sql: "SELECT count(*) FROM images") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM image_reports") ?? -1,
                try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM story_bands WHERE article NOT IN (SELECT rowid FROM articles)"
                ) ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM articles_fts") ?? -1,
            ]
        }
        #expect(leftovers == [3, 0, 0, 3])
        #expect(try store.prune(olderThan: now.addingTimeInterval(-30 * 86_400)) == 0, "nothing more to do")
    }

    @Test("a full disk: the writer holds its batch and commits it once space returns, spending no attempt")
    func diskFull() async throws {
        let store = try ArticleStore(path: try temporaryDatabase())
        try store.upsert([classified(title: "خبر أول عن الانتخابات", url: "https://example.com/0")])
        // The writer's connection may not grow the file: what SQLite answers when the disk is full (SQLITE_FULL).
        let pages = try store.write { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        try store.write { db in try db.execute(sql: "PRAGMA max_page_count = \(pages)") }
        let batch = (1...40).map { n in
            classified(
                title: "مجلس الوزراء يناقش الموازنة الجديدة رقم \(n) ونصها طويل بما يكفي لملء صفحات",
                url: "https://example.com/\(n)"
            )
        }
        let stage = StoreStage(store: SQLiteArchive(store), logger: TestEnvironment.logger)
        let outcomes = Task { await stage.process(batch) }
        try await Task.sleep(for: .seconds(1.5))
        #expect(try store.count() == 1, "nothing committed while the disk is full")
        try store.write { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        let results = await outcomes.value
        #expect(results.allSatisfy { if case .done = $0 { true } else { false } }, "no retry spent, nothing dead")
        #expect(try store.count() == 41)
    }

    @Test("a redelivered article updates its row and never duplicates it")
    func upsertIsIdempotent() throws {
        let store = try ArticleStore(path: try temporaryDatabase())
        #expect(try store.upsert([classified(title: "عنوان أول")]) == 1)
        #expect(try store.upsert([classified(title: "عنوان أول"), classified(title: "عنوان أول")]) == 0)
        #expect(try store.upsert([classified(title: "عنوان معدل")]) == 0)
        #expect(try store.count() == 1)
        let stored = try #require(try store.latest().first)
        #expect(stored.title == "عنوان معدل")
        #expect(stored.paragraphs == ["الفقرة الأولى.", "الفقرة الثانية."])
        #expect(stored.images.map(\.url) == ["https://example.com/a.jpg"])
        #expect(stored.images.map(\.caption) == ["صورة"])
        #expect(try store.article(id: stored.id) == stored)
    }

    @Test("openers of a new database together, beside a CPU hog, 20 times: one opens and migrates, the others wait")
    func concurrentFirstOpen() async throws {
        let hog = CPUHog()
        defer { hog.stop() }
        for _ in 0..<20 { try await openTogether(path: try temporaryDatabase(), openers: 6) }
    }

    /// `openers` threads open the database at `path` at once; none may fail.
    func openTogether(path: String, openers: Int) async throws {
        let failures = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<openers {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            do {
                                _ = try ArticleStore(path: path)
                                continuation.resume(returning: nil)
                            } catch {
                                continuation.resume(returning: "\(error)")
                            }
                        }
                    }
                }
            }
            return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(try ArticleStore(path: path).count() == 0)
    }

    @Test("a database of the v5 schema migrates: its articles are searchable and clustered, and prune still works")
    func migratesFromV5() throws {
        let path = try temporaryDatabase()
        let queue = try DatabaseQueue(path: path)
        try ArticleStore.migrator.migrate(queue, upTo: "v5: band rows by article")
        let signature = (0..<64).map { UInt32($0 * 3) }.withUnsafeBufferPointer { Data(buffer: $0) }
        try queue.write { db in
            for (index, outlet) in ["youm7", "masrawy"].enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO articles (id, url, source_id, title, fetched_at, sort_time, body, content_hash, topic,
                            confidence, uncertain, signature, created_at, updated_at)
                        VALUES (?, ?, ?, 'نتائج الانتخابات البرلمانية', ?, ?, 'أعلنت اللجنة العليا النتائج', 'h', 'politics',
                            0.9, 0, ?, 0, 0)
                        """,
                    arguments: ["id-\(outlet)", "https://\(outlet).example/1", outlet, index, index, signature]
                )
            }
        }
        try queue.close()
        let store = try ArticleStore(path: path)
        #expect(try store.search("انتخابات").map(\.article.id).sorted() == ["id-masrawy", "id-youm7"])
        #expect(try store.sameStory(as: "id-masrawy").map(\.id) == ["id-youm7"], "the first publisher names the story")
        #expect(try store.article(id: "id-masrawy")?.clusterID == "id-youm7")
        #expect(try store.prune(olderThan: Date(timeIntervalSince1970: 0.5)) == 1)
        #expect(try store.search("النتائج").map(\.article.id) == ["id-masrawy"])
    }

    @Test("the topics of a store, by a skip scan of the topic index")
    func topics() throws {
        let store = try ArticleStore(path: try temporaryDatabase())
        #expect(try store.topics() == [])
        try store.upsert(
            ["sport", "economy", "sport", "culture"].enumerated().map { index, topic in
                var item = classified(title: "خبر \(index)", url: "https://e.com/\(index)")
                item.topic = topic
                return item
            }
        )
        #expect(try store.topics() == ["culture", "economy", "sport"])
        #expect(try store.hasArticles(ofTopic: "sport"))
        #expect(try !store.hasArticles(ofTopic: "health"))
    }

    @Test func reopeningKeepsDataAndSchema() throws {
        let path = try temporaryDatabase()
        try ArticleStore(path: path).upsert([
            classified(title: "أ", url: "https://e.com/1"), classified(title: "ب", url: "https://e.com/2"),
        ])
        #expect(try ArticleStore(path: path).count() == 2)
    }

    @Test("scraped text is escaped: no script reaches the reader")
    func escaping() {
        let hostile = #"<script>alert(1)</script>"><img src=x onerror=alert(2)>"#
        let escaped = HTMLEscaping.escape(hostile)
        #expect(!escaped.contains("<"))
        #expect(!escaped.contains("\""))
        #expect(HTMLEscaping.url("javascript:alert(1)") == "#")
        #expect(HTMLEscaping.url("https://a.com/?q=\"x\"") == "https://a.com/?q=&quot;x&quot;")
    }
}
