import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered migrations of one statement each (the extended protocol runs one statement
/// per query), applied in a transaction under an advisory lock so that writers and web servers starting together
/// migrate once.
extension PostgresArchive {
    /// Advisory lock keys of the store: migrations, and the story assignment of a batch (`store(_:)`).
    static let migrationLock: Int64 = 0x6E61_7368_7261_0001
    static let storyLock: Int64 = 0x6E61_7368_7261_0002

    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE articles (
                seq BIGSERIAL UNIQUE,
                id TEXT PRIMARY KEY,
                url TEXT NOT NULL UNIQUE,
                source_id TEXT NOT NULL,
                source_name TEXT,
                title TEXT NOT NULL,
                published DOUBLE PRECISION,
                fetched_at DOUBLE PRECISION NOT NULL,
                sort_time DOUBLE PRECISION NOT NULL,
                section TEXT,
                language TEXT,
                description TEXT,
                body TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                topic TEXT NOT NULL,
                confidence DOUBLE PRECISION NOT NULL,
                uncertain BOOLEAN NOT NULL,
                signature BYTEA,
                cluster_id TEXT,
                discovered_at DOUBLE PRECISION,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                search TSVECTOR NOT NULL,
                title_search TSVECTOR NOT NULL
            )
            """,
            "CREATE INDEX articles_recent ON articles (sort_time DESC)",
            "CREATE INDEX articles_topic ON articles (topic, sort_time DESC)",
            "CREATE INDEX articles_cluster ON articles (cluster_id, sort_time)",
            "CREATE INDEX articles_by_created ON articles (created_at)",
            "CREATE INDEX articles_search ON articles USING GIN (search)",
            """
            CREATE TABLE images (
                id BIGSERIAL PRIMARY KEY,
                article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                url TEXT NOT NULL,
                caption TEXT,
                hidden BOOLEAN NOT NULL DEFAULT false,
                UNIQUE (article_id, url)
            )
            """,
            "CREATE INDEX images_by_url ON images (url)",
            """
            CREATE TABLE story_bands (
                key BIGINT NOT NULL,
                article BIGINT NOT NULL REFERENCES articles (seq) ON DELETE CASCADE,
                PRIMARY KEY (key, article)
            )
            """,
            "CREATE INDEX story_bands_by_article ON story_bands (article)",
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            INSERT INTO settings (key, value)
            VALUES ('reader_salt', gen_random_uuid()::text || gen_random_uuid()::text)
            """,
            """
            CREATE TABLE image_reports (
                image_id BIGINT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
                reader TEXT NOT NULL,
                reported_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (image_id, reader)
            )
            """,
            "CREATE INDEX image_reports_by_reader ON image_reports (reader, reported_at)",
        ],
        // 2: lists by outlet (a source's page, the sources directory).
        ["CREATE INDEX articles_source ON articles (source_id, sort_time DESC)"],
        // 3: takedown (`Removal`): removed articles and hidden sources, refused when they come again.
        [
            """
            CREATE TABLE removed_articles (
                id TEXT PRIMARY KEY, url TEXT, title TEXT, source_id TEXT, reason TEXT NOT NULL,
                removed_at DOUBLE PRECISION NOT NULL, deleted INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE hidden_sources (
                source_id TEXT PRIMARY KEY, name TEXT, reason TEXT NOT NULL, hidden_at DOUBLE PRECISION NOT NULL,
                deleted INTEGER NOT NULL
            )
            """,
        ],
        // 4: what the reader site's page cache checks on every request (`takedownVersion`).
        [
            "CREATE TABLE takedown_version (version BIGINT NOT NULL)",
            "INSERT INTO takedown_version (version) VALUES (0)",
        ],
        // 5: top stories read the stories that grew in the last day (`coverage`).
        [
            "CREATE INDEX articles_copies ON articles (sort_time, cluster_id, id) WHERE cluster_id <> id",
            "DROP INDEX articles_cluster",
            "CREATE INDEX articles_cluster ON articles (cluster_id, sort_time, source_id)",
        ],
        // 6: the frontier's feed reports (`record(health:)`), one row per source.
        [
            """
            CREATE TABLE source_health (
                source_id TEXT PRIMARY KEY, name TEXT, feeds INTEGER NOT NULL, broken INTEGER NOT NULL,
                last_success DOUBLE PRECISION, last_error TEXT, reported_at DOUBLE PRECISION NOT NULL
            )
            """
        ],
        // 7: each article's time zone and the outlet it credits.
        ["ALTER TABLE articles ADD COLUMN time_zone TEXT", "ALTER TABLE articles ADD COLUMN credit TEXT"],
    ]

    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS nashra_schema (version INTEGER NOT NULL)",
                logger: logger
            )
            var version = 0
            for try await applied in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM nashra_schema",
                logger: logger
            ).decode(Int32.self) { version = Int(applied) }
            for (index, statements) in migrations.enumerated() where index + 1 > version {
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO nashra_schema (version) VALUES (\(Int32(index + 1)))",
                    logger: logger
                )
                logger.info("PostgreSQL schema migrated to version \(index + 1)")
            }
        }
    }

    static func readerSalt(_ client: PostgresClient, logger: Logger) async throws -> String {
        let rows = try await client.query("SELECT value FROM settings WHERE key = 'reader_salt'", logger: logger)
        for try await salt in rows.decode(String.self) { return salt }
        return ""
    }
}
