import Crypto
import Fetcher
import Foundation
import Hummingbird
import Logging
import Metrics
import NashraAMQP
import NashraHTTP
import NashraMessages
import NashraRuntime
import ServiceLifecycle

/// WebSub (W3C Recommendation, https://www.w3.org/TR/websub/), the subscriber's side: news pushed by the
/// publisher's hub within seconds, where polling finds it only at the feed's next poll.
///
/// When a poll finds that a feed advertises a hub (`<link rel="hub">` in the feed, or an HTTP `Link` header), the
/// frontier asks the hub for a subscription (`WebSubSubscriber`), with a secret of its own and a callback address
/// under `NASHRA_WEBSUB_CALLBACK` that names the subscription by a random token. The hub verifies it with a GET
/// that the callback answers with the challenge (`WebSubCallback`), then POSTs the feed whenever it changes, signed
/// with the secret (`X-Hub-Signature: sha256=…`). A delivery with a good signature is read as a feed and sent to
/// the frontier's own intake (`nashra.discovered`) as a `FeedResult` marked `pushed`, so that it is deduplicated and
/// queued exactly as a poll's items are; a bad or missing signature is refused (403) and counted. Leases are renewed
/// an hour before they end. A feed with a live subscription is still polled, four times more slowly: the safety net.
///
/// Decided after reading the specification and how feed readers subscribe (one subscription per feed, secrets
/// always, the callback path unguessable): the frontier stays the one owner of the crawl state, and the callback
/// only verifies and forwards.
public struct WebSubSettings: Sendable {
    /// The frontier's address as hubs reach it (no trailing slash); callbacks are `<base>/websub/<token>`. Read
    /// when a request is sent (a test's server knows its port only once it listens).
    public var callbackBase: @Sendable () -> String
    /// Seconds of subscription asked for.
    public var lease: Int
    /// A subscription is renewed when it has less than this left (seconds), and a request is never sent again
    /// sooner than `minimumGap` after the last one.
    public var renewBefore: Double
    public var minimumGap: Double

    public init(callbackBase: String, lease: Int = 86_400, renewBefore: Double = 3600, minimumGap: Double = 60) {
        let base = callbackBase.hasSuffix("/") ? String(callbackBase.dropLast()) : callbackBase
        self.init(callbackBase: { base }, lease: lease, renewBefore: renewBefore, minimumGap: minimumGap)
    }

    public init(
        callbackBase: @escaping @Sendable () -> String,
        lease: Int = 86_400,
        renewBefore: Double = 3600,
        minimumGap: Double = 60
    ) {
        self.callbackBase = callbackBase
        self.lease = lease
        self.renewBefore = renewBefore
        self.minimumGap = minimumGap
    }

    public func callback(_ subscription: Subscription) -> String {
        callbackBase() + "/websub/" + subscription.callbackID
    }
}

/// Sends the subscription requests that are due: new feeds with a hub, unverified requests, leases about to end.
public struct WebSubSubscriber: Service {
    let state: FrontierState
    let settings: WebSubSettings
    let http: HTTPFetcher
    let logger: Logger
    /// Seconds between two looks at the due subscriptions.
    let interval: Double

