import Foundation
import GRDB
import NashraMessages

/// A fetch the frontier may send now: at most one per host.
public struct Release: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case feed(FeedState)
        case article(job: FetchJob, attempts: Int)
    }

    public var host: String
    public var url: String
    public var kind: Kind
    /// When an article's pending row was queued: it identifies the row, so that taking a sent article off the
    /// list never removes the retry that its own report has queued meanwhile.
    public var queuedAt: Double?
}

/// Per-host pacing: every host has at most one fetch in flight across all workers, and the next one starts no
/// sooner than the host's delay (1 s by default, longer with `Crawl-delay` or `Retry-After`) after the previous
/// one finished. The state is on disk, so a restarted frontier keeps its promises to publishers.
extension FrontierState {
    /// The pacing key of a URL: lower-case host and port.
    public static func host(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased() else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// Queues article jobs for URLs never seen before and marks them seen, in one transaction.
    /// - Returns: the URLs that were new.
    @discardableResult
    public func enqueue(_ jobs: [FetchJob], at now: Date = Date()) throws -> [String] {
        return try queue.write { db in
            var fresh: [String] = []
            for var job in jobs {
                job.discoveredAt = job.discoveredAt ?? now
                try db.execute(
                    sql: "INSERT OR IGNORE INTO seen (url, source_id, first_seen) VALUES (?, ?, ?)",
                    arguments: [job.url, job.sourceID, now.timeIntervalSince1970]
                )
                guard db.changesCount > 0 else { continue }
                let host = Self.host(of: job.url)
                try db.execute(
                    sql: "INSERT INTO pending (url, host, job, not_before, queued_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        job.url, host, try MessageCodec.encode(job), now.timeIntervalSince1970,
                        now.timeIntervalSince1970,
                    ]
                )
                try db.execute(sql: "INSERT OR IGNORE INTO hosts (host) VALUES (?)", arguments: [host])
                fresh.append(job.url)
            }
            return fresh
        }
    }

