import Foundation
import Hummingbird
import NashraHTTP
import NashraMessages
import ReaderWeb
import Store
import TestSupport
import Testing

@Suite("Arabic search and the reader site") struct SearchTests {
    func store(_ articles: [(title: String, body: String)]) throws -> ArticleStore {
        let path = try TestEnvironment.temporaryDirectory() + "/nashra.sqlite"
        let store = try ArticleStore(path: path)
        try store.upsert(
            articles.enumerated().map { index, item in
                ClassifiedArticle(
                    article: Article(
                        url: "https://example.com/\(index)",
                        sourceID: "demo",
                        sourceName: "أخبار القاهرة",
                        title: item.title,
                        published: Date(timeIntervalSince1970: 1_763_885_700 + Double(index)),
                        paragraphs: item.body.components(separatedBy: "\n")
                    ),
                    topic: "politics",
                    confidence: 0.9,
                    uncertain: false,
                    signature: []
                )
            }
        )
        return store
    }

    @Test("folding: diacritics, hamza and alef forms, yaa, taa marbuta, tatweel, digits, and «ال» all match")
    func folding() throws {
        let store = try store([
            ("انتخابات مجلس النواب تبدأ غدا", "يتوجه الناخبون إلى صناديق الاقتراع في ٢٠٢٥."),
            ("الرَّئِيسُ يستقبل أحمد إبراهيم", "استقبل الرئيس الســـفير في القصر."),
            ("افتتاح مستشفى جديد", "افتتحت الوزارة مدرسة ومستشفى في أسوان."),
        ])
        func titles(_ query: String) throws -> [String] { try store.search(query).map(\.article.title) }
        #expect(try titles("الانتخابات") == ["انتخابات مجلس النواب تبدأ غدا"], "light stemming drops «ال»")
        #expect(try titles("الرئيس") == ["الرَّئِيسُ يستقبل أحمد إبراهيم"], "diacritics in the text")
        #expect(try titles("احمد ابراهيم") == ["الرَّئِيسُ يستقبل أحمد إبراهيم"], "alef and hamza forms")
        #expect(try titles("السفير") == ["الرَّئِيسُ يستقبل أحمد إبراهيم"], "tatweel in the text")
        #expect(try titles("مستشفي") == ["افتتاح مستشفى جديد"], "ى and ي")
        #expect(try titles("مدرسه") == ["افتتاح مستشفى جديد"], "ة and ه")
        #expect(try titles("2025") == ["انتخابات مجلس النواب تبدأ غدا"], "Eastern Arabic digits")
        #expect(try titles("انتخابات أسوان").isEmpty, "every term must match")
        for hostile in ["\"", "*", "NEAR(a b)", "-x", "a OR", "(", "'; DROP TABLE articles; --", ""] {
            #expect(throws: Never.self) { _ = try store.search(hostile) }
        }
    }

    @Test("a title match ranks first; the snippet highlights the original words")
    func rankingAndSnippet() throws {
        let store = try store([
            ("أسعار الذهب اليوم", "ارتفعت الأسعار في السوق بعد قرار البنك المركزي رفع الفائدة."),
            ("البنك المركزي يرفع الفائدة", "قرر البنك المركزي رفع سعر الفائدة نصف نقطة مئوية."),
        ])
        let hits = try store.search("البنك المركزي")
        #expect(hits.map(\.article.title) == ["البنك المركزي يرفع الفائدة", "أسعار الذهب اليوم"])
        let highlighted = hits[0].snippet.filter(\.highlighted).map(\.text)
        #expect(highlighted == ["البنك", "المركزي"])
        #expect(hits[0].snippetText.hasPrefix("قرر البنك المركزي"))
    }

    @Test("the reader site over real HTTP: search page, JSON, article page; scraped markup renders inert")
    func readerSite() async throws {
        let hostile = #"<script>alert(1)</script>"><img src=x onerror=alert(2)> الانتخابات"#
        let store = try store([(hostile, "بدأت الانتخابات <b>اليوم</b> في جميع المحافظات.")])
        let router = Router(context: ReaderContext.self)
        ReaderSite(store: SQLiteArchive(store)).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        let query = "الانتخابات".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!

        let search = try await http.fetch(server.base + "/search?q=" + query)
        let html = String(decoding: search.body, as: UTF8.self)
        #expect(search.status == 200)
        #expect(search.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(html.contains("dir=\"rtl\""))
        #expect(!html.contains("<script>alert"), "no script from a page reaches the reader")
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<mark>الانتخابات</mark>"))
        #expect(html.contains("&lt;b&gt;اليوم&lt;/b&gt;"))

        let api = try await http.fetch(server.base + "/api/search?q=" + query)
        let results = try JSONSerialization.jsonObject(with: api.body) as? [[String: Any]]
        #expect(results?.count == 1)
        #expect((results?.first?["matched"] as? [String]) == ["الانتخابات"])

        let id = try #require(results?.first?["id"] as? String)
        let article = String(decoding: try await http.fetch(server.base + "/article/" + id).body, as: UTF8.self)
        #expect(article.visibleText.contains("نشر في أخبار القاهرة يوم 23 - 11 - 2025"))
        #expect(article.contains("انقر هنا لقراءة الخبر من مصدره"))
        #expect(!article.contains("<script>alert"))
        let long = String(repeating: "ب", count: 1000).addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
        let refused = try await http.fetch(server.base + "/search?q=" + long)
        #expect(refused.status == 400, "a query past the length limit is answered at once, without the archive")
        #expect(String(decoding: refused.body, as: UTF8.self).contains("اختصرها"))
        await server.stop()
    }
}
