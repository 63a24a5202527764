import ArabicText
import Foundation
import Hummingbird
import NIOCore
import NashraAMQP
import NashraHTTP
import NashraMessages
import Synchronization
import TestSupport
import Testing

@testable import Fetcher

/// Serialized, with generous deadlines: on two cores, other suites' CPU-bound tests can delay the in-process
/// server, and no test may hinge on timing (only the slow-server test expects a timeout, against a 60 s sleep).
@Suite("Fetcher", .serialized) struct FetcherTests {
    @Test("an Arabic RSS feed in windows-1256 with RFC 822 dates")
    func windows1256Feed() throws {
        let items = try FeedParser.parse(
            try Fixture.data("Tests/Fixtures/feed-windows-1256.xml"),
            feedURL: "http://example.com/rss"
        ).items
        #expect(items.count == 2)
        #expect(items[0].url == "http://example.com/news/1", "resolved, tracking parameters and fragment removed")
        #expect(items[0].hints.title == "وزير المالية يعلن موازنة العام الجديد")
        #expect(items[0].hints.section == "اقتصاد")
        #expect(items[0].hints.image == "http://example.com/img/1.jpg")
        #expect(items[0].hints.published == Date(timeIntervalSince1970: 1_763_967_600))
        #expect(items[1].url == "http://example.com/news/2")
        #expect(items[1].hints.title == "المنتخب يتأهل إلى نهائيات كأس العالم")
    }

    @Test func atomFeed() throws {
        let items = try FeedParser.parse(
            try Fixture.data("deploy/demo/site/madina/atom.xml"),
            feedURL: "http://127.0.0.1:8701/madina/atom.xml"
        ).items
        #expect(items.count == 3)
        #expect(items.allSatisfy { $0.hints.published != nil && $0.url.hasSuffix(".html") })
    }

    @Test("an RSS feed whose dates are written in an Arabic locale")
    func arabicLocaleDates() throws {
        let rss = """
            <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>الخبر</title>
            <item><title>أ</title><link>https://a.com/1</link><pubDate>الأحد، ٢٣ نوفمبر ٢٠٢٥ ١٠:١٥:٠٠ +٠٢٠٠</pubDate></item>
            <item><title>ب</title><link>https://a.com/2</link><pubDate>الأحد 23 تشرين الثاني 2025 08:15:00 GMT</pubDate></item>
            <item><title>ج</title><link>https://a.com/3</link><pubDate>منذ ساعتين</pubDate></item>
            </channel></rss>
            """
        let items = try FeedParser.parse(Data(rss.utf8), feedURL: "https://a.com/rss").items
        let expected = NewsDateParser.parse("2025-11-23T08:15:00Z")
        #expect(items[0].hints.published == expected)
        #expect(items[1].hints.published == expected)
        #expect(items[2].hints.published == nil, "relative dates are not guessed here")
    }

