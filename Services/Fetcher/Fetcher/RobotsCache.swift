import ArabicText
import Foundation
import NashraHTTP
import Synchronization

/// robots.txt per host, fetched on first use and kept 24 hours (RFC 9309 §2.4); a 5xx or an unreachable server
/// means "disallow all" (§2.3.1.4), remembered only 10 minutes so the host is asked again soon.
public final class RobotsCache: Sendable {
    private let http: HTTPFetcher
    private let entries = Mutex<[String: (policy: RobotsPolicy, expires: Date)]>([:])

    public init(http: HTTPFetcher) { self.http = http }

    /// The policy of the host of `url`.
    public func policy(for url: String, now: Date = Date()) async -> RobotsPolicy {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased()
        else { return .disallowAll }
        let origin = "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
        if let cached = entries.withLock({ $0[origin] }), cached.expires > now { return cached.policy }
        let policy: RobotsPolicy
        let lifetime: Double
        do {
            let response = try await http.fetch(origin + "/robots.txt")
            policy = RobotsPolicy.from(status: response.status, body: response.body, userAgent: http.userAgent)
            lifetime = response.status >= 500 ? 600 : 86_400
        } catch {
            // Unreachable: RFC 9309 says disallow; a body over the cap is read as far as allowed instead.
            policy = error.code == .tooLarge ? .allowAll : .disallowAll
            lifetime = 600
        }
        entries.withLock { $0[origin] = (policy, now.addingTimeInterval(lifetime)) }
        return policy
    }
}

/// `Retry-After` as seconds from now: delta-seconds or an HTTP date.
func retryAfterSeconds(_ header: String?, now: Date = Date()) -> Double? {
    guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
    if let seconds = Double(header) { return max(0, seconds) }
    return NewsDateParser.parse(header).map { max(0, $0.timeIntervalSince(now)) }
}
