import Foundation
import Logging
import PostgresNIO
import Store
import StoreTools
import TestSupport
import Testing

/// The store contract on the embedded default: a fresh SQLite file per test.
@Suite("The store contract on SQLite") struct NewsArchiveContractTests {
    func contract() throws -> ArchiveContract {
        try ArchiveContract(
            SQLiteArchive(ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite"))
        )
    }

    @Test func writesAndReads() async throws { try await contract().writesAndReads() }
    @Test func arabicSearch() async throws { try await contract().arabicSearch() }
    @Test func stories() async throws { try await contract().stories() }
    @Test func imageReports() async throws { try await contract().imageReports() }
    @Test func pruneAndFreshness() async throws { try await contract().pruneAndFreshness() }
    @Test func readerSite() async throws { try await contract().readerSite() }
    @Test func listsAndSources() async throws { try await contract().listsAndSources() }
    @Test func coverageSite() async throws { try await contract().coverageSite() }
    @Test func takedown() async throws { try await contract().takedown() }
    @Test func searchPaging() async throws { try await contract().searchPaging() }
    @Test func zonesAndCredits() async throws { try await contract().zonesAndCredits() }
}

/// The same contract on PostgreSQL: a fresh database per test on the server of `NASHRA_TEST_POSTGRES_URL`
/// (`deploy/test.sh` starts one with `deploy/postgres.sh`).
@Suite(
    "The store contract on PostgreSQL",
    .enabled(if: PostgresTestServer.available, "NASHRA_TEST_POSTGRES_URL is not set (deploy/test.sh starts one)")
)
struct PostgresStoreTests {
    func withContract(_ body: (ArchiveContract) async throws -> Void) async throws {
        let archive = try await PostgresArchive(
            url: try await PostgresTestServer.freshDatabase(),
            logger: TestEnvironment.logger
        )
        do {
            try await body(try ArchiveContract(archive))
        } catch {
            await archive.close()
            throw error
        }
        await archive.close()
    }

    @Test func writesAndReads() async throws { try await withContract { try await $0.writesAndReads() } }
    @Test func arabicSearch() async throws { try await withContract { try await $0.arabicSearch() } }
    @Test func stories() async throws { try await withContract { try await $0.stories() } }
    @Test func imageReports() async throws { try await withContract { try await $0.imageReports() } }
    @Test func pruneAndFreshness() async throws { try await withContract { try await $0.pruneAndFreshness() } }
    @Test func readerSite() async throws { try await withContract { try await $0.readerSite() } }
    @Test func listsAndSources() async throws { try await withContract { try await $0.listsAndSources() } }
    @Test func coverageSite() async throws { try await withContract { try await $0.coverageSite() } }
    @Test func takedown() async throws { try await withContract { try await $0.takedown() } }
    @Test func searchPaging() async throws { try await withContract { try await $0.searchPaging() } }
    @Test func zonesAndCredits() async throws { try await withContract { try await $0.zonesAndCredits() } }

    @Test("a second process opening the same database finds it migrated, with its data")
    func reopen() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let first = try await PostgresArchive(url: url, logger: TestEnvironment.logger)
        let contract = try ArchiveContract(first)
        try await first.store([contract.sport])
        await first.close()
        let second = try await PostgresArchive(url: url, logger: TestEnvironment.logger)
        #expect(try await second.count() == 1)
        #expect(second.location == url, "no password to hide here")
        await second.close()
    }