    @Test("Google News sitemap: loc, news:title, news:publication_date, image:loc")
    func newsSitemap() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
                xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
              <url><loc>https://www.youm7.com/story/2025/11/23/1</loc>
                <news:news><news:publication><news:name>اليوم السابع</news:name><news:language>ar</news:language>
                </news:publication><news:publication_date>2025-11-23T10:15:00+02:00</news:publication_date>
                <news:title>رئيس الوزراء يفتتح مشروعات جديدة</news:title></news:news>
                <image:image><image:loc>https://img.youm7.com/1.jpg</image:loc></image:image></url>
              <url><loc>https://www.youm7.com/story/2025/11/23/2</loc><lastmod>2025-11-23</lastmod></url>
            </urlset>
            """
        let document = try FeedParser.parse(Data(xml.utf8), feedURL: "https://www.youm7.com/sitemap-news.xml")
        #expect(document.items.count == 2)
        #expect(document.items[0].hints.title == "رئيس الوزراء يفتتح مشروعات جديدة")
        #expect(document.items[0].hints.published == NewsDateParser.parse("2025-11-23T08:15:00Z"))
        #expect(document.items[0].hints.image == "https://img.youm7.com/1.jpg")
        #expect(document.items[1].hints.published != nil, "lastmod when there is no publication date")
    }

    @Test("sitemap index: the newest children are followed as feeds")
    func sitemapIndex() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>https://a.com/sitemap-2025-11-22.xml</loc><lastmod>2025-11-22</lastmod></sitemap>
              <sitemap><loc>/sitemap-2025-11-23.xml</loc><lastmod>2025-11-23</lastmod></sitemap>
            </sitemapindex>
            """
        let document = try FeedParser.parse(Data(xml.utf8), feedURL: "https://a.com/sitemap.xml")
        #expect(document.items.isEmpty)
        #expect(document.feeds == ["https://a.com/sitemap-2025-11-23.xml", "https://a.com/sitemap-2025-11-22.xml"])
    }

    @Test func jsonFeed() throws {
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "مدونة",
             "items": [{"id": "1", "url": "/posts/1", "title": "أول تدوينة", "date_published": "2025-11-23T10:15:00+02:00",
                        "tags": ["ثقافة"]},
                       {"id": "2", "external_url": "https://b.com/x", "title": "رابط"}]}
            """
        let document = try FeedParser.parse(Data(json.utf8), feedURL: "https://a.com/feed.json")
        #expect(document.items.map(\.url) == ["https://a.com/posts/1", "https://b.com/x"])
        #expect(document.items[0].hints.section == "ثقافة")
        #expect(document.items[0].hints.published == NewsDateParser.parse("2025-11-23T08:15:00Z"))
        #expect(throws: FeedError.self) {
            try FeedParser.parse(Data(#"{"items": []}"#.utf8), feedURL: "https://a.com/")
        }
    }

    @Test("feed auto-discovery: a home page's <link rel=alternate> feeds")
    func autoDiscovery() throws {
        let document = try FeedParser.parse(
            try Fixture.data("deploy/demo/site/index.html"),
            feedURL: "http://127.0.0.1:8701/"
        )
        #expect(document.items.isEmpty)
        #expect(document.feeds == ["http://127.0.0.1:8701/cairo/feed.xml", "http://127.0.0.1:8701/madina/atom.xml"])
    }

    @Test func notAFeed() {
        #expect(throws: FeedError.self) {
            try FeedParser.parse(Data("<html><body>x</body></html>".utf8), feedURL: "http://a/")
        }
        #expect(throws: FeedError.self) { try FeedParser.parse(Data("\u{0}\u{1}garbage".utf8), feedURL: "http://a/") }
        #expect(throws: FeedError.self) { try FeedParser.parse(Data(), feedURL: "http://a/") }
    }

    @Test func canonicalURLs() {
        #expect(
            URLCanonicalizer.canonical("HTTPS://WWW.Youm7.com:443/story?id=5&utm_source=fb&fbclid=1#top")
                == "https://www.youm7.com/story?id=5"
        )
        #expect(URLCanonicalizer.canonical("/a/b", relativeTo: "http://x.com/feed") == "http://x.com/a/b")
        #expect(URLCanonicalizer.canonical("javascript:alert(1)") == nil)
        #expect(URLCanonicalizer.canonical("ftp://x.com/") == nil)
    }

    @Test("canonical URLs keep each parameter as written and are their own canonical form (found by fuzzing)")
    func canonicalURLsStable() {
        // `deploy/fuzz.sh urls` found a link whose query ended in half an Arabic letter (`%D8`): decoding the
        // parameters lost it, so `?q=…%D8` became `…?`, which a second pass made `…` (two URLs for one page).
        let base = "https://www.example.com/news/2025/11/23/%D8%AE%D8%A8%D8%B1?id=7"
        let found = "?../spoD8%B1%D9%8A%D8%A7%D8%B6%D8"
        let canonical = URLCanonicalizer.canonical(found, relativeTo: base)
        #expect(
            canonical == "https://www.example.com/news/2025/11/23/%D8%AE%D8%A8%D8%B1?../spoD8%B1%D9%8A%D8%A7%D8%B6%D8"
        )
        #expect(canonical.flatMap { URLCanonicalizer.canonical($0) } == canonical)
        #expect(URLCanonicalizer.canonical("https://a.com/x?") == "https://a.com/x", "an empty query goes")
        #expect(URLCanonicalizer.canonical("https://a.com/x?a=1&&UTM_Source=x&b=%D8") == "https://a.com/x?a=1&b=%D8")
        #expect(
            URLCanonicalizer.canonical("https://a.com/?%75tm_medium=x&q=مصر") == "https://a.com/?q=%D9%85%D8%B5%D8%B1"
        )
        for text in [
            "https://a.com/?a+b=c+d", "https://a.com/?a=%26b&c", "https://user:pass@Example.COM./%7euser/",
            "http://[::1]:80/x?a=1&a=2", "//cdn.example.com/a b/c", "https://a.com/أخبار/مصر?ق=١",
        ] {
            let once = URLCanonicalizer.canonical(text, relativeTo: base)
            #expect(once.flatMap { URLCanonicalizer.canonical($0) } == once, "\(text)")
        }
    }

    @Test("private, loopback, link-local and mapped addresses are refused unless allowed")
    func addressPolicy() {
        let strict = AddressPolicy.strict
        for ip in [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
            "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-ip",
        ] {
            #expect(!strict.permits(ip: ip, host: nil), "\(ip) must be refused")
        }
        for ip in ["8.8.8.8", "185.60.216.35", "2a00:1450:4001::1"] { #expect(strict.permits(ip: ip, host: nil)) }
        let allowed = AddressPolicy(allowList: "127.0.0.1/32, demo.local")
        #expect(allowed.permits(ip: "127.0.0.1", host: nil))
        #expect(!allowed.permits(ip: "127.0.0.2", host: nil))
        #expect(allowed.permits(ip: "10.0.0.9", host: "demo.local"))
    }

    // MARK: Against a real HTTP server on 127.0.0.1

    static func withServer(_ body: (String) async throws -> Void) async throws {
        let release = Mutex(false)
        let router = Router()
        router.get("ok") { _, _ in "مرحبا" }
        router.get("big") { _, _ in String(repeating: "ا", count: 1_000_000) }
        router.get("loop") { _, _ in Response(status: .found, headers: [.location: "/loop"]) }
        router.get("to-ok") { _, _ in Response(status: .movedPermanently, headers: [.location: "/ok"]) }
        let bomb = try Fixture.data("Tests/Fixtures/zeros-50MB.gz")
        router.get("bomb") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentEncoding: "gzip", .contentType: "text/html"],
                body: .init(byteBuffer: ByteBuffer(bytes: bomb))
            )
        }
        router.get("feed304") { request, _ -> Response in
            if request.headers[.ifNoneMatch] == "\"v1\"" { return Response(status: .notModified) }
            let feed = """
                <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>ت</title>
                <item><title>أول</title><link>/1</link></item><item><title>ثان</title><link>/2</link></item>
                </channel></rss>
                """
            return Response(
                status: .ok,
                headers: [.eTag: "\"v1\"", .lastModified: "Sun, 23 Nov 2025 08:15:00 GMT"],
                body: .init(byteBuffer: ByteBuffer(string: feed))
            )
        }
        router.get("slow") { _, _ -> String in
            // Slow until the test is over, then answers so the server can shut down gracefully.
            for _ in 0..<600 where !release.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(100)) }
            return "late"
        }
        let server = try await TestHTTPServer.start(router: router)
        do {
            try await body(server.base)
        } catch {
            release.withLock { $0 = true }
            await server.stop()
            throw error
        }
        release.withLock { $0 = true }
        await server.stop()
    }

    let local = HTTPFetcher(
        userAgent: "nashra-test",
        maxBodyBytes: 100_000,
        connectTimeout: 10,
        totalTimeout: 30,
        addressPolicy: AddressPolicy(allowList: "127.0.0.1/32")
    )

    @Test func fetchingFollowsRedirectsAndKeepsHeaders() async throws {
        try await Self.withServer { base in
            let response = try await local.fetch(base + "/to-ok")
            #expect(response.status == 200)
            #expect(response.finalURL == base + "/ok")
            #expect(String(decoding: response.body, as: UTF8.self) == "مرحبا")
            #expect(response.contentType?.contains("text/plain") == true)
        }
    }

    @Test("loopback is refused by default, checked on the connected address")
    func privateAddressRefused() async throws {
        try await Self.withServer { base in
            let strict = HTTPFetcher(userAgent: "nashra-test")
            await #expect(throws: FetchError.self) { _ = try await strict.fetch(base + "/ok") }
            do throws(FetchError) {
                _ = try await strict.fetch(base.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "/ok")
                Issue.record("localhost must be refused too")
            } catch {
                #expect(error.code == .blockedAddress)
                #expect(error.description.contains("NASHRA_FETCH_ALLOW_PRIVATE"))
            }
        }
    }

    @Test("conditional GET: validators are sent back verbatim and a 304 means nothing new")
    func conditionalGet() async throws {
        try await Self.withServer { base in
            let worker = FetchWorker(http: local)
            var job = FetchJob(kind: .feed, url: base + "/feed304", sourceID: "s")
            let first = await worker.pollFeed(job, rules: .allowAll)
            #expect(first.status == 200)
            #expect(first.items.count == 2)
            #expect(first.etag == "\"v1\"")
            #expect(first.lastModified == "Sun, 23 Nov 2025 08:15:00 GMT")
            job.etag = first.etag
            job.lastModified = first.lastModified
            let second = await worker.pollFeed(job, rules: .allowAll)
            #expect(second.notModified)
            #expect(second.items.isEmpty)
            #expect(second.error == nil)
            let disallowed = await worker.pollFeed(job, rules: .disallowAll)
            #expect(disallowed.error == "disallowed by robots.txt")
        }
    }

    @Test("a body over the cap, a redirect loop and a slow server each end in a clear error")
    func failures() async throws {
        try await Self.withServer { base in
            do throws(FetchError) {
                _ = try await local.fetch(base + "/big")
                Issue.record("over the cap")
            } catch { #expect(error.code == .tooLarge) }
            do throws(FetchError) {
                _ = try await local.fetch(base + "/bomb")
                Issue.record("a 50 KB gzip that inflates to 50 MB must hit the cap")
            } catch { #expect(error.code == .tooLarge) }
            do throws(FetchError) {
                _ = try await local.fetch(base + "/loop")
                Issue.record("loop")
            } catch { #expect(error.code == .tooManyRedirects) }
            let impatient = HTTPFetcher(
                userAgent: "nashra-test",
                connectTimeout: 10,
                totalTimeout: 2,
                addressPolicy: AddressPolicy(allowList: "127.0.0.1/32")
            )
            do throws(FetchError) {
                _ = try await impatient.fetch(base + "/slow")
                Issue.record("slow")
            } catch {
                #expect(error.code == .timeout)
                #expect(error.isTransient)
            }
            do throws(FetchError) {
                _ = try await local.fetch("file:///etc/passwd")
                Issue.record("file URL")
            } catch { #expect(error.code == .invalidURL) }
        }
    }
}
