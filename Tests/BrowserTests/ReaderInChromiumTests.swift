import Foundation
import Hummingbird
import NashraMessages
import ReaderWeb
import Store
import TestSupport
import Testing

/// Headless Chromium, when installed (`NASHRA_CHROMIUM` or the Debian package's paths).
enum Chromium {
    static var path: String? {
        let candidates = [
            TestEnvironment.environment["NASHRA_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// The reader site in a real browser: headless Chromium (the Debian package) loads the home, article, search,
/// story, sources and source pages of the demo at a phone's width and takes a screenshot of each; the test reads
/// the pixels back.
/// Skips, saying so, when Chromium is absent, unless `NASHRA_REQUIRE_BROWSER=1` (as CI sets).
/// With `NASHRA_SCREENSHOT_DIR` set, the screenshots are kept there (the README's comes from this test).
@Suite(
    "Reader site in Chromium",
    .serialized,
    .enabled(
        if: Chromium.path != nil || TestEnvironment.environment["NASHRA_REQUIRE_BROWSER"] == "1",
        "Chromium is not installed (apt-get install chromium fonts-noto-core)"
    )
) struct BrowserTests {
    /// A phone's width in CSS pixels (most Arabic news readers are on phones).
    static let width = 360
    /// The site's header (name, search, sections) at that width, in pixels.
    static let headerHeight = 120

    @Test("home, article, search, story, sources and source pages render right-to-left on a phone, text visible")
    func screenshots() async throws {
        let chromium = try #require(
            Chromium.path,
            "NASHRA_REQUIRE_BROWSER=1 but no Chromium found (apt-get install chromium fonts-noto-core)"
        )
        let store = try ArticleStore(path: try TestEnvironment.temporaryDirectory() + "/nashra.sqlite")
        // The demo's two outlets share one host; the directory shows them apart under their own ids.
        let articles = try DemoArticles.classified().map { item in
            var item = item
            item.article.sourceID = item.article.url.contains("/cairo/") ? "cairo" : "madina"
            return item
        }
        try store.upsert(articles)
        let wire = try #require(articles.first { $0.article.url.hasSuffix("madina/wire-summit.html") })
        // The site's present: an hour after the wire story's copies, so that it shows as a top story and breaking.
        let newest = try #require(try store.article(id: wire.article.id)?.sortDate).addingTimeInterval(3600)
        // The frontier's latest feed report: one outlet's feeds fine, one of the other's two broken.
        try store.record(
            health: SourceHealthReport(
                sources: [
                    .init(sourceID: "cairo", feeds: 1, broken: 0, lastSuccess: newest),
                    .init(sourceID: "madina", feeds: 2, broken: 1, lastSuccess: newest.addingTimeInterval(-900)),
                ],
                reportedAt: newest.addingTimeInterval(-60)
            )
        )
        let router = Router(context: ReaderContext.self)
        ReaderSite(store: SQLiteArchive(store), ranking: StoryRanking(breakingOutlets: 2), now: { newest })
            .addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let query = "القمة".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
        let story = try #require(try store.article(id: wire.article.id)?.story)
        let pages = [
            ("home", "/"), ("article", "/article/\(wire.article.id)"), ("search", "/search?q=\(query)"),
            ("story", "/story/\(story)"), ("sources", "/sources"), ("source", "/source/\(wire.article.sourceID)"),
        ]
        let folder = try TestEnvironment.environment["NASHRA_SCREENSHOT_DIR"] ?? TestEnvironment.temporaryDirectory()
        var images: [String: PNGImage] = [:]
        for (name, path) in pages {
            let file = folder + "/reader-\(name).png"
            try? FileManager.default.removeItem(atPath: file)
            let run = try await ChildProcess.output(
                chromium,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                    "--window-size=\(Self.width),1000", "--user-data-dir=\(folder)/chromium-profile",
                    "--screenshot=\(file)",
                    server.base + path,
                ]
            )
            #expect(run.status == 0, "chromium: \(String(decoding: run.stderr, as: UTF8.self).suffix(500))")
            images[name] = try PNGImage(data: try Data(contentsOf: URL(fileURLWithPath: file)))
        }
        await server.stop()

        for (name, image) in images {
            let rows = image.inkRows()
            #expect(image.width == Self.width && image.height == 1000, "\(name)")
            #expect(rows.count > 60, "\(name): too little text drawn (\(rows.count) rows with ink)")
            // Right-to-left: text lines share their right edge and end anywhere on the left. A page of cards and lists
            // has two right margins (inside a card, and the page's): on the right the lines at the two commonest
            // edges count, on the left those at the commonest (full lines of a paragraph end there).
            func aligned(_ edges: [Int], margins: Int) -> Int {
                var histogram = Dictionary(grouping: edges, by: { $0 / 4 }).mapValues(\.count)
                var total = 0
                for _ in 0..<margins {
                    guard let mode = histogram.max(by: { $0.value < $1.value })?.key else { break }
                    for bucket in mode - 1...mode + 1 { total += histogram.removeValue(forKey: bucket) ?? 0 }
                }
                return total
            }
            // Below the header (the search box's edges are aligned both ways), leaving out rows of ink from edge to
            // edge (rules between items, full lines), which are aligned both ways too.
            let content = rows.filter { $0.row > Self.headerHeight && $0.right - $0.left < Self.width - 48 }
            let rightAligned = aligned(content.map(\.right), margins: 2)
            let leftAligned = aligned(content.map(\.left), margins: 1)
            #expect(rightAligned > 2 * leftAligned, "\(name): right edges \(rightAligned), left edges \(leftAligned)")
        }
        // The article's paragraphs are drawn: many lines of ink below the title.
        let article = try #require(images["article"])
        let body = article.inkRows().filter { $0.row > 150 && $0.count > 20 }
        #expect(body.count > 80, "article text lines: \(body.count)")
    }
}
