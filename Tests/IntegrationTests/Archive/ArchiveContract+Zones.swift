import Fetcher
import Foundation
import Hummingbird
import NashraHTTP
import NashraMessages
import ReaderWeb
import Store
import TestSupport
import Testing

/// Each article's time zone and credited outlet: kept by the store, and every page, feed and API answer shows the
/// article's dates in its source's zone.
extension ArchiveContract {
    func zonesAndCredits() async throws {
        // 21:30 UTC on 2 June 2020: 01:30 on the 3rd in Dubai, 23:30 on the 2nd in Cairo (the site's default).
        let instant = Date(timeIntervalSince1970: 1_591_133_400)
        var gulf = article(
            "gulf/1",
            source: "masress",
            sourceName: "مصرس",
            title: "افتتاح معرض الكتاب في دبي بمشاركة عربية واسعة",
            paragraphs: ["افتتح معرض الكتاب أبوابه في دبي بمشاركة دور نشر من أنحاء الوطن العربي."],
            published: instant
        )
        gulf.article.timeZone = "Asia/Dubai"
        gulf.article.credit = "الخليج"
        let cairo = article(
            "cairo/1",
            title: "مجلس الوزراء يوافق على خطة تطوير النقل العام",
            paragraphs: ["وافق مجلس الوزراء على خطة لتطوير شبكة النقل العام في القاهرة الكبرى."],
            published: instant
        )
        try await archive.store([gulf, cairo])
        let stored = try #require(try await archive.article(id: gulf.article.id))
        #expect(stored.timeZone == "Asia/Dubai" && stored.credit == "الخليج" && stored.sourceName == "مصرس")
        let listed = try await archive.list(ArticleQuery(limit: 10))
        #expect(listed.first { $0.id == gulf.article.id }?.timeZone == "Asia/Dubai", "lists carry the zone")
        #expect(listed.first { $0.id == cairo.article.id }?.timeZone == nil)

        let router = Router(context: ReaderContext.self)
        ReaderSite(store: archive).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        func text(_ path: String) async throws -> String {
            String(decoding: try await http.fetch(server.base + path).body, as: UTF8.self)
        }
        do {
            let page = try await text("/article/" + gulf.article.id)
            #expect(
                page.contains(
                    "نشر في <span dir=\"auto\">الخليج</span> يوم 03 - 06 - 2020 عبر <span dir=\"auto\">مصرس</span>"
                )
            )
            #expect(page.contains("\"datePublished\":\"2020-06-03T01:30:00+04:00\""))
            #expect(try await text("/article/" + cairo.article.id).contains("يوم 02 - 06 - 2020"))
            let home = try await text("/")
            #expect(home.contains("datetime=\"2020-06-03T01:30:00+04:00\">03 - 06 - 2020 01:30</time>"))
            #expect(home.contains("datetime=\"2020-06-02T23:30:00+02:00\">02 - 06 - 2020 23:30</time>"))
            #expect(try await text("/feed.xml").contains("<pubDate>Wed, 03 Jun 2020 01:30:00 +0400</pubDate>"))
            #expect(try await text("/feed.json").contains("\"date_published\":\"2020-06-03T01:30:00+04:00\""))
            #expect(try await text("/api/articles").contains("\"published\":\"2020-06-03T01:30:00+04:00\""))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