    @Test("nashra copy-db: a SQLite archive moves with its stories, times, hidden images, reports and readers")
    func copyFromSQLite() async throws {
        let sqlite = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        let local = SQLiteArchive(sqlite)
        let contract = try ArchiveContract(local)
        try await local.store([contract.vaccineCairo, contract.sport])
        try await local.store([contract.vaccineMadina])
        let goal = try #require(try await local.article(id: contract.sport.article.id)?.images.first?.id)
        for address in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
            _ = try await local.report(image: goal, address: address, userAgent: "متصفح", threshold: 3, perHour: 20)
        }
        let target = try await PostgresArchive(
            url: try await PostgresTestServer.freshDatabase(),
            logger: TestEnvironment.logger
        )
        let (articles, reports) = try await target.copy(from: sqlite, batch: 2)
        #expect(articles == 3 && reports == 3)
        let before = try await local.latest(limit: 10)
        let after = try await target.latest(limit: 10)
        #expect(after.map(\.id) == before.map(\.id))
        #expect(after.map(\.clusterID) == before.map(\.clusterID), "stories kept")
        #expect(after.map(\.paragraphs) == before.map(\.paragraphs))
        #expect(
            after.map { $0.images.map(\.url) } == before.map { $0.images.map(\.url) },
            "the hidden image stays hidden"
        )
        #expect(
            Set(try await target.storedRows().map(\.createdAt)) == Set(try await local.storedRows().map(\.createdAt))
        )
        #expect(try await target.search("التطعيم", limit: 5).count == 2)
        await target.close()
        // A new process (a writer or web server) knows the copied readers and their reports.
        let reopened = try await PostgresArchive(url: target.location, logger: TestEnvironment.logger)
        let coach = try #require(try await reopened.article(id: contract.sport.article.id)?.images.first)
        #expect(coach.url == "https://img.youm7.com/coach.jpg")
        // Reader 10.0.0.1 reported within the hour: at one report an hour, known again, it is held back.
        func report(_ address: String) async throws -> ReportOutcome {
            try await reopened.report(image: coach.id, address: address, userAgent: "متصفح", threshold: 3, perHour: 1)
        }
        #expect(try await report("10.0.0.1") == .rateLimited)
        #expect(try await report("10.0.0.9") == .counted(hidden: false))
        await #expect(throws: PostgresArchiveError.self) { _ = try await reopened.copy(from: sqlite) }
        await reopened.close()
    }

    @Test("an unreachable server is an environmental error (the writer holds its batch), a bad URL a clear one")
    func errors() async throws {
        await #expect(throws: PostgresArchiveError.self) {
            _ = try await PostgresArchive(url: "postgres://", logger: TestEnvironment.logger)
        }
        let archive = try await PostgresArchive(
            url: try await PostgresTestServer.freshDatabase(),
            logger: TestEnvironment.logger
        )
        var broken = try ArchiveContract(archive).sport
        broken.article.url = String(repeating: "x", count: 10)
        try await archive.store([broken])
        var clash = try ArchiveContract(archive).vaccineCairo
        clash.article.url = broken.article.url  // another id, the same URL: a data error
        do {
            try await archive.store([clash])
            Issue.record("a second article with the same URL must be refused")
        } catch {
            #expect(!archive.isEnvironmental(error), "\(error)")
        }
        await archive.close()

        // The server gone (a relay in front of it, cut): the write fails with an error the writer holds its batch on.
        let server = try #require(URLComponents(string: try await PostgresTestServer.freshDatabase()))
        let relay = try TCPRelay(to: server.port ?? 5432)
        var relayed = server
        relayed.port = relay.port
        let distant = try await PostgresArchive(url: try #require(relayed.string), logger: TestEnvironment.logger)
        let contract = try ArchiveContract(distant)
        try await distant.store([contract.sport])
        relay.cut()
        let started = ContinuousClock.now
        // First on the pooled connection the server closed (BEGIN fails at once), then on new connections, which
        // PostgresNIO's pool retries until its circuit breaker trips (about a minute here).
        for attempt in 1...2 {
            do {
                try await distant.store([contract.vaccineCairo])
                Issue.record("a write to a server that is gone must fail (attempt \(attempt))")
            } catch {
                #expect(distant.isEnvironmental(error), "attempt \(attempt): \(error)")
            }
        }
        #expect(ContinuousClock.now - started < .seconds(180), "the failures come, in \(ContinuousClock.now - started)")
        await distant.close()
    }
}

/// The PostgreSQL server of the test run.
enum PostgresTestServer {
    static var url: String? { TestEnvironment.environment["NASHRA_TEST_POSTGRES_URL"] }

    static var available: Bool {
        if url == nil, TestEnvironment.environment["NASHRA_REQUIRE_POSTGRES"] == "1" {
            fatalError("NASHRA_REQUIRE_POSTGRES=1 but NASHRA_TEST_POSTGRES_URL is not set: run deploy/test.sh")
        }
        return url != nil
    }

    /// Creates an empty database on the server and returns its URL.
    static func freshDatabase() async throws -> String {
        let url = try #require(url)
        let name = "nashra_test_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        var parts = try #require(URLComponents(string: url))
        var configuration = try PostgresArchive.clientConfiguration(url: url)
        configuration.options.maximumConnections = 1
        let client = PostgresClient(configuration: configuration, backgroundLogger: TestEnvironment.logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await client.query("CREATE DATABASE \(unescaped: name)")
        parts.path = "/" + name
        return try #require(parts.string)
    }
}
