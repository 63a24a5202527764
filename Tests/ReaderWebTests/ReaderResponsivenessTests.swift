import Foundation
import Hummingbird
import NashraHTTP
import NashraMessages
import ReaderWeb
import Synchronization
import TestSupport
import Testing

@testable import Store

@Suite("The reader site while the store writes") struct ReaderResponsivenessTests {
    func article(_ n: Int) -> ClassifiedArticle {
        let article = Article(
            url: "https://example.com/akhbar/\(n)",
            sourceID: "demo",
            sourceName: "أخبار القاهرة",
            title: "مجلس الوزراء يناقش مشروع الموازنة العامة للدولة رقم \(n)",
            published: Date(timeIntervalSince1970: 1_763_885_700 + Double(n)),
            paragraphs: [
                "ناقش مجلس الوزراء في اجتماعه الأسبوعي مشروع الموازنة العامة للعام المالي الجديد رقم \(n).",
                "وأكد وزير المالية أن الموازنة تراعي زيادة الإنفاق على التعليم والصحة وتحسين الأجور.",
            ]
        )
        return ClassifiedArticle(article: article, topic: "economy", confidence: 0.9, uncertain: false, signature: [])
    }

    @Test("pages are served while a 5,000-article batch commits and stage writers wait (nothing blocks the async pool)")
    func pagesDuringABigCommit() async throws {
        let folder = try TestEnvironment.temporaryDirectory()
        let store = try ArticleStore(path: folder + "/nashra.sqlite")
        _ = try store.upsert([article(-1)])
        let router = Router(context: ReaderContext.self)
        ReaderSite(store: SQLiteArchive(store)).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        let stage = StoreStage(store: SQLiteArchive(store), logger: TestEnvironment.logger)

        // The big batch commits on a thread of its own and holds the write lock meanwhile. Two store-stage
        // batches arrive during it and must wait for that lock: had they waited blocking a thread of the
        // cooperative pool (one per core), a two-core machine would have no thread left to serve pages.
        // The write lock is first held open until pages have been answered under it, so that the test does not
        // depend on the commit outlasting a page on a busy machine (a full suite beside it once made the first
        // page slower than the whole commit); at most a minute, so that a blocked site fails rather than hangs.
        let prepared = try store.prepare((0..<5_000).map(article))
        let committing = Countdown(1)
        let held = DispatchSemaphore(value: 0)
        let commit = Thread {
            try? store.write { _ in _ = held.wait(timeout: .now() + 60) }
            _ = try? store.upsert(prepared)
            committing.decrement()
        }
        commit.start()
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for range in [5_000..<5_100, 5_100..<5_200] {
                    group.addTask { _ = await stage.process(range.map(article)) }
                }
            }
        }
        var answered = 0
        var answeredDuringCommit = 0
        while committing.isRunning {
            let response = try await http.fetch(server.base + "/")
            #expect(response.status == 200)
            answered += 1
            if committing.isRunning { answeredDuringCommit += 1 }
            if answered == 3 { held.signal() }
        }
        await writers.value
        await server.stop()
        #expect(answeredDuringCommit > 0, "the home page answered while the batch was being committed")
        #expect(try store.count() == 5_201)
        print("home page answered \(answeredDuringCommit) times during the commit (\(answered) in all)")
    }
}

/// Counts writers still committing.
private final class Countdown: Sendable {
    private let remaining: Mutex<Int>
    init(_ count: Int) { remaining = Mutex(count) }
    func decrement() { remaining.withLock { $0 -= 1 } }
    var isRunning: Bool { remaining.withLock { $0 > 0 } }
}
