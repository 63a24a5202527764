import DemoSite
import Fetcher
import Foundation
import NashraHTTP
import NashraMessages
import Parser
import TestSupport
import Testing

@Suite("The demo publisher's dates") struct DemoSiteTests {
    /// Served with a shift, every date moves by it in every form the pages write, each keeping its offset, and the
    /// windows-1256 page keeps its bytes; `nashra demo-site` shifts the newest demo article to twenty minutes ago.
    @Test func datesMoveByTheShift() async throws {
        let shift: TimeInterval = 10 * 86_400 + 1_800
        let site = try await TestHTTPServer.demoSite(shift: shift)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        func get(_ path: String) async throws -> FetchResponse { try await http.fetch(site.base + path) }
        do {
            let written = try FeedParser.parse(try Fixture.data("deploy/demo/site/cairo/feed.xml"), feedURL: "x")
            let served = try FeedParser.parse(try await get("/cairo/feed.xml").body, feedURL: site.base)
            #expect(served.items.count == 4)
            #expect(
                served.items.map(\.hints.published)
                    == written.items.map { $0.hints.published?.addingTimeInterval(shift) }
            )
            let rss = String(decoding: try await get("/cairo/feed.xml").body, as: UTF8.self)
            #expect(rss.contains("Sat, 05 Dec 2026 09:10:00 +0200"), "the wire story's pubDate, weekday and all")

            let page = try await get("/madina/wire-summit.html")
            let article = try ArticleExtractor().extract(
                FetchedPage(
                    url: site.base + "/madina/wire-summit.html",
                    finalURL: site.base + "/madina/wire-summit.html",
                    sourceID: "demo-madina",
                    status: 200,
                    contentType: "text/html; charset=utf-8",
                    body: page.body
                )
            )
            #expect(article.published == DemoSite.newestWritten.addingTimeInterval(shift))
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("<time datetime=\"2026-12-05T09:35:00+02:00\">2026-12-05</time>"))

            func extract(_ body: Data) throws -> Article {
                try ArticleExtractor().extract(
                    Fixture.page(body: body, contentType: "text/html; charset=windows-1256")
                )
            }
            let legacy = try extract(try await get("/cairo/tech-ai.cp1256.html").body)
            let original = try extract(try Fixture.data("deploy/demo/site/cairo/tech-ai.cp1256.html"))
            #expect(legacy.title == original.title && legacy.paragraphs == original.paragraphs, "Arabic bytes kept")
            #expect(
                original.published != nil && legacy.published == original.published.map { $0.addingTimeInterval(shift) }
            )
        } catch {
            await site.stop()
            throw error
        }
        await site.stop()
        let now = Date()
        let newest = DemoSite.newestWritten.addingTimeInterval(DemoSite.shift(toNewestAt: now))
        #expect((20 * 60...21 * 60).contains(now.timeIntervalSince(newest)))
    }
}
