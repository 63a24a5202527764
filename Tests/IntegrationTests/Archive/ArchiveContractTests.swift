import Foundation
import Logging
import PostgresNIO
import Store
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
        do {
            try await distant.store([contract.vaccineCairo])
            Issue.record("a write to a server that is gone must fail")
        } catch {
            #expect(distant.isEnvironmental(error), "\(error)")
        }
        // PostgresNIO's pool retries the connection until its circuit breaker trips: about a minute here.
        #expect(ContinuousClock.now - started < .seconds(180), "the failure comes, in \(ContinuousClock.now - started)")
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
        var configuration = PostgresClient.Configuration(
            host: parts.host ?? "127.0.0.1",
            port: parts.port ?? 5432,
            username: parts.user ?? "nashra",
            password: parts.password,
            database: String(parts.path.dropFirst()),
            tls: .disable
        )
        configuration.options.maximumConnections = 1
        let client = PostgresClient(configuration: configuration, backgroundLogger: TestEnvironment.logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await client.query("CREATE DATABASE \(unescaped: name)")
        parts.path = "/" + name
        return try #require(parts.string)
    }
}
