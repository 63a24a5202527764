import Crypto
import Foundation
import NashraHTTP
import Synchronization

/// A WebSub hub (https://www.w3.org/TR/websub/) for the demo publisher and the tests, following the
/// specification's hub side: a subscription request (`POST /hub`, form-encoded `hub.mode`, `hub.callback`,
/// `hub.topic`, `hub.secret`, `hub.lease_seconds`) is answered 202 and verified asynchronously with a GET of the
/// callback carrying a random `hub.challenge`, which the subscriber must echo; a verified subscription lasts its
/// lease (at most `maximumLease`). When a topic changes (`publish`), the hub POSTs its content to every
/// subscription still within its lease, with `Link` headers (hub, self) and `X-Hub-Signature: sha256=…`, an
/// HMAC of the body with the subscriber's secret.
public final class DemoHub: Sendable {
    public struct Subscription: Sendable, Equatable {
        public var callback: String
        public var topic: String
        public var secret: String?
        public var expiresAt: Date
    }

    /// What happened to one delivery: the callback's status, or the error.
    public struct Delivery: Sendable, Equatable {
        public var callback: String
        public var topic: String
        public var status: Int?
    }

    public let maximumLease: Int
    let http: HTTPFetcher
    private let subscriptions = Mutex<[Subscription]>([])
    private let deliveries = Mutex<[Delivery]>([])
    /// Called once per verified subscription (the demo site releases its late article after the first).
    let onSubscribed: @Sendable (Subscription) -> Void

    public init(
        maximumLease: Int = 86_400,
        http: HTTPFetcher = HTTPFetcher(
            userAgent: "Nashra demo hub",
            addressPolicy: AddressPolicy(allowList: "127.0.0.1/32")
        ),
        onSubscribed: @escaping @Sendable (Subscription) -> Void = { _ in }
    ) {
        self.maximumLease = maximumLease
        self.http = http
        self.onSubscribed = onSubscribed
    }

    /// The verified subscriptions (expired ones included until they are replaced).
    public var current: [Subscription] { subscriptions.withLock { $0 } }
    /// Every delivery so far, oldest first.
    public var delivered: [Delivery] { deliveries.withLock { $0 } }

    /// A subscription request's form: 202 and verification in the background, or 400 with the reason.
    public func request(form: [String: String]) -> (status: Int, reason: String) {
        guard let mode = form["hub.mode"], mode == "subscribe" || mode == "unsubscribe" else {
            return (400, "hub.mode must be subscribe or unsubscribe")
        }
        guard let callback = form["hub.callback"], let scheme = URL(string: callback)?.scheme,
            ["http", "https"].contains(scheme.lowercased())
        else { return (400, "hub.callback must be an http(s) URL") }
        guard let topic = form["hub.topic"], URL(string: topic)?.host != nil else {
            return (400, "hub.topic must be a URL")
        }
        let secret = form["hub.secret"]
        if let secret, secret.utf8.count >= 200 { return (400, "hub.secret must be under 200 bytes") }
        let lease = min(maximumLease, max(1, form["hub.lease_seconds"].flatMap(Int.init) ?? maximumLease))
        Task { await self.verify(mode: mode, callback: callback, topic: topic, secret: secret, lease: lease) }
        return (202, "")
    }

    /// The verification of intent: the subscription counts only if the callback echoes the challenge.
    func verify(mode: String, callback: String, topic: String, secret: String?, lease: Int) async {
        let challenge = UUID().uuidString
        var components = URLComponents(string: callback)
        let existing = components?.queryItems ?? []
        components?.queryItems =
            existing + [
                URLQueryItem(name: "hub.mode", value: mode), URLQueryItem(name: "hub.topic", value: topic),
                URLQueryItem(name: "hub.challenge", value: challenge),
                URLQueryItem(name: "hub.lease_seconds", value: String(lease)),
            ]
        guard let address = components?.url?.absoluteString,
            let response = try? await http.fetch(address),
            (200..<300).contains(response.status), String(decoding: response.body, as: UTF8.self) == challenge
        else { return }
        let subscription = Subscription(
            callback: callback,
            topic: topic,
            secret: secret,
            expiresAt: Date().addingTimeInterval(Double(lease))
        )
        subscriptions.withLock { list in
            list.removeAll { $0.callback == callback && $0.topic == topic }
            if mode == "subscribe" { list.append(subscription) }
        }
        if mode == "subscribe" { onSubscribed(subscription) }
    }

    /// Delivers `content` of `topic` to every subscription within its lease; returns the deliveries made.
    @discardableResult
    public func publish(topic: String, content: Data, contentType: String, hub: String) async -> [Delivery] {
        let now = Date()
        let targets = subscriptions.withLock { $0.filter { $0.topic == topic && $0.expiresAt > now } }
        var made: [Delivery] = []
        for subscription in targets {
            var headers = ["Link": "<\(hub)>; rel=\"hub\", <\(topic)>; rel=\"self\""]
            if let secret = subscription.secret {
                headers["X-Hub-Signature"] = "sha256=" + Self.signature(content, secret: secret)
            }
            let response = try? await http.fetch(
                subscription.callback,
                headers: headers,
                method: .post(body: content, contentType: contentType)
            )
            made.append(Delivery(callback: subscription.callback, topic: topic, status: response?.status))
        }
        deliveries.withLock { $0 += made }
        return made
    }

    /// HMAC-SHA256 of `body` with `secret`, in hex.
    public static func signature(_ body: Data, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    /// A form-encoded body as a dictionary (the last value of a repeated name).
    static func form(_ body: Data) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }
}
