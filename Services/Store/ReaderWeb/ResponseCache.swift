import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// The reader site's page cache, in the process: a page made once serves every reader who asks for the same
/// address within its lifetime. Only one request makes a page: when a kept page expires, that request makes it
/// again while the others are served the kept one meanwhile (no stampede, no wait); when there is no page yet
/// (or a takedown made the kept one unusable), the others wait for it.
///
/// - **New articles** appear within `lifetime` (one second on lists and feeds; ten seconds on an article's or a
///   story's own page, which a new article changes only by joining its story; thirty for search results): a page
///   is made again when it is older than that. The store writes every few hundred
///   milliseconds under load, so invalidating on each write would make every page on nearly every request.
/// - **Removals** are seen at once: every request first reads the archive's takedown version
///   (`NewsArchive.takedownVersion`, changed by `nashra articles remove`, `nashra sources hide`, an image hidden by
///   readers or restored), and a page made before it changed is never served. So a removed article or a hidden
///   image is never served from this cache, whichever process removed it.
///
/// Why in the process rather than only in a CDN: the site must hold its traffic without one, and a CDN keeps
/// serving a removed article until its `max-age` ends. Pages still carry validators and a short `Cache-Control`
/// for a CDN in front (`ConditionalRequests`). Only successful GET answers are kept, at most `capacity` bytes of
/// them (64 MB: addresses made up by a client to miss the cache cost it its hits, never the process its memory);
/// `/status` is never cached.
public struct ResponseCache<Context: RequestContext>: RouterMiddleware {
    let store: any NewsArchive
    let pages: PageStore
    let lifetime: Duration
    let pageLifetime: Duration
    let searchLifetime: Duration

    /// - Parameters:
    ///   - lifetime: of lists (the home page, sections, sources, archives, feeds, API listings): how soon a new
    ///     article shows there;
    ///   - pageLifetime: of one article's or one story's page, which a new article changes only when it joins
    ///     that story;
    ///   - searchLifetime: of search results.
    public init(
        store: any NewsArchive,
        lifetime: Duration = .seconds(1),
        pageLifetime: Duration = .seconds(10),
        searchLifetime: Duration = .seconds(30),
        capacity: Int = 64 << 20
    ) {
        self.store = store
        self.pages = PageStore(capacity: capacity)
        self.lifetime = lifetime
        self.pageLifetime = max(lifetime, pageLifetime)
        self.searchLifetime = max(lifetime, searchLifetime)
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard request.method == .get, path != "/status", path != "/health", path != "/metrics",
            request.uri.description.utf8.count <= 1024
        else { return try await next(request, context) }
        let key = request.uri.description
        let version = try await store.takedownVersion()
        let now = ContinuousClock.now
        let lifetime =
            if path.hasPrefix("/search") || path.hasPrefix("/api/search") {
                searchLifetime
            } else if path.hasPrefix("/article/") || path.hasPrefix("/story/") || path.hasPrefix("/api/articles/")
                || path.hasPrefix("/api/stories/")
            {
                pageLifetime
            } else {
                lifetime
            }
        switch await pages.lookup(key, version: version, notBefore: now - lifetime) {
        case .hit(let page):
            return page.response
        case .made(let page?):
            return page.response
        case .made(nil), .make:
            break
        }
        // This request makes the page; others asking meanwhile wait for it.
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            await pages.abandon(key, version: version)
            throw error
        }
        guard response.status == .ok else {
            await pages.abandon(key, version: version)
            return response
        }
        let page = try await CachedPage(response)
        await pages.keep(key, page: page, version: version, made: now)
        return page.response
    }
}

/// A response's status, headers and bytes.
struct CachedPage: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    init(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    init(_ response: Response) async throws {
        status = response.status
        headers = response.headers
        let collector = BodyCollector()
        try await response.body.write(collector)
        body = collector.buffer
    }

    var response: Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}

/// Collects what a response body writes.
final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var buffer = ByteBuffer()

    func write(_ part: ByteBuffer) async throws {
        var part = part
        buffer.writeBuffer(&part)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// The cached pages and the pages being made, by address.
actor PageStore {
    private struct Entry {
        var page: CachedPage
        var version: Int64
        var made: ContinuousClock.Instant
    }

    enum Lookup {
        /// A page made since `notBefore` under the current takedown version.
        case hit(CachedPage)
        /// Another request was making it; this is what it made (nil: it failed, make it yourself).
        case made(CachedPage?)
        /// Nobody is making it: the caller makes it, then calls `keep` or `abandon`.
        case make
    }

    private var entries: [String: Entry] = [:]
    /// The bytes of the kept pages' bodies and addresses.
    private var size = 0
    private struct Making: Hashable {
        var key: String
        var version: Int64
    }

    private var waiting: [Making: [CheckedContinuation<CachedPage?, Never>]] = [:]
    private let capacity: Int

    /// - Parameter capacity: the most bytes kept; past it, every page is dropped and made again when asked.
    init(capacity: Int) {
        self.capacity = capacity
    }

    func lookup(_ key: String, version: Int64, notBefore: ContinuousClock.Instant) async -> Lookup {
        let making = Making(key: key, version: version)
        if let entry = entries[key], entry.version == version {
            if entry.made >= notBefore { return .hit(entry.page) }
            // Expired: one request makes it again; until it has, the others get the kept page (made under the
            // same takedown version, so nothing removed since is in it).
            if waiting[making] != nil { return .hit(entry.page) }
            waiting[making] = []
            return .make
        }
        // Requests wait only for a page made under the version they read themselves.
        if waiting[making] != nil {
            return .made(await withCheckedContinuation { waiting[making, default: []].append($0) })
        }
        waiting[making] = []
        return .make
    }

    func keep(_ key: String, page: CachedPage, version: Int64, made: ContinuousClock.Instant) {
        // A page made under an older version than one kept meanwhile is not kept.
        if let kept = entries[key], kept.version > version {
            finish(Making(key: key, version: version), page)
            return
        }
        let bytes = page.body.readableBytes + key.utf8.count
        if let old = entries[key] { size -= old.page.body.readableBytes + key.utf8.count }
        if size + bytes > capacity {
            entries.removeAll(keepingCapacity: true)
            size = 0
        }
        entries[key] = Entry(page: page, version: version, made: made)
        size += bytes
        finish(Making(key: key, version: version), page)
    }

    func abandon(_ key: String, version: Int64) { finish(Making(key: key, version: version), nil) }

    private func finish(_ making: Making, _ page: CachedPage?) {
        for waiter in waiting.removeValue(forKey: making) ?? [] { waiter.resume(returning: page) }
    }
}
