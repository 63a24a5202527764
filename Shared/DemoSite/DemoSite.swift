import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Serves the offline demo publisher (`deploy/demo/site`): a home page, an RSS feed and Arabic article pages
/// written for the project, so the whole pipeline runs without internet. `{{BASE}}` in served files becomes the
/// server's own address; `*.cp1256.html` pages are served as windows-1256.
///
/// The pages are dated late November 2026 as written. Served with `shift` (what `nashra demo-site` does), every
/// date in them (RFC 822 in RSS, ISO 8601 in Atom, meta tags and `<time>`) moves by that many seconds, so that a
/// demo run today shows today's news: the wire story both outlets carry is in the last 24 hours and its story is
/// a top story, as a reader would see a live outlet's.
public struct DemoSite: Sendable {
    public let directory: String
    /// Seconds added to every date the pages give (0: as written).
    public let shift: TimeInterval
    /// The publisher's WebSub hub at `/hub`, which its Atom feed advertises.
    public let hub: DemoHub
    /// Seconds after the first subscription to the Atom feed at which its late article is published and pushed.
    public let lateDelay: Double
    let live: LiveState

    public init(directory: String, shift: TimeInterval = 0, lateDelay: Double = 20, maximumLease: Int = 86_400) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.shift = shift
        self.lateDelay = lateDelay
        let live = LiveState()
        self.live = live
        self.hub = DemoHub(maximumLease: maximumLease) { subscription in
            live.subscribed(subscription)
        }
        live.site.withLock { $0 = self }
    }

    /// The newest date the demo pages give (the second outlet's copy of the wire story).
    public static let newestWritten = Date(timeIntervalSince1970: 1_795_590_300)  // 2026-11-25T09:05:00+02:00

    /// The shift that makes the newest demo article twenty minutes old at `now`, in whole minutes.
    public static func shift(toNewestAt now: Date) -> TimeInterval {
        ((now.timeIntervalSince(newestWritten) - 20 * 60) / 60).rounded(.down) * 60
    }

    /// The feed whose late article is pushed (the Atom one, which names the hub in the feed; the RSS feed names it
    /// in its `Link` header).
    static let lateFeed = "/madina/atom.xml"

    /// When the late article was published, nil before.
    public var lateReleasedAt: Date? { live.released.withLock { $0 } }

    /// Adds the file route and the hub to a router; `base` is the URL the site is reached at.
    public func addRoutes(to router: Router<BasicRequestContext>, base: @escaping @Sendable () -> String) {
        live.base.withLock { $0 = base }
        router.post("/hub") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let (status, reason) = hub.request(form: DemoHub.form(Data(buffer: body)))
            return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: reason)))
        }
        router.get("**") { request, _ -> Response in
            var path = request.uri.path
            if path.hasSuffix("/") { path += "index.html" }
            guard let (body, type) = render(path, base: base()) else { return Response(status: .notFound) }
            var headers: HTTPFields = [.contentType: type]
            if path.hasSuffix(".xml") {
                // WebSub discovery by HTTP header, as the specification allows beside the feed's own links.
                headers[.init("Link")!] = "<\(base())/hub>; rel=\"hub\", <\(base())\(path)>; rel=\"self\""
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// A file of the site as served: `{{BASE}}` and `{{NOW}}` filled in, dates moved by `shift`, the late
    /// article's entry left out until it is published.
    func render(_ path: String, base: String) -> (Data, String)? {
        let file = URL(fileURLWithPath: directory + path).standardizedFileURL.path
        guard file.hasPrefix(directory + "/"), let data = FileManager.default.contents(atPath: file) else {
            return nil
        }
        var body = data
        if file.hasSuffix(".xml") || file.hasSuffix(".html") {
            // Byte-level: the placeholders are ASCII, so this is safe in UTF-8 and windows-1256 alike.
            body = Self.replace(Data("{{BASE}}".utf8), with: Data(base.utf8), in: data)
            if shift != 0 { body = DemoDates.shift(body, by: shift) }
            let released = lateReleasedAt
            body = Self.lateBlocks(body, released: released != nil)
            let now = (released ?? Date()).formatted(.iso8601)
            body = Self.replace(Data("{{NOW}}".utf8), with: Data(now.utf8), in: body)
        }
        let type =
            if file.hasSuffix(".cp1256.html") {
                "text/html; charset=windows-1256"
            } else if file.hasSuffix(".html") {
                "text/html; charset=utf-8"
            } else if file.hasSuffix("atom.xml") {
                "application/atom+xml; charset=utf-8"
            } else if file.hasSuffix(".xml") {
                "application/rss+xml; charset=utf-8"
            } else if file.hasSuffix(".svg") {
                "image/svg+xml"
            } else {
                "application/octet-stream"
            }
        return (body, type)
    }

    /// `<!--LATE … LATE-->` blocks, comments as written (a reader of the file sees no late article): once the late
    /// article is out, their content without the markers; before, nothing.
    static func lateBlocks(_ data: Data, released: Bool) -> Data {
        let open = Data("<!--LATE".utf8)
        let close = Data("LATE-->".utf8)
        var output = Data()
        var rest = data[...]
        while let start = rest.firstRange(of: open), let end = rest[start.upperBound...].firstRange(of: close) {
            output += rest[..<start.lowerBound]
            if released { output += rest[start.upperBound..<end.lowerBound] }
            rest = rest[end.upperBound...]
        }
        return output + rest
    }

    /// Publishes the late article: its entry appears in the Atom feed, and the hub pushes the feed.
    func releaseLate() async {
        guard
            live.released.withLock({ released in
                if released != nil { return false }
                released = Date()
                return true
            })
        else { return }
        guard let base = live.base.withLock({ $0 })?(),
            let (content, type) = render(Self.lateFeed, base: base)
        else { return }
        await hub.publish(topic: base + Self.lateFeed, content: content, contentType: type, hub: base + "/hub")
    }

    static func replace(_ needle: Data, with replacement: Data, in data: Data) -> Data {
        var output = Data()
        var rest = data[...]
        while let range = rest.firstRange(of: needle) {
            output += rest[..<range.lowerBound]
            output += replacement
            rest = rest[range.upperBound...]
        }
        return output + rest
    }

    /// Runs the site on `host:port` until cancelled; `onRunning` gets the bound port (useful with port 0).
    public func run(
        host: String = "127.0.0.1",
        port: Int,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    )
        async throws
    {
        try await makeApplication(host: host, port: port, onRunning: onRunning).runService()
    }

    /// The site as a Hummingbird application (a `Service`), for callers that run it in their own service group.
    public func makeApplication(
        host: String = "127.0.0.1",
        port: Int,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        // With port 0 the base URL is only known once bound, so routes read it per request.
        let box = BaseBox()
        let router = Router()
        addRoutes(to: router) { box.get() }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                box.set("http://\(host):\(bound)")
                await onRunning(bound)
            }
        )
    }
}

/// What the site learns while it runs: its address, when its late article went out, itself (for the hub's
/// callback, which is made before the site value is complete).
final class LiveState: Sendable {
    let base = Mutex<(@Sendable () -> String)?>(nil)
    let released = Mutex<Date?>(nil)
    let site = Mutex<DemoSite?>(nil)
    private let scheduled = Mutex(false)

    /// The first verified subscription to the late article's feed schedules its publication.
    func subscribed(_ subscription: DemoHub.Subscription) {
        guard subscription.topic.hasSuffix(DemoSite.lateFeed),
            scheduled.withLock({ was in
                defer { was = true }
                return !was
            }),
            let site = site.withLock({ $0 })
        else { return }
        Task {
            try? await Task.sleep(for: .milliseconds(Int(site.lateDelay * 1000)))
            await site.releaseLate()
        }
    }
}

/// Holds the site's base URL once the server is bound.
private final class BaseBox: Sendable {
    private let value = Mutex("")
    func set(_ base: String) { value.withLock { $0 = base } }
    func get() -> String { value.withLock { $0 } }
}
