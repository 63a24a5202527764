import Classifier
import FetchFrontier
import Fetcher
import Foundation
import Hummingbird
import Logging
import NashraAMQP
import NashraHTTP
import NashraMessages
import NashraRuntime
import Parser
import ReaderWeb
import Store
import Synchronization
import TestSupport
import Testing

extension BrokerTests {
    @Suite("Takedown while the pipeline runs") struct TakedownTests {
        /// The demo runs through all four stages over the real broker into SQLite while the reader site serves it.
        /// An article removed then is gone from the site at once, and a fresh fetch of it (`nashra refetch`) goes
        /// through every stage again and is refused by the store.
        @Test func removedArticleIsNotBroughtBackByARefetch() async throws {
            let directory = try TestEnvironment.temporaryDirectory()
            let archive = WatchedArchive(SQLiteArchive(try ArticleStore(path: directory + "/nashra.sqlite")))
            let pipeline = try await DemoPipeline(archive: archive, prefix: "takedown", directory: directory)
            let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
            let router = Router(context: ReaderContext.self)
            ReaderSite(store: archive).addRoutes(to: router)
            let reader = try await TestHTTPServer.start(router: router)
            func stop() async {
                await pipeline.stop()
                await reader.stop()
            }
            do {
                #expect(await TestEnvironment.waitUntil(timeout: 90) { (try? await archive.count()) == 7 })
                let sport = try #require(try await archive.latest(limit: 10).first { $0.url.contains("sport") })
                func page(_ path: String) async throws -> String {
                    String(decoding: try await http.fetch(reader.base + path).body, as: UTF8.self)
                }
                #expect(try await page("/").contains(sport.title))
                // The frontier's feed report reached the store by its queue: the directory says the feeds are fine.
                #expect(
                    await TestEnvironment.waitUntil(timeout: 30) {
                        (try? await archive.sources(since: .distantPast).contains { $0.feeds?.broken == 0 }) == true
                    }
                )
                #expect(try await page("/sources").contains("الخلاصات سليمة"))

                _ = try await archive.remove(article: sport.url, reason: "طلب الناشر")
                let surfaces = [
                    "/", "/section/sport", "/source/\(sport.sourceID)", "/feed.xml", "/feed.json", "/api/articles",
                    "/search?q=" + "الأهلي".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                ]
                for path in surfaces { #expect(try await !page(path).contains(sport.title), "\(path)") }
                #expect(try await http.fetch(reader.base + "/article/" + sport.id).status == 404)

                // `nashra refetch`: the frontier sends it again; it goes through every stage to the store.
                let delivered = archive.deliveries(of: sport.id)
                try pipeline.state.requeue(
                    FetchJob(kind: .article, url: sport.url, sourceID: sport.sourceID, sourceName: sport.sourceName),
                    attempts: 0,
                    notBefore: Date()
                )
                #expect(
                    await TestEnvironment.waitUntil(timeout: 90) { archive.deliveries(of: sport.id) > delivered },
                    "the fresh fetch reaches the store"
                )
                #expect(try await archive.article(id: sport.id) == nil, "refused: not brought back")
                #expect(try await archive.count() == 6)
                for path in surfaces { #expect(try await !page(path).contains(sport.title), "\(path)") }
                #expect(try await archive.removals().map(\.key) == [sport.id])
            } catch {
                await stop()
                throw error
            }
            await stop()
        }
    }
}

/// The real archive, counting how often each article reached `store(_:)`: the test's way of knowing that a
/// delivery arrived at the store, whatever the store made of it.
final class WatchedArchive: NewsArchive {
    let archive: any NewsArchive
    private let seen = Mutex<[String: Int]>([:])

    init(_ archive: any NewsArchive) { self.archive = archive }

    func deliveries(of id: String) -> Int { seen.withLock { $0[id] ?? 0 } }

    var location: String { archive.location }
    func store(_ batch: [ClassifiedArticle]) async throws -> Set<String> {
        let stored = try await archive.store(batch)
        seen.withLock { seen in for item in batch { seen[item.article.id, default: 0] += 1 } }
        return stored
    }
    func isEnvironmental(_ error: any Error) -> Bool { archive.isEnvironmental(error) }
    func count() async throws -> Int { try await archive.count() }
    func list(_ query: ArticleQuery) async throws -> [StoredArticle] { try await archive.list(query) }
    func headlines(ids: [String]) async throws -> [StoredArticle] { try await archive.headlines(ids: ids) }
    func story(_ id: String, limit: Int) async throws -> [StoredArticle] { try await archive.story(id, limit: limit) }
    func coverage(since: Date) async throws -> [StoryCoverage] { try await archive.coverage(since: since) }
    func sources(since: Date) async throws -> [SourceSummary] { try await archive.sources(since: since) }
    func record(health: SourceHealthReport) async throws { try await archive.record(health: health) }
    func multiOutletStories(limit: Int, before: Date?) async throws -> [StoryEntry] {
        try await archive.multiOutletStories(limit: limit, before: before)
    }
    func topics() async throws -> [String] { try await archive.topics() }
    func hasArticles(ofTopic topic: String) async throws -> Bool { try await archive.hasArticles(ofTopic: topic) }
    func article(id: String) async throws -> StoredArticle? { try await archive.article(id: id) }
    func sameStory(as id: String) async throws -> [StoredArticle] { try await archive.sameStory(as: id) }
    func search(_ query: String, limit: Int) async throws -> [SearchHit] {
        try await archive.search(query, limit: limit)
    }
    func searchNewest(_ query: String, limit: Int, before: Int64?, after: Int64?) async throws -> [SearchHit] {
        try await archive.searchNewest(query, limit: limit, before: before, after: after)
    }
    func remove(article idOrURL: String, reason: String) async throws -> Removal {
        try await archive.remove(article: idOrURL, reason: reason)
    }
    func hide(source: String, reason: String) async throws -> Removal {
        try await archive.hide(source: source, reason: reason)
    }
    func unhide(source: String) async throws -> Bool { try await archive.unhide(source: source) }
    func removals() async throws -> [Removal] { try await archive.removals() }
    func takedownVersion() async throws -> Int64 { try await archive.takedownVersion() }
    func report(image: Int64, address: String, userAgent: String, threshold: Int, perHour: Int) async throws
        -> ReportOutcome
    {
        try await archive.report(
            image: image,
            address: address,
            userAgent: userAgent,
            threshold: threshold,
            perHour: perHour
        )
    }
    func restore(image: Int64) async throws { try await archive.restore(image: image) }
    func freshness(window: TimeInterval, now: Date) async throws -> Freshness {
        try await archive.freshness(window: window, now: now)
    }
    func prune(olderThan horizon: Date) async throws -> Int { try await archive.prune(olderThan: horizon) }
    func storedRows() async throws -> [StoredRow] { try await archive.storedRows() }
    func close() async { await archive.close() }
}
