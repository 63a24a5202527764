import Foundation
import Hummingbird
import NashraHTTP
import Synchronization

/// Who is asking. The peer's address, unless the peer is a proxy the operator trusts (`NASHRA_TRUSTED_PROXIES`,
/// addresses or CIDR ranges): then the client is the rightmost address of `X-Forwarded-For` that is not itself a
/// trusted proxy (addresses to its left were written by the client and prove nothing). A site behind a proxy that
/// is not trusted here sees one client, the proxy: every reader would share its report and search limits.
public struct ClientAddresses: Sendable {
    let trusted: [IPRange]

    /// - Parameter trustedProxies: addresses or CIDR ranges, separated by commas (empty: trust none).
    public init(trustedProxies: String = "") {
        trusted = trustedProxies.split(separator: ",").compactMap { item in
            let text = item.trimmingCharacters(in: .whitespaces)
            return IPRange(text.contains("/") ? text : text + (text.contains(":") ? "/128" : "/32"))
        }
    }

    func isTrusted(_ address: String) -> Bool {
        guard let ip = IPAddress(address) else { return false }
        return trusted.contains { $0.contains(ip) }
    }

    /// The client of a request that came from `peer` with this `X-Forwarded-For`.
    public func client(peer: String?, forwardedFor: String?) -> String {
        let peer = peer ?? "unknown"
        guard isTrusted(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.last { !isTrusted($0) && IPAddress($0) != nil } ?? peer
    }

    func client(of request: Request, context: ReaderContext) -> String {
        client(peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[.init("X-Forwarded-For")!])
    }
}

/// A token bucket per client: `perMinute` requests a minute on average, bursts of as many. The map keeps at most
/// `capacity` clients; past that the least recently seen are dropped (a flood of new addresses costs memory once,
/// not forever).
public final class ClientRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Double
    }

    public let perMinute: Int
    let capacity: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(perMinute: Int, capacity: Int = 100_000) {
        self.perMinute = perMinute
        self.capacity = capacity
    }

    /// Takes one request of `client` at `now`: nil when allowed, else the seconds until one would be.
    public func take(_ client: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        let rate = Double(perMinute) / 60
        let burst = Double(perMinute)
        return buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            defer {
                buckets[client] = bucket
                if buckets.count > capacity {
                    // Drop the tenth least recently seen: amortised, one sort per `capacity / 10` new clients.
                    let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(capacity / 10)
                    for (key, _) in oldest { buckets.removeValue(forKey: key) }
                }
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / rate }
            bucket.tokens -= 1
            return nil
        }
    }
}
