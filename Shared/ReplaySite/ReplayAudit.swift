import Foundation

/// The exact count of a run over the replay publisher: what its manifest says each page must become, against what
/// the store holds and what the dead-letter queues hold. Pure logic, fed by `nashra-dev audit`.
public struct ReplayAudit: Codable, Sendable, Equatable {
    /// A message in a dead-letter queue.
    public struct DeadLetter: Sendable {
        /// The page's URL when the body names one (a fetch job, a page, an article), else nil (poison).
        public var url: String?
        /// The stage's `x-nashra-error` header, else RabbitMQ's `x-death` (a quorum queue's delivery limit).
        public var reason: String?
        public init(url: String?, reason: String?) {
            self.url = url
            self.reason = reason
        }
    }

    public var `case`: String
    /// Articles that must be stored (fate `stored`).
    public var expected: Int
    /// Of those, how many are stored.
    public var stored: Int
    /// Expected articles not stored, plus hostile pages neither stored nor dead-lettered: what the pipeline lost.
    public var lost: Int
    /// Rows beyond the first for one page: by URL (after dropping query and fragment) and by article id.
    public var duplicates: Int
    public var duplicatesByURL: Int
    public var duplicatesByID: Int
    public var deadLettered: Int
    /// Dead letters beyond the first for one page of the manifest: dead-lettering is at least once, so a page
    /// dead-lettered just before a broker restart, whose input was not acked in time, is dead-lettered again when it
    /// comes back. (Poison messages are not pages: several may name the same made-up URL.)
    public var deadRepeated: Int
    public var deadWithoutReason: Int
    public var restarts: Int
    /// Expected articles that ended in a dead-letter queue rather than the store (counted in `lost`).
    public var expectedDeadLettered: Int
    /// Hostile pages (fate `dead` or `either`) and where they ended.
    public var hostile: Int
    public var hostileStored: Int
    public var hostileDeadLettered: Int
    /// Stored rows for URLs the manifest does not have.
    public var unexpected: Int
    /// Dead letters about no page of the manifest (poison messages).
    public var deadForeign: Int
    /// Seconds from publication to stored, over the stored expected articles.
    public var freshnessP50: Double?
    public var freshnessP95: Double?
    /// The same over the articles served at the first request (not the ones that answer 503 or 429 first and so
    /// wait for a retry, by design).
    public var freshnessFirstTryP95: Double?
    /// From the first publication to the last article stored.
    public var spanSeconds: Double?
    /// Articles stored per second between the moments a tenth and nine tenths of them were stored: the rate the
    /// pipeline sustains, without the start (first feed polls) and the tail (the last hosts' own pace).
    public var sustainedPerSecond: Double?

    enum CodingKeys: String, CodingKey {
        case `case`, expected, stored, lost, duplicates
        case duplicatesByURL = "duplicates_by_url"
        case duplicatesByID = "duplicates_by_id"
        case deadLettered = "dead_lettered"
        case deadRepeated = "dead_repeated"
        case deadWithoutReason = "dead_without_reason"
        case restarts
        case expectedDeadLettered = "expected_dead_lettered"
        case hostile
        case hostileStored = "hostile_stored"
        case hostileDeadLettered = "hostile_dead_lettered"
        case unexpected
        case deadForeign = "dead_foreign"
        case freshnessP50 = "freshness_p50_s"
        case freshnessP95 = "freshness_p95_s"
        case freshnessFirstTryP95 = "freshness_first_try_p95_s"
        case spanSeconds = "span_s"
        case sustainedPerSecond = "sustained_per_s"
    }

    /// Whether the run kept the promise: nothing lost, nothing stored twice, every dead letter with its reason.
    public var passed: Bool { lost == 0 && duplicates == 0 && deadWithoutReason == 0 }

    /// Whether every page has come to an end (stored, or dead-lettered) — the run may be over.
    public var settled: Bool { lost == 0 }

