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

    public init(directory: String, shift: TimeInterval = 0) {
        self.directory = directory
        self.shift = shift
    }

    /// The newest date the demo pages give (the second outlet's copy of the wire story).
    public static let newestWritten = Date(timeIntervalSince1970: 1_795_590_300)  // 2026-11-25T09:05:00+02:00

    /// The shift that makes the newest demo article twenty minutes old at `now`, in whole minutes.
    public static func shift(toNewestAt now: Date) -> TimeInterval {
        ((now.timeIntervalSince(newestWritten) - 20 * 60) / 60).rounded(.down) * 60
    }

    /// Adds the file route to a router; `base` is the URL the site is reached at (e.g. `http://127.0.0.1:8701`).
    public func addRoutes(to router: Router<BasicRequestContext>, base: @escaping @Sendable () -> String) {
        let directory = URL(fileURLWithPath: self.directory).standardizedFileURL.path
        let shift = self.shift
        router.get("**") { request, _ -> Response in
            var path = request.uri.path
            if path.hasSuffix("/") { path += "index.html" }
            let file = URL(fileURLWithPath: directory + path).standardizedFileURL.path
            guard file.hasPrefix(directory + "/"), let data = FileManager.default.contents(atPath: file) else {
                return Response(status: .notFound)
            }
            var body = data
            if file.hasSuffix(".xml") || file.hasSuffix(".html") {
                // Byte-level: the placeholder is ASCII, so this is safe in UTF-8 and windows-1256 alike.
                body = Self.replace(Data("{{BASE}}".utf8), with: Data(base().utf8), in: data)
                if shift != 0 { body = DemoDates.shift(body, by: shift) }
            }
            let type =
                if file.hasSuffix(".cp1256.html") {
                    "text/html; charset=windows-1256"
                } else if file.hasSuffix(".html") {
                    "text/html; charset=utf-8"
                } else if file.hasSuffix(".xml") {
                    "application/rss+xml; charset=utf-8"
                } else if file.hasSuffix(".svg") {
                    "image/svg+xml"
                } else {
                    "application/octet-stream"
                }
            return Response(
                status: .ok,
                headers: [.contentType: type],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
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

/// Holds the site's base URL once the server is bound.
private final class BaseBox: Sendable {
    private let value = Mutex("")
    func set(_ base: String) { value.withLock { $0 = base } }
    func get() -> String { value.withLock { $0 } }
}