    /// Puts a job back to be tried again no sooner than `notBefore`.
    public func requeue(_ job: FetchJob, attempts: Int, notBefore: Date) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO pending (url, host, job, attempts, not_before, queued_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    job.url, Self.host(of: job.url), try MessageCodec.encode(job), attempts,
                    notBefore.timeIntervalSince1970,
                    Date().timeIntervalSince1970,
                ]
            )
            try db.execute(sql: "INSERT OR IGNORE INTO hosts (host) VALUES (?)", arguments: [Self.host(of: job.url)])
        }
    }

    /// Fetches that may start now: for every host that is free and past its delay, its due feed if any, else its
    /// oldest due article. A fetch in flight longer than `inFlightTimeout` counts as lost (its report never came).
    public func releasable(at now: Date = Date(), inFlightTimeout: Double = 120, limit: Int = 500) throws -> [Release] {
        return try queue.read { db in
            let t = now.timeIntervalSince1970
            // One read of the hosts: busy ones (pausing, or with a fetch in flight) and free ones.
            let hosts = try Row.fetchAll(
                db,
                sql: """
                    SELECT host, next_allowed > ? OR (in_flight_since IS NOT NULL AND in_flight_since > ?) AS busy
                    FROM hosts
                    """,
                arguments: [t, t - inFlightTimeout]
            )
            let busy = Set(hosts.filter { $0["busy"] }.map { $0["host"] as String })
            let free = hosts.filter { !$0["busy"] }.map { $0["host"] as String }
            var releases: [String: Release] = [:]
            for feed in try Self.dueFeeds(db, at: now) {
                let host = Self.host(of: feed.url)
                guard !busy.contains(host), releases[host] == nil else { continue }
                releases[host] = Release(host: host, url: feed.url, kind: .feed(feed))
            }
            // The oldest due article of each free host (every host with pending articles has a row in `hosts`).
            let oldest = try db.cachedStatement(
                sql: """
                    SELECT url, job, attempts, queued_at FROM pending WHERE host = ? AND not_before <= ?
                    ORDER BY queued_at LIMIT 1
                    """
            )
            for host in free where releases[host] == nil && releases.count < limit {
                guard let row = try Row.fetchOne(oldest, arguments: [host, t]) else { continue }
                let job = try MessageCodec.decode(FetchJob.self, from: row["job"] as Data)
                releases[host] = Release(
                    host: host,
                    url: row["url"],
                    kind: .article(job: job, attempts: row["attempts"]),
                    queuedAt: row["queued_at"]
                )
            }
            return Array(releases.values.prefix(limit))
        }
    }

    /// Records that `releases` were sent: their hosts are busy, their articles leave the pending list.
    public func markSent(_ releases: [Release], at now: Date = Date()) throws {
        try claim(releases, at: now)
        try removePending(releases)
    }

    /// Marks the hosts of `releases` busy, *before* their jobs are published: a worker's report may reach the
    /// intake before the publish call returns, and must find its host in flight to free it.
    public func claim(_ releases: [Release], at now: Date = Date()) throws {
        try queue.write { db in
            for release in releases {
                try db.execute(
                    sql: """
                        INSERT INTO hosts (host, in_flight_url, in_flight_since) VALUES (?, ?, ?)
                        ON CONFLICT(host) DO UPDATE SET in_flight_url = excluded.in_flight_url,
                            in_flight_since = excluded.in_flight_since
                        """,
                    arguments: [release.host, release.url, now.timeIntervalSince1970]
                )
            }
        }
    }

    /// Frees the hosts `claim` marked when their jobs could not be sent.
    public func unclaim(_ releases: [Release]) throws {
        try queue.write { db in
            for release in releases {
                try db.execute(
                    sql: """
                        UPDATE hosts SET in_flight_url = NULL, in_flight_since = NULL
                        WHERE host = ? AND in_flight_url = ?
                        """,
                    arguments: [release.host, release.url]
                )
            }
        }
    }

    /// Takes the articles of `releases` off the pending list, once the broker has confirmed their jobs (a crash
    /// before that leaves them pending: sent again, never lost).
    public func removePending(_ releases: [Release]) throws {
        try queue.write { db in
            for release in releases {
                guard case .article = release.kind else { continue }
                if let queuedAt = release.queuedAt {
                    try db.execute(
                        sql: "DELETE FROM pending WHERE url = ? AND queued_at = ?",
                        arguments: [release.url, queuedAt]
                    )
                } else {
                    try db.execute(sql: "DELETE FROM pending WHERE url = ?", arguments: [release.url])
                }
            }
        }
    }

    /// Frees a host after a fetch of `url` finished, and sets when it may be asked again.
    /// - Parameters:
    ///   - delay: the default pause between two requests to one host.
    ///   - crawlDelay: robots.txt `Crawl-delay`, remembered for the host.
    ///   - retryAfter: the host's `Retry-After`, in seconds from `finishedAt`.
    public func finished(url: String, at finishedAt: Date, delay: Double, crawlDelay: Double?, retryAfter: Double?)
        throws
    {
        let host = Self.host(of: url)
        try queue.write { db in
            let remembered = try Double.fetchOne(
                db,
                sql: "SELECT crawl_delay FROM hosts WHERE host = ?",
                arguments: [host]
            )
            let pause = max(delay, crawlDelay ?? remembered ?? 0, min(retryAfter ?? 0, 86_400))
            try db.execute(
                sql: """
                    INSERT INTO hosts (host, next_allowed, crawl_delay) VALUES (?, ?, ?)
                    ON CONFLICT(host) DO UPDATE SET next_allowed = max(hosts.next_allowed, excluded.next_allowed),
                        crawl_delay = coalesce(excluded.crawl_delay, hosts.crawl_delay),
                        in_flight_url = CASE WHEN hosts.in_flight_url = ? THEN NULL ELSE hosts.in_flight_url END,
                        in_flight_since = CASE WHEN hosts.in_flight_url = ? THEN NULL ELSE hosts.in_flight_since END
                    """,
                arguments: [host, finishedAt.timeIntervalSince1970 + pause, crawlDelay, url, url]
            )
        }
    }

    /// Seconds until the next host's pause or feed's poll interval ends, at most `cap`: how long the scheduler
    /// may sleep when nobody wakes it.
    public func secondsUntilNextDue(at now: Date = Date(), cap: Double) throws -> Double {
        let t = now.timeIntervalSince1970
        let next = try queue.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT min(due) FROM (
                        SELECT min(next_allowed) AS due FROM hosts WHERE next_allowed > ?
                        UNION ALL SELECT min(next_poll) FROM feeds)
                    """,
                arguments: [t]
            )
        }
        return min(cap, max(0, (next ?? .infinity) - t))
    }

    /// Articles waiting for their host.
    public func pendingCount() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM pending") ?? 0 }
    }
}