    public init(state: FrontierState, settings: WebSubSettings, http: HTTPFetcher, logger: Logger, interval: Double = 2)
    {
        self.state = state
        self.settings = settings
        self.http = http
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await requestDue()
            } catch {
                logger.error("websub: subscription requests failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }

    /// Sends every due request once.
    public func requestDue(now: Date = Date()) async throws {
        let due = try state.dueSubscriptions(
            at: now,
            renewBefore: settings.renewBefore,
            minimumGap: settings.minimumGap
        )
        for subscription in due {
            var error: String?
            do {
                let response = try await http.fetch(
                    subscription.hub,
                    method: .form([
                        ("hub.callback", settings.callback(subscription)), ("hub.mode", "subscribe"),
                        ("hub.topic", subscription.topic), ("hub.secret", subscription.secret),
                        ("hub.lease_seconds", String(settings.lease)),
                    ])
                )
                if !(200..<300).contains(response.status) {
                    error = "hub answered HTTP \(response.status)"
                }
            } catch let failure {
                error = "\(failure)"
            }
            try state.requested(feed: subscription.feedURL, at: Date(), error: error)
            if let error {
                logger.warning(
                    "websub: subscription request failed",
                    metadata: [
                        "feed.url": "\(subscription.feedURL)", "hub": "\(subscription.hub)", "error": "\(error)",
                    ]
                )
            } else {
                logger.info(
                    "websub: subscription requested",
                    metadata: ["feed.url": "\(subscription.feedURL)", "hub": "\(subscription.hub)"]
                )
            }
        }
    }
}

/// The callback: the hub's verification (GET) and its deliveries (POST), on the frontier's HTTP port.
public struct WebSubCallback: Sendable {
    let state: FrontierState
    let catalog: SourceCatalog
    let topology: Topology
    let publisher: AMQPPublisher
    let logger: Logger
    /// The most bytes of a delivery read (a feed is far smaller).
    public static let maximumBody = 8 << 20

    public init(
        state: FrontierState,
        catalog: SourceCatalog,
        topology: Topology,
        publisher: AMQPPublisher,
        logger: Logger
    ) {
        self.state = state
        self.catalog = catalog
        self.topology = topology
        self.publisher = publisher
        self.logger = logger
    }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/websub/:id") { request, context -> Response in
            let id = context.parameters.get("id") ?? ""
            let query = request.uri.queryParameters
            let (status, body) = try verify(
                callbackID: id,
                mode: query.get("hub.mode"),
                topic: query.get("hub.topic"),
                challenge: query.get("hub.challenge"),
                lease: query.get("hub.lease_seconds").flatMap(Double.init),
                reason: query.get("hub.reason")
            )
            return Response(
                status: .init(code: status),
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
        router.post("/websub/:id") { request, context -> Response in
            let id = context.parameters.get("id") ?? ""
            let body = try await request.body.collect(upTo: Self.maximumBody)
            let status = await deliver(
                callbackID: id,
                signature: request.headers[.init("X-Hub-Signature")!],
                body: Data(buffer: body)
            )
            return Response(status: .init(code: status))
        }
    }

    /// The hub's verification of intent: 200 with the challenge when it is for a subscription this frontier asked
    /// for (same topic), 404 otherwise. A denial is recorded.
    public func verify(
        callbackID: String,
        mode: String?,
        topic: String?,
        challenge: String?,
        lease: Double?,
        reason: String?
    ) throws -> (Int, String) {
        guard let subscription = try state.subscription(callbackID: callbackID), topic == subscription.topic else {
            return (404, "no such subscription")
        }
        switch mode {
        case "subscribe":
            guard let challenge, !challenge.isEmpty else { return (400, "hub.challenge missing") }
            try state.verified(callbackID: callbackID, lease: lease, at: Date())
            WebSubMetrics.verifications.increment()
            logger.info(
                "websub: subscription verified",
                metadata: ["feed.url": "\(subscription.feedURL)", "lease.seconds": "\(lease ?? 0)"]
            )
            return (200, challenge)
        case "denied":
            try state.verified(callbackID: callbackID, lease: nil, at: Date(), denied: reason ?? "denied by the hub")
            logger.warning("websub: subscription denied", metadata: ["feed.url": "\(subscription.feedURL)"])
            return (200, "")
        case "unsubscribe":
            // This frontier never unsubscribes: a request it did not make is not confirmed.
            return (404, "not unsubscribing")
        default:
            return (400, "unknown hub.mode")
        }
    }

    /// A delivery: 202 when its signature is good and its feed is on its way to the intake; 403 for a bad or
    /// missing signature; 404 for an unknown subscription; 400 for a body that is no feed; 503 when the broker
    /// is away (the hub retries).
    public func deliver(callbackID: String, signature: String?, body: Data) async -> Int {
        guard let subscription = try? state.subscription(callbackID: callbackID) else {
            WebSubMetrics.delivery("unknown").increment()
            return 404
        }
        guard WebSubSignature.verify(signature, body: body, secret: subscription.secret) else {
            WebSubMetrics.delivery("bad_signature").increment()
            logger.warning("websub: delivery refused: bad signature", metadata: ["feed.url": "\(subscription.feedURL)"])
            return 403
        }
        let source = catalog.source(id: subscription.sourceID)
        let zone = source?.timezone.flatMap(TimeZone.init(identifier:)) ?? FeedParser.defaultTimeZone
        let document: FeedDocument
        do {
            document = try FeedParser.parse(body, feedURL: subscription.topic, timeZone: zone)
        } catch {
            WebSubMetrics.delivery("not_a_feed").increment()
            logger.warning("websub: delivery is no feed", metadata: ["feed.url": "\(subscription.feedURL)"])
            return 400
        }
        var result = FeedResult(
            sourceID: subscription.sourceID,
            feedURL: subscription.feedURL,
            status: 200,
            items: document.items
        )
        result.pushed = true
        do {
            try await publisher.publish([
                OutgoingMessage(
                    routingKey: topology.queue(.discovered),
                    body: try MessageCodec.encode(result),
                    messageID: "push:" + result.messageID + ":" + StableID.of(body.base64EncodedString()),
                    type: FeedResult.messageType
                )
            ])
        } catch {
            WebSubMetrics.delivery("broker_unavailable").increment()
            return 503
        }
        WebSubMetrics.delivery("accepted").increment()
        return 202
    }
}

/// `X-Hub-Signature: method=hex` over the body with the subscription's secret (sha1, sha256, sha384 or sha512, as
/// the specification allows; compared in constant time).
public enum WebSubSignature {
    public static func verify(_ header: String?, body: Data, secret: String) -> Bool {
        guard let header, let equals = header.firstIndex(of: "=") else { return false }
        let method = header[..<equals].lowercased()
        let given = header[header.index(after: equals)...].lowercased()
        let key = SymmetricKey(data: Data(secret.utf8))
        let expected: String
        switch method {
        case "sha1": expected = hex(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: key))
        case "sha256": expected = hex(HMAC<SHA256>.authenticationCode(for: body, using: key))
        case "sha384": expected = hex(HMAC<SHA384>.authenticationCode(for: body, using: key))
        case "sha512": expected = hex(HMAC<SHA512>.authenticationCode(for: body, using: key))
        default: return false
        }
        guard expected.utf8.count == given.utf8.count else { return false }
        return zip(expected.utf8, given.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func hex<Code: MessageAuthenticationCode>(_ code: Code) -> String {
        code.map { String(format: "%02x", $0) }.joined()
    }
}

/// WebSub's counters: `nashra_websub_deliveries_total{outcome}` (accepted, bad_signature, unknown, not_a_feed,
/// broker_unavailable) and `nashra_websub_verifications_total`.
enum WebSubMetrics {
    static let verifications = Counter(label: "nashra_websub_verifications_total")
    private static let outcomes = ["accepted", "bad_signature", "unknown", "not_a_feed", "broker_unavailable"]
    private static let counters = Dictionary(
        uniqueKeysWithValues: outcomes.map {
            ($0, Counter(label: "nashra_websub_deliveries_total", dimensions: [("outcome", $0)]))
        }
    )
    static func delivery(_ outcome: String) -> Counter { counters[outcome]! }
}
