import Foundation
import Logging
import NIOSSL
import NashraMessages
import NashraRuntime
import PostgresNIO

/// The PostgreSQL back end (`NASHRA_DB=postgres://user[:password]@host[:port]/database[?sslmode=…]`), through
/// PostgresNIO's connection pool.
///
/// Why PostgresNIO rather than libpq: it is the maintained Swift client (Vapor's), async and `Sendable`, with
/// a connection pool, binary binds and array parameters (a batch's lookups are one query each), and it resolves
/// offline here; libpq would be a second C wrapper with its own threading. Why PostgreSQL: more than one store
/// writer on one queue (batches prepared in parallel; story assignment serialised by a transaction-level
/// advisory lock), readers on other machines, and an archive larger than one disk wants.
///
/// The schema mirrors SQLite's: `seq` (a BIGSERIAL) plays the part of SQLite's rowid (insertion order, the band
/// index's article key); search is a `tsvector` column over `SearchText`'s folded forms (`simple`
/// configuration: no stemming or stop words of its own, since the forms are already folded and stemmed) with a
/// GIN index; images, reports and story bands hang on their article by foreign keys that cascade on delete.
public final class PostgresArchive: NewsArchive {
    package let client: PostgresClient
    private let running: Task<Void, Never>
    package let logger: Logger
    public let location: String
    /// The salt of readers' identities (settings table), read once.
    let salt: String

    /// Whether `location` names a PostgreSQL database.
    public static func handles(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Connects, and brings the schema up to date (one migrating process at a time: an advisory lock).
    /// - Throws: `PostgresArchiveError.badURL`, or the server's error when it cannot be reached or migrated.
    /// How long one batch's write may take before it is abandoned and tried again (see `store`).
    let writeDeadline: Double

    public init(url: String, maximumConnections: Int = 8, writeDeadline: Double = 60, logger: Logger) async throws {
        var configuration = try Self.clientConfiguration(url: url)
        configuration.options.maximumConnections = maximumConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: PoolStartLogging.background(logger))
        let running = Task { await client.run() }
        do {
            try await Self.migrate(client, logger: logger)
            salt = try await Self.readerSalt(client, logger: logger)
        } catch {
            running.cancel()
            throw error
        }
        self.client = client
        self.running = running
        self.logger = logger
        self.writeDeadline = writeDeadline
        var shown = URLComponents(string: url)
        shown?.password = nil
        location = shown?.string ?? "postgres://\(configuration.host ?? "")"
    }

