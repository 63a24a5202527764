import Foundation
import GRDB

/// A WebSub subscription of one feed, as the frontier keeps it.
public struct Subscription: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Wanted (the feed advertises a hub): a subscription request is due.
        case wanted
        /// Requested; the hub has not verified it yet.
        case pending
        /// Verified by the hub: deliveries are expected until `expiresAt`.
        case active
        /// The hub refused it (`hub.mode=denied`); asked again after a day.
        case denied
    }

    public var feedURL: String
    public var sourceID: String
    public var hub: String
    public var topic: String
    /// The path segment of the callback URL that names this subscription (random, never the feed's address).
    public var callbackID: String
    public var secret: String
    public var state: State
    public var requestedAt: Date?
    public var expiresAt: Date?
    public var failures: Int
    public var lastError: String?
}

/// WebSub subscriptions in the frontier's state (`subscriptions`), one per feed whose poll found a hub.
extension FrontierState {
    static func registerWebSubMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6: websub subscriptions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE subscriptions (
                        feed_url TEXT PRIMARY KEY, source_id TEXT NOT NULL, hub TEXT NOT NULL, topic TEXT NOT NULL,
                        callback_id TEXT NOT NULL UNIQUE, secret TEXT NOT NULL, state TEXT NOT NULL,
                        requested_at REAL, expires_at REAL, failures INTEGER NOT NULL DEFAULT 0, last_error TEXT
                    )
                    """
            )
        }
    }

    /// Notes that a polled feed advertises `hub` for `topic`: a new subscription is wanted, or a changed hub or
    /// topic replaces the old one. A feed already subscribed at that hub is left as it is.
    /// - Returns: whether a subscription request is now due.
    @discardableResult
    public func want(feed: String, sourceID: String, hub: String, topic: String) throws -> Bool {
        try queue.write { db in
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT hub, topic FROM subscriptions WHERE feed_url = ?",
                arguments: [feed]
            ), row["hub"] as String == hub, row["topic"] as String == topic {
                return false
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO subscriptions (feed_url, source_id, hub, topic, callback_id, secret, state)
                    VALUES (?, ?, ?, ?, ?, ?, 'wanted')
                    """,
                arguments: [feed, sourceID, hub, topic, Self.randomToken(16), Self.randomToken(32)]
            )
            return true
        }
    }

    /// Subscriptions whose request is due at `now`: wanted ones; pending ones the hub did not verify within
    /// `verifyWithin` seconds; active ones that expire within `renewBefore` seconds (no sooner than `minimumGap`
    /// after the last request); denied or failed ones after a back-off (a minute doubling per failure, at most a
    /// day).
    public func dueSubscriptions(
        at now: Date,
        verifyWithin: Double = 600,
        renewBefore: Double = 3600,
        minimumGap: Double = 60
    ) throws -> [Subscription] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM subscriptions").map(Self.subscription).filter { subscription in
                let backoff = min(86_400, 60 * pow(2, Double(min(subscription.failures, 12))))
                let since = subscription.requestedAt.map { now.timeIntervalSince($0) } ?? .infinity
                switch subscription.state {
                case .wanted: return subscription.failures == 0 || since >= backoff
                case .pending: return since >= max(verifyWithin, subscription.failures > 0 ? backoff : 0)
                case .active:
                    return (subscription.expiresAt.map { $0.timeIntervalSince(now) } ?? 0) <= renewBefore
                        && since >= minimumGap
                case .denied: return since >= 86_400
                }
            }
        }
    }

    /// Records a subscription request sent (`error` nil: the hub accepted it and will verify it).
    public func requested(feed: String, at now: Date, error: String?) throws {
        try queue.write { db in
            if let error {
                try db.execute(
                    sql: """
                        UPDATE subscriptions SET requested_at = ?, failures = failures + 1, last_error = ?
                        WHERE feed_url = ?
                        """,
                    arguments: [now.timeIntervalSince1970, error, feed]
                )
            } else {
                // An active subscription stays active while its renewal is verified.
                try db.execute(
                    sql: """
                        UPDATE subscriptions SET requested_at = ?, failures = 0, last_error = NULL,
                            state = CASE state WHEN 'active' THEN 'active' ELSE 'pending' END
                        WHERE feed_url = ?
                        """,
                    arguments: [now.timeIntervalSince1970, feed]
                )
            }
        }
    }

    /// The subscription a callback path names.
    public func subscription(callbackID: String) throws -> Subscription? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subscriptions WHERE callback_id = ?", arguments: [callbackID])
                .map(Self.subscription)
        }
    }

    /// The hub's verification of a request: active until `now + lease` (subscribe), or denied.
    public func verified(callbackID: String, lease: Double?, at now: Date, denied: String? = nil) throws {
        try queue.write { db in
            if let denied {
                try db.execute(
                    sql: "UPDATE subscriptions SET state = 'denied', last_error = ? WHERE callback_id = ?",
                    arguments: [denied, callbackID]
                )
            } else {
                try db.execute(
                    sql: "UPDATE subscriptions SET state = 'active', expires_at = ? WHERE callback_id = ?",
                    arguments: [now.addingTimeInterval(lease ?? 86_400).timeIntervalSince1970, callbackID]
                )
            }
        }
    }

    /// The feeds with a live subscription at `now` (polled more slowly: the hub pushes their news).
    public func pushedFeeds(at now: Date) throws -> Set<String> {
        try queue.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: "SELECT feed_url FROM subscriptions WHERE state = 'active' AND expires_at > ?",
                    arguments: [now.timeIntervalSince1970]
                )
            )
        }
    }

    public func subscriptions() throws -> [Subscription] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM subscriptions").map(Self.subscription) }
    }

    private static func subscription(_ row: Row) -> Subscription {
        Subscription(
            feedURL: row["feed_url"],
            sourceID: row["source_id"],
            hub: row["hub"],
            topic: row["topic"],
            callbackID: row["callback_id"],
            secret: row["secret"],
            state: Subscription.State(rawValue: row["state"]) ?? .wanted,
            requestedAt: (row["requested_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            expiresAt: (row["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            failures: row["failures"],
            lastError: row["last_error"]
        )
    }

    /// A random token of `bytes` bytes, hex: callback paths and secrets.
    static func randomToken(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