    public init(
        case name: String,
        manifest: [ReplayArticle],
        stored rows: [(id: String, url: String, createdAt: Double)],
        deadLetters: [DeadLetter],
        restarts: Int = 0
    ) {
        self.case = name
        self.restarts = restarts
        let byURL = Dictionary(manifest.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
        var storedAt: [String: Double] = [:]
        for row in rows { storedAt[row.url] = min(storedAt[row.url] ?? .infinity, row.createdAt) }
        let dead = Set(deadLetters.compactMap(\.url))
        let good = manifest.filter { $0.fate == .stored }
        let bad = manifest.filter { $0.fate != .stored }
        expected = good.count
        stored = good.filter { storedAt[$0.url] != nil }.count
        expectedDeadLettered = good.filter { storedAt[$0.url] == nil && dead.contains($0.url) }.count
        hostile = bad.count
        hostileStored = bad.filter { storedAt[$0.url] != nil }.count
        hostileDeadLettered = bad.filter { storedAt[$0.url] == nil && dead.contains($0.url) }.count
        lost = (expected - stored) + (hostile - hostileStored - hostileDeadLettered)
        func excess(_ keys: [String]) -> Int {
            Dictionary(keys.map { ($0, 1) }, uniquingKeysWith: +).values.reduce(0) { $0 + $1 - 1 }
        }
        duplicatesByURL = excess(rows.map { Self.pageKey($0.url) })
        duplicatesByID = excess(rows.map(\.id))
        duplicates = duplicatesByURL + duplicatesByID
        unexpected = rows.filter { byURL[$0.url] == nil }.count
        deadLettered = deadLetters.count
        deadRepeated = excess(deadLetters.compactMap(\.url).filter { byURL[$0] != nil })
        deadForeign = deadLetters.filter { $0.url.map { byURL[$0] == nil } ?? true }.count
        deadWithoutReason = deadLetters.filter { ($0.reason ?? "").isEmpty }.count
        let delays = good.compactMap { article in storedAt[article.url].map { $0 - article.published } }.sorted()
        freshnessP50 = Self.percentile(delays, 0.50)
        freshnessP95 = Self.percentile(delays, 0.95)
        freshnessFirstTryP95 = Self.percentile(
            good.filter { $0.behaviour == .article }.compactMap { a in storedAt[a.url].map { $0 - a.published } }
                .sorted(),
            0.95
        )
        if let first = manifest.map(\.published).min(), let last = storedAt.values.max() {
            spanSeconds = last - first
        }
        let times = good.compactMap { storedAt[$0.url] }.sorted()
        if times.count >= 20 {
            let (low, high) = (times.count / 10, times.count * 9 / 10)
            let seconds = times[high] - times[low]
            if seconds > 0 { sustainedPerSecond = (Double(high - low) / seconds * 10).rounded() / 10 }
        }
    }

    /// A URL without its query and fragment, host in lower case: two rows with one key are one page stored twice.
    static func pageKey(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.query = nil
        components.fragment = nil
        components.host = components.host?.lowercased()
        return components.string ?? url
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return (sorted[min(sorted.count - 1, max(0, rank))] * 1000).rounded() / 1000
    }

    /// The URL a dead-lettered body is about: `url` at its top level (fetch job, page) or in `article` or `job`.
    public static func url(inBody body: Data) -> String? {
        // The whole body: a page's dead letter carries the page (a 1.7 MB body for the deeply nested one).
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return nil
        }
        if let url = object["url"] as? String { return url }
        for key in ["article", "job"] {
            if let inner = object[key] as? [String: Any], let url = inner["url"] as? String { return url }
        }
        return nil
    }

    /// The manifest written by `nashra-dev replay-site --manifest`.
    /// - Throws: when the file cannot be read or a line is not a manifest entry.
    public static func readManifest(_ path: String) throws -> [ReplayArticle] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(ReplayArticle.self, from: Data($0.utf8)) }
    }
}