    /// PostgresNIO's configuration for a `postgres://user[:password]@host[:port]/database[?sslmode=…]` URL
    /// (`sslmode` disable, the default here, prefer or require).
    /// - Throws: `PostgresArchiveError.badURL`.
    public static func clientConfiguration(url: String) throws -> PostgresClient.Configuration {
        guard let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty else {
            throw PostgresArchiveError.badURL(url)
        }
        let mode = parts.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw PostgresArchiveError.badURL(url)
        }
        return PostgresClient.Configuration(
            host: host,
            port: parts.port ?? 5432,
            username: parts.user.flatMap { $0.removingPercentEncoding } ?? "postgres",
            password: parts.password.flatMap { $0.removingPercentEncoding },
            database: String(parts.path.dropFirst()).removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 },
            tls: tls
        )
    }

    public func close() async {
        running.cancel()
        _ = await running.value
    }

    /// Connection trouble (the pool's own errors included), the server shutting down or out of resources (SQLSTATE classes 08, 53, 57P, 58),
    /// serialisation failures and deadlocks (40001, 40P01): none of them is the batch's fault.
    public func isEnvironmental(_ error: any Error) -> Bool {
        // The pool gives up on a server it cannot reach (its circuit breaker) or is shutting down. PostgresNIO
        // throws its pool's own error type for these, from a module whose product name is underscored (not API):
        // the type is known by its name rather than imported. The PostgreSQL contract test cuts a server off and
        // checks that the failures that follow count as environmental.
        if String(reflecting: type(of: error)).hasSuffix(".ConnectionPoolError") { return true }
        // A write abandoned at its deadline: its connection died under it (see `store`).
        if error is DeadlineExceeded { return true }
        // A transaction's error wraps the failed step's (BEGIN on a connection the server closed, a statement, COMMIT).
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains {
                $0.map(isEnvironmental) ?? false
            }
        }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") || state.hasPrefix("58")
                || state == "40001" || state == "40P01"
        default:
            return false
        }
    }

    public func count() async throws -> Int {
        try await one(client.query("SELECT count(*) FROM articles", logger: logger), Int.self) ?? 0
    }

    /// The columns of an article for `StoredArticle` (`decodeArticles`), `body` last.
    static let articleColumns =
        """
        id, url, source_id, source_name, title, published, fetched_at, topic, confidence, uncertain, cluster_id, \
        language, time_zone, credit
        """

    /// The topics with articles: a loose index scan of the topic index (one probe per topic).
    public func topics() async throws -> [String] {
        let rows = try await client.query(
            """
            WITH RECURSIVE next(topic) AS (
                SELECT min(topic) FROM articles
                UNION ALL
                SELECT (SELECT min(topic) FROM articles WHERE topic > next.topic) FROM next WHERE next.topic IS NOT NULL
            )
            SELECT topic FROM next WHERE topic IS NOT NULL
            """,
            logger: logger
        )
        var topics: [String] = []
        for try await topic in rows.decode(String.self) { topics.append(topic) }
        return topics
    }

    public func hasArticles(ofTopic topic: String) async throws -> Bool {
        try await one(client.query("SELECT 1 FROM articles WHERE topic = \(topic) LIMIT 1", logger: logger), Int32.self)
            != nil
    }

    public func article(id: String) async throws -> StoredArticle? {
        try await articles(ids: [id]).first
    }

    /// Articles by id, in the order of `ids`, with their images unless `images` is false (search results).
    func articles(ids: [String], images: Bool = true) async throws -> [StoredArticle] {
        guard !ids.isEmpty else { return [] }
        let rows = try await decodeArticles(
            client.query(
                "SELECT \(unescaped: Self.articleColumns), body FROM articles WHERE id = ANY(\(ids))",
                logger: logger
            )
        )
        let found = images ? try await withImages(rows) : rows
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    public func sameStory(as id: String) async throws -> [StoredArticle] {
        let rows = try await client.query(
            """
            SELECT id FROM articles WHERE cluster_id = (SELECT cluster_id FROM articles WHERE id = \(id))
                AND id <> \(id) ORDER BY sort_time, id LIMIT 20
            """,
            logger: logger
        )
        var ids: [String] = []
        for try await other in rows.decode(String.self) { ids.append(other) }
        return try await articles(ids: ids)
    }

    public func freshness(window: TimeInterval, now: Date) async throws -> Freshness {
        let rows = try await client.query(
            """
            SELECT created_at, published, discovered_at FROM articles
            WHERE created_at >= \(now.timeIntervalSince1970 - window)
            """,
            logger: logger
        )
        var published: [Double] = []
        var discovered: [Double] = []
        for try await (created, time, found) in rows.decode((Double, Double?, Double?).self) {
            if let time { published.append(max(0, created - time)) }
            if let found { discovered.append(max(0, created - found)) }
        }
        return Freshness(sincePublished: .init(published), sinceDiscovered: .init(discovered), window: window)
    }

    public func storedRows() async throws -> [StoredRow] {
        let rows = try await client.query("SELECT id, url, created_at FROM articles", logger: logger)
        var stored: [StoredRow] = []
        for try await (id, url, created) in rows.decode((String, String, Double).self) {
            stored.append(StoredRow(id: id, url: url, createdAt: created))
        }
        return stored
    }

    /// The first column of the first row, or nil.
    func one<T: PostgresDecodable & Sendable>(_ rows: PostgresRowSequence, _ type: T.Type) async throws -> T? {
        for try await value in rows.decode(T.self) { return value }
        return nil
    }

    func decodeArticles(_ rows: PostgresRowSequence) async throws -> [StoredArticle] {
        var articles: [StoredArticle] = []
        for try await row in rows.decode(
            (
                String, String, String, String?, String, Double?, Double, String, Double, Bool, String?, String?,
                String?, String?, String
            ).self
        ) {
            let (
                id, url, source, name, title, published, fetched, topic, confidence, uncertain, cluster, language,
                zone, credit, body
            ) = row
            articles.append(
                StoredArticle(
                    id: id,
                    url: url,
                    sourceID: source,
                    sourceName: name,
                    title: title,
                    published: published.map(Date.init(timeIntervalSince1970:)),
                    fetchedAt: Date(timeIntervalSince1970: fetched),
                    topic: topic,
                    confidence: confidence,
                    uncertain: uncertain,
                    paragraphs: body.unicodeScalars.split(separator: "\n").map { String($0) },
                    images: [],
                    clusterID: cluster,
                    language: language,
                    timeZone: zone,
                    credit: credit
                )
            )
        }
        return articles
    }

    /// The articles with their visible images (one query for all of them).
    func withImages(_ articles: [StoredArticle]) async throws -> [StoredArticle] {
        guard !articles.isEmpty else { return articles }
        let rows = try await client.query(
            """
            SELECT article_id, id, url, caption FROM images
            WHERE article_id = ANY(\(articles.map(\.id))) AND NOT hidden ORDER BY article_id, position
            """,
            logger: logger
        )
        var images: [String: [StoredImage]] = [:]
        for try await (article, id, url, caption) in rows.decode((String, Int64, String, String?).self) {
            images[article, default: []].append(StoredImage(id: id, url: url, caption: caption))
        }
        return articles.map { article in
            var article = article
            article.images = images[article.id] ?? []
            return article
        }
    }
}

public enum PostgresArchiveError: Error, CustomStringConvertible {
    case badURL(String)
    /// A copy goes into an empty database only.
    case notEmpty(String)

    public var description: String {
        switch self {
        case .notEmpty(let location):
            return "\(location) already has articles: copy into an empty database"
        case .badURL:
            return
                "not a PostgreSQL URL (postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require])"
        }
    }
}
