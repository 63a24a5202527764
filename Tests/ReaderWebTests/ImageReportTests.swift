import Foundation
import Hummingbird
import NashraHTTP
import NashraMessages
import ReaderWeb
import Store
import TestSupport
import Testing

@Suite("Image reports") struct ImageReportTests {
    @Test("one report per reader, hidden after 3 distinct readers, rate-limited, restored by an operator")
    func reports() async throws {
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        let pictures = (1...3).map { ArticleImage(url: "https://img.example/\($0).jpg", caption: "صورة \($0)") }
        try store.upsert([
            ClassifiedArticle(
                article: Article(
                    url: "https://example.com/a",
                    sourceID: "s",
                    sourceName: "مصدر",
                    title: "خبر بالصور",
                    paragraphs: ["فقرة."],
                    images: pictures
                ),
                topic: "general",
                confidence: 0,
                uncertain: true,
                signature: []
            )
        ])
        let article = try #require(try store.latest().first)
        let image = try #require(article.images.first)
        let router = Router(context: ReaderContext.self)
        ReaderSite(store: SQLiteArchive(store), reportThreshold: 3, reportsPerHour: 2).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        func report(_ id: Int64, as reader: String) async throws -> FetchResponse {
            let http = HTTPFetcher(userAgent: reader, addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
            return try await http.fetch(server.base + "/api/images/\(id)/report", method: .emptyPost)
        }
        func visible() async throws -> Bool {
            let http = HTTPFetcher(userAgent: "viewer", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
            let page = String(
                decoding: try await http.fetch(server.base + "/article/" + article.id).body,
                as: UTF8.self
            )
            return page.contains(image.url)
        }

        let page = String(
            decoding: try await HTTPFetcher(userAgent: "v", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
                .fetch(server.base + "/article/" + article.id).body,
            as: UTF8.self
        )
        #expect(page.contains("action=\"/api/images/\(image.id)/report\""), "each image has a report button")

        let first = try await report(image.id, as: "reader-a")
        #expect(first.status == 200)
        #expect(String(decoding: first.body, as: UTF8.self).contains(ReaderSite.reportThanks))
        _ = try await report(image.id, as: "reader-a")  // the same reader again: counted once
        _ = try await report(image.id, as: "reader-b")
        #expect(try await visible(), "two distinct readers are not enough")
        _ = try await report(image.id, as: "reader-c")
        #expect(try await !visible(), "hidden after the third distinct reader")
        #expect(try store.article(id: article.id)?.images.count == 2, "hidden in the API too")

        // reader-a has one counted report this hour (its duplicate added none); the limit is 2.
        #expect(try await report(article.images[1].id, as: "reader-a").status == 200)
        #expect(try await report(article.images[2].id, as: "reader-a").status == 429)
        #expect(try await report(999_999, as: "reader-d").status == 404)

        try store.restore(image: image.id)
        #expect(try await visible(), "an operator restores it")
        await server.stop()
    }
}
