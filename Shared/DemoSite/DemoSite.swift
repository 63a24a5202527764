import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Serves the offline demo publisher (`deploy/demo/site`): a home page, an RSS feed and Arabic article pages
/// written for the project, so the whole pipeline runs without internet. `{{BASE}}` in served files becomes the
/// server's own address; `*.cp1256.html` pages are served as windows-1256.
public struct DemoSite: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// Adds the file route to a router; `base` is the URL the site is reached at (e.g. `http://127.0.0.1:8701`).
    public func addRoutes(to router: Router<BasicRequestContext>, base: @escaping @Sendable () -> String) {
        let directory = URL(fileURLWithPath: self.directory).standardizedFileURL.path
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
