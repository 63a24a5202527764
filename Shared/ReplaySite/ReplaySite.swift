import CorpusFiles
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The replay publisher: many simulated Arabic outlets on 127.0.0.1, one port each, built from real article
/// texts, for load and chaos runs of the whole pipeline (`nashra-dev replay-site`). Each outlet has a feed (RSS, Atom
/// or a news sitemap, answering 304 to a matching `If-None-Match`) listing the pages published so far, and
/// article pages in realistic boilerplate; some outlets are slow, some serve windows-1256; some articles fail once
/// with 503 or 429, and a few pages are hostile (a decompression bomb, an endless body, 100,000 nested elements,
/// invalid bytes, a page gone). Its manifest says what every page must become.
///
/// Decision: a Hummingbird application per port, all in one service group, rather than one server reading the
/// `Host` header: the frontier paces by host and port, and ports need no name resolution or `/etc/hosts`.
public final class ReplaySite: Sendable {
    public let plan: ReplayPlan
    let pages: ReplayPages
    /// Requests per URL so far, for the pages that fail on their first request.
    private let requests = Mutex<[String: Int]>([:])
    private let bomb: Data

    public init(corpus: ReplayCorpus, settings: ReplayPlan.Settings, start: Date = Date()) throws {
        plan = ReplayPlan(settings: settings, stories: corpus.stories.count, start: start)
        pages = ReplayPages(corpus: corpus, plan: plan)
        bomb = try Self.makeBomb()
    }

    /// The manifest: one JSON object a line per page (`url`, `outlet`, `published`, `behaviour`, `fate`, `story`).
    public func manifestLines() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try plan.manifest.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(
            separator: "\n"
        ) + "\n"
    }

    /// Serves every outlet until cancelled or shut down gracefully.
    public func run(logger: Logger) async throws {
        let applications: [any Service] = plan.outlets.map { outlet in
            Application(
                router: router(for: outlet),
                configuration: .init(address: .hostname("127.0.0.1", port: outlet.port), serverName: nil),
                logger: logger
            )
        }
        let group = ServiceGroup(
            configuration: .init(services: applications, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }

    /// How many of an outlet's pages are published at `now`.
    func publishedCount(of outlet: ReplayOutlet, at now: Date) -> Int {
        let pages = plan.pages[outlet.index]
        let t = now.timeIntervalSince1970
        var (low, high) = (0, pages.count)
        while low < high {
            let middle = (low + high) / 2
            if pages[middle].published <= t { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func router(for outlet: ReplayOutlet) -> Router<BasicRequestContext> {
        let router = Router()
        let charset = outlet.windows1256 ? "windows-1256" : "utf-8"
        var byPath: [String: (number: Int, article: ReplayArticle)] = [:]
        for (number, article) in plan.pages[outlet.index].enumerated() {
            byPath[URLComponents(string: article.url)?.path ?? article.url] = (number, article)
        }
        let published = byPath
        router.get("robots.txt") { _, _ in "User-agent: *\nDisallow: /private/\n" }
        router.get(RouterPath(outlet.feed.path)) { request, _ -> Response in
            try await self.pause(outlet)
            let count = self.publishedCount(of: outlet, at: Date())
            let etag = "\"\(count)\""
            if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified) }
            let xml = self.pages.feed(of: outlet, count: count, charset: charset)
            return self.response(xml, type: "application/xml; charset=\(charset)", windows1256: outlet.windows1256)
                .with(etag: etag)
        }
        router.get("**") { request, _ -> Response in
            try await self.pause(outlet)
            guard let (number, article) = published[request.uri.path],
                article.published <= Date().timeIntervalSince1970
            else { return Response(status: .notFound) }
            let attempt = self.requests.withLock { counts in
                counts[article.url, default: 0] += 1
                return counts[article.url]!
            }
            let type = "text/html; charset=\(charset)"
            switch article.behaviour {
            case .article:
                break
            case .unavailableOnce where attempt == 1:
                return Response(status: .serviceUnavailable)
            case .throttledOnce where attempt == 1:
                return Response(status: .tooManyRequests, headers: [.retryAfter: "1"])
            case .unavailableOnce, .throttledOnce:
                break
            case .gone:
                return Response(status: .notFound)
            case .gzipBomb:
                return Response(
                    status: .ok,
                    headers: [.contentType: type, .contentEncoding: "gzip"],
                    body: .init(byteBuffer: ByteBuffer(bytes: self.bomb))
                )
            case .endless:
                return Response(status: .ok, headers: [.contentType: type], body: Self.endlessBody())
            case .deepNesting:
                return self.response(
                    self.pages.deeplyNested(article, number: number, outlet: outlet),
                    type: "text/html; charset=utf-8",
                    windows1256: false
                )
            case .invalidBytes:
                let html = self.pages.page(article, number: number, outlet: outlet, charset: "utf-8")
                var bytes = Data()
                for line in html.split(separator: "\n", omittingEmptySubsequences: false) {
                    bytes += Data(line.utf8)
                    // Bytes valid in no charset after each paragraph: a lone continuation byte, an overlong form.
                    if line.hasSuffix("</p>") { bytes += Data([0xFF, 0xC0, 0x80, 0x9D]) }
                    bytes += Data("\n".utf8)
                }
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/html; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: bytes))
                )
            }
            let html = self.pages.page(article, number: number, outlet: outlet, charset: charset)
            return self.response(html, type: type, windows1256: outlet.windows1256)
        }
        return router
    }

    private func pause(_ outlet: ReplayOutlet) async throws {
        if outlet.delayMilliseconds > 0 { try await Task.sleep(for: .milliseconds(outlet.delayMilliseconds)) }
    }

    private func response(_ text: String, type: String, windows1256: Bool) -> Response {
        let bytes = windows1256 ? WindowsArabic.encode(text) : Data(text.utf8)
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Paragraphs without end, 64 KB at a time, until the client hangs up (or 4 GB, whichever comes first).
    static func endlessBody() -> ResponseBody {
        let chunk = ByteBuffer(string: String(repeating: "<p>نص بلا نهاية يملأ الذاكرة.</p>\n", count: 1200))
        return ResponseBody { writer in
            for _ in 0..<65_536 { try await writer.write(chunk) }
            try await writer.finish(nil)
        }
    }

    /// 64 MB of zeros, gzip-compressed (about 64 KB).
    static func makeBomb() throws -> Data {
        let path = NSTemporaryDirectory() + "/nashra-replay-bomb-\(getpid()).gz"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try GzipFile.write(Data(count: 64 << 20), to: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReplayError("cannot read back \(path)")
        }
        return data
    }
}

extension Response {
    fileprivate func with(etag: String) -> Response {
        var response = self
        response.headers[.eTag] = etag
        return response
    }
}
