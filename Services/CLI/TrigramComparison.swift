import ArabicText
import Foundation
import Logging
import PostgresNIO
import Store

/// `nashra bench store --db postgres://… --trigram`: the store's search (a `tsvector` of `SearchText`'s folded
/// words, GIN-indexed) beside the alternative the design weighed, `pg_trgm` over the same folded forms (a trigram
/// GIN index, every query term matched as a substring, `LIKE '%term%'`), on the same queries: latency, matches, and
/// index size. The trigram table is made for the comparison and dropped after it.
enum TrigramComparison {
    static func run(url: String, queries: [String]) async throws {
        let logger = Logger(label: "nashra.bench.trigram")
        var configuration = try PostgresArchive.clientConfiguration(url: url)
        configuration.options.maximumConnections = 2
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }

        try await client.query("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        try await client.query("DROP TABLE IF EXISTS bench_trigram")
        try await client.query("CREATE TABLE bench_trigram (seq BIGINT PRIMARY KEY, form TEXT NOT NULL)")
        // The folded forms, made here as the store makes them (it keeps only the tsvector).
        var after: Int64 = 0
        while true {
            var seqs: [Int64] = []
            var forms: [String] = []
            let rows = try await client.query(
                "SELECT seq, title, body FROM articles WHERE seq > \(after) ORDER BY seq LIMIT 5000"
            )
            for try await (seq, title, body) in rows.decode((Int64, String, String).self) {
                seqs.append(seq)
                forms.append(SearchText.indexForm(title) + " " + SearchText.indexForm(body))
            }
            guard let last = seqs.last else { break }
            try await client.query(
                "INSERT INTO bench_trigram SELECT * FROM unnest(\(seqs)::bigint[], \(forms)::text[])"
            )
            after = last
        }
        let indexing = Date()
        try await client.query("CREATE INDEX bench_trigram_form ON bench_trigram USING gin (form gin_trgm_ops)")
        let indexSeconds = Date().timeIntervalSince(indexing)
        try await client.query("ANALYZE bench_trigram")
        try await client.query("ANALYZE articles")

        var results: [(name: String, latencies: [Double], hits: Int)] = [("tsvector", [], 0), ("pg_trgm", [], 0)]
        for query in queries {
            let terms = Array(SearchText.terms(query).prefix(12))
            guard !terms.isEmpty else { continue }
            var start = Date()
            var count = 0
            for try await _ in try await client.query(
                """
                SELECT seq FROM articles WHERE search @@ plainto_tsquery('simple', \(terms.joined(separator: " ")))
                ORDER BY seq DESC LIMIT 2000
                """
            ).decode(Int64.self) { count += 1 }
            results[0].latencies.append(Date().timeIntervalSince(start) * 1000)
            results[0].hits += count
            // Every term a substring of the forms (escaped for LIKE).
            var bindings = PostgresBindings()
            for term in terms {
                let escaped = term.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                bindings.append("%" + escaped + "%")
            }
            let conditions = (1...terms.count).map { "form LIKE $\($0)" }.joined(separator: " AND ")
            start = Date()
            count = 0
            for try await _ in try await client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT seq FROM bench_trigram WHERE \(conditions) ORDER BY seq DESC LIMIT 2000",
                    binds: bindings
                )
            ).decode(Int64.self) { count += 1 }
            results[1].latencies.append(Date().timeIntervalSince(start) * 1000)
            results[1].hits += count
        }
        var sizes: [Int64] = []
        for index in ["articles_search", "bench_trigram_form"] {
            for try await size in try await client.query("SELECT pg_relation_size(\(index)::regclass)").decode(
                Int64.self
            ) { sizes.append(size) }
        }
        print("search index beside pg_trgm (the same \(queries.count) queries; matches up to the 2,000 newest):")
        for (row, size) in zip(results, sizes) {
            let percentile = StoreBench.percentiles(row.latencies)
            print(
                String(
                    format: "  %-9@ p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  %7.1f matches a query  index %5.0f MB",
                    row.name,
                    percentile(0.5),
                    percentile(0.95),
                    percentile(0.99),
                    Double(row.hits) / Double(max(1, row.latencies.count)),
                    Double(size) / 1_048_576
                )
            )
        }
        print(String(format: "  (the trigram index took %.1f s to build)", indexSeconds))
        try await client.query("DROP TABLE bench_trigram")
    }
}
