import Fetcher
import Foundation
import Hummingbird
import NashraHTTP
import NashraMessages
import ReaderWeb
import Store
import TestSupport
import Testing

/// The contract's lists and the reader site's coverage pages: paging by cursor, one outlet's and one day's
/// articles, story copies and coverage, the sources directory, and over real HTTP the story, sources and source
/// pages, top stories and breaking news, feeds, the sitemap, the API's summaries, conditional requests, and a
/// hostile outlet name and title inert everywhere.
extension ArchiveContract {
    static let start = Date(timeIntervalSince1970: 1_764_000_000)

    static let vocabulary = """
        القاهرة الإسكندرية أسوان الجيزة المنصورة طنطا الزقازيق دمياط بورسعيد السويس الأقصر سوهاج قنا المنيا أسيوط \
        الفيوم بنها شبين كفر مطروح العريش الغردقة سفاجا رشيد إدفو كوم أمبو إسنا ملوي دشنا نجع حمادي البلينا طهطا \
        جرجا أخميم ساحل سليم منفلوط ديروط
        """.split(separator: " ").map(String.init)
    static let otherVocabulary = """
        التفاح البرتقال الموز العنب الرمان التين الزيتون النخيل القمح الشعير الذرة الأرز العدس الفول الحمص \
        السمسم الكمون الكركم الزعتر النعناع الريحان البقدونس الكزبرة الشبت الثوم البصل الطماطم الخيار الجزر \
        البطاطس الكوسة الباذنجان الفلفل الليمون المشمش الخوخ الكمثرى البرقوق الكرز الفراولة
        """.split(separator: " ").map(String.init)

    /// `count` articles of one outlet, two a minute from `start` (each pair sharing a second, so that ties are
    /// broken by id), in words of its own (no two outlets tell one story).
    func series(_ source: String, name: String, count: Int) -> [ClassifiedArticle] {
        let words = source == "youm7" ? Self.vocabulary : Self.otherVocabulary
        return (0..<count).map { index in
            let text = (0..<14).map { words[(index * 7 + $0 * 11) % words.count] }.joined(separator: " ")
            return article(
                "\(source)/series/\(index)",
                source: source,
                sourceName: name,
                title: "خبر رقم \(index) من \(name)",
                paragraphs: [text],
                published: Self.start.addingTimeInterval(Double(index / 2 * 60))
            )
        }
    }

    /// Cursor paging walks a list both ways without repeating or skipping an article, ties included; filters by
    /// outlet and by day; the sources directory and story coverage.
    func listsAndSources() async throws {
        let youm7 = series("youm7", name: "اليوم السابع", count: 25)
        let masrawy = series("masrawy", name: "مصراوي", count: 10)
        try await archive.store(youm7 + masrawy)
        let all = try await archive.list(ArticleQuery(limit: 500)).map(\.id)
        #expect(all.count == 35)
        var pages: [[StoredArticle]] = [try await archive.list(ArticleQuery(limit: 8))]
        while let last = pages.last?.last, pages.last?.count == 8 {
            pages.append(try await archive.list(ArticleQuery(page: .olderThan(ListCursor(last)), limit: 8)))
        }
        #expect(pages.flatMap { $0.map(\.id) } == all, "older pages: every article once, in order")
        // Back again from the last page by `newerThan`.
        var back: [StoredArticle] = pages.last ?? []
        while let first = back.first {
            let newer = try await archive.list(ArticleQuery(page: .newerThan(ListCursor(first)), limit: 8))
            if newer.isEmpty { break }
            back = newer + back
        }
        #expect(back.map(\.id) == all, "newer pages: back to the newest")
        let fromYoum7 = try await archive.list(ArticleQuery(source: "youm7", limit: 100))
        #expect(fromYoum7.count == 25 && fromYoum7.allSatisfy { $0.sourceID == "youm7" })
        let window = try await archive.list(
            ArticleQuery(from: Self.start.addingTimeInterval(60), until: Self.start.addingTimeInterval(180), limit: 100)
        )
        #expect(window.count == 8 && window.allSatisfy { ($0.published?.timeIntervalSince(Self.start) ?? 0) >= 60 })
        #expect(
            try await archive.list(ArticleQuery(limit: 3, headlinesOnly: false)).allSatisfy { !$0.paragraphs.isEmpty }
        )

        let sources = try await archive.sources(since: Self.start.addingTimeInterval(240))
        #expect(sources.map(\.id) == ["masrawy", "youm7"])
        #expect(sources.map(\.name) == ["مصراوي", "اليوم السابع"])
        #expect(sources.map(\.recentArticles) == [2, 17], "articles at 4 minutes or later")
        #expect(sources.map(\.newest) == [Self.start.addingTimeInterval(240), Self.start.addingTimeInterval(720)])
        #expect(sources.allSatisfy { $0.feeds == nil }, "no feed report yet")

        // The frontier's feed reports: joined to the outlets, a followed outlet without articles listed too, an
        // older report never replacing a newer one.
        let reported = Self.start.addingTimeInterval(900)
        try await archive.record(
            health: SourceHealthReport(
                sources: [
                    .init(sourceID: "youm7", name: "اليوم السابع", feeds: 2, broken: 0, lastSuccess: reported),
                    .init(sourceID: "shorouk", name: "الشروق", feeds: 1, broken: 1, lastError: "HTTP 503"),
                ],
                reportedAt: reported
            )
        )
        try await archive.record(
            health: SourceHealthReport(
                sources: [.init(sourceID: "youm7", feeds: 2, broken: 2)],
                reportedAt: reported.addingTimeInterval(-60)
            )
        )
        let followed = try await archive.sources(since: Self.start.addingTimeInterval(240))
        #expect(followed.map(\.id) == ["masrawy", "shorouk", "youm7"])
        #expect(followed.map(\.feeds?.broken) == [nil, 1, 0], "the older report did not replace the newer")
        #expect(followed[1].name == "الشروق" && followed[1].recentArticles == 0 && followed[1].newest == nil)
        #expect(followed[1].feeds?.lastError == "HTTP 503" && followed[1].feeds?.reportedAt == reported)
        #expect(
            followed[2].feeds
                == FeedHealth(feeds: 2, broken: 0, lastSuccess: reported, lastError: nil, reportedAt: reported)
        )

        // Three outlets carry the wire story; the other articles stand alone.
        try await archive.store([vaccineCairo, vaccineMadina])
        try await archive.store([ahram])
        let story = try await archive.story(vaccineCairo.article.id, limit: 50)
        #expect(story.map(\.sourceID) == ["youm7", "masrawy", "ahram"], "first publisher first")
        #expect(try await archive.story("no-such-story", limit: 50).isEmpty)
        let coverage = try await archive.coverage(since: Self.start)
        #expect(Set(coverage.map(\.story)) == [vaccineCairo.article.id])
        #expect(coverage.count == 3)
        let stories = try await archive.multiOutletStories(limit: 10, before: nil)
        #expect(stories == [StoryEntry(story: vaccineCairo.article.id, outlets: 3, latest: ahram.article.published!)])
        #expect(try await archive.multiOutletStories(limit: 10, before: ahram.article.published).isEmpty)
        let headlines = try await archive.headlines(ids: [ahram.article.id, "nope", vaccineCairo.article.id])
        #expect(headlines.map(\.id) == [ahram.article.id, vaccineCairo.article.id])
        #expect(headlines[0].images.map(\.url) == ["https://img.ahram.org.eg/vaccine.jpg"], "the lead image")
        #expect(headlines.allSatisfy { $0.paragraphs.isEmpty })
    }

    /// A third outlet's copy of the wire story, with an image.
    var ahram: ClassifiedArticle {
        classifier.classify(
            Article(
                url: "https://www.ahram.org.eg/news/5",
                sourceID: "ahram",
                sourceName: "الأهرام",
                title: "حملة قومية للتطعيم ضد شلل الأطفال",
                published: Date(timeIntervalSince1970: 1_764_000_400),
                paragraphs: Self.wire,
                images: [ArticleImage(url: "https://img.ahram.org.eg/vaccine.jpg", caption: "طفل يتلقى اللقاح")]
            )
        )
    }

    /// The coverage pages over real HTTP.
    func coverageSite() async throws {
        var hostile = article(
            "x/2",
            source: "evil",
            sourceName: "<script>alert('outlet')</script> \"أخبار\"",
            title: "عنوان </script><script>alert(1)</script> خبيث",
            paragraphs: ["فقرة <b>عريضة</b> & رموز"],
            images: [ArticleImage(url: "javascript:alert(1)", caption: "\"><script>alert(2)</script>")]
        )
        hostile.article.published = Date(timeIntervalSince1970: 1_764_000_500)
        try await archive.store([vaccineCairo, vaccineMadina, sport, hostile])
        try await archive.store([ahram])
        let now = Date(timeIntervalSince1970: 1_764_000_000 + 1800)
        let router = Router(context: ReaderContext.self)
        ReaderSite(store: archive, publicURL: "https://nashra.example/", now: { now }).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        func get(_ path: String, headers: [String: String] = [:]) async throws -> FetchResponse {
            try await http.fetch(server.base + path, headers: headers)
        }
        func text(_ path: String) async throws -> String {
            let response = try await get(path)
            #expect(response.status == 200, "\(path): \(response.status)")
            return String(decoding: response.body, as: UTF8.self)
        }
        let storyID = vaccineCairo.article.id
        do {
            // The story page: headline, outlets, first publisher, every copy with its publisher's link.
            let story = try await text("/story/" + storyID)
            #expect(story.contains("التغطية الكاملة") && story.contains("3 مصادر"))
            #expect(story.contains("أول من نشر"))
            #expect(story.contains(vaccineCairo.article.title))
            for copy in [vaccineCairo, vaccineMadina, ahram] {
                #expect(story.contains("/article/\(copy.article.id)") && story.contains(copy.article.url))
            }
            let newest = try #require(story.range(of: "/article/\(ahram.article.id)"))
            let oldest = try #require(story.range(of: "/article/\(vaccineCairo.article.id)\""))
            #expect(newest.lowerBound < oldest.lowerBound, "newest first by default")
            let ordered = try await text("/story/\(storyID)?order=oldest")
            #expect(
                try #require(ordered.range(of: "/article/\(vaccineCairo.article.id)\"")).lowerBound
                    < #require(ordered.range(of: "/article/\(ahram.article.id)")).lowerBound
            )
            #expect(story.contains("<link rel=\"canonical\" href=\"https://nashra.example/story/\(storyID)\">"))
            #expect(story.contains("og:image\" content=\"https://img.ahram.org.eg/vaccine.jpg\""))
            #expect(try await get("/story/no-such-story").status == 404)
            let moved = try await get("/story/" + ahram.article.id)
            #expect(moved.status == 200 && moved.finalURL.hasSuffix("/story/\(storyID)"), "an article's id: its story")

            // The article page links to its story and carries what search engines and messengers read.
            let page = try await text("/article/" + vaccineMadina.article.id)
            #expect(page.contains("href=\"/story/\(storyID)\">التغطية الكاملة: 3 مصادر</a>"))
            #expect(page.contains("<link rel=\"canonical\" href=\"\(vaccineMadina.article.url)\">"), "the original's")
            #expect(page.contains("<meta property=\"og:type\" content=\"article\">"))
            #expect(page.contains("<meta property=\"og:locale\" content=\"ar_AR\">"))
            #expect(page.contains("\"@type\":\"NewsArticle\"") && page.contains("\"isBasedOn\""))
            #expect(!(try await text("/article/" + sport.article.id)).contains("التغطية الكاملة"), "a story of one")

            // Top stories and breaking news on the home page: three outlets within the hour.
            let home = try await text("/")
            #expect(home.contains("أهم الأخبار") && home.contains("href=\"/story/\(storyID)\""))
            #expect(home.contains("class=\"strip urgent\"") && home.contains("عاجل"))
            #expect(home.contains("class=\"strip ticker\""))

            // Sources: the directory, with each outlet's feeds as the frontier reported them, and each outlet's
            // page and feed.
            try await archive.record(
                health: SourceHealthReport(
                    sources: [
                        .init(sourceID: "youm7", feeds: 2, broken: 0, lastSuccess: now),
                        .init(sourceID: "masrawy", feeds: 3, broken: 1, lastSuccess: now.addingTimeInterval(-600)),
                        .init(sourceID: "shorouk", name: "<script>alert('feed')</script> الشروق", feeds: 1, broken: 1),
                    ],
                    reportedAt: now.addingTimeInterval(-60)
                )
            )
            try await archive.record(
                health: SourceHealthReport(
                    sources: [.init(sourceID: "ahram", feeds: 1, broken: 0)],
                    reportedAt: now.addingTimeInterval(-3600)
                )
            )
            let sources = try await text("/sources")
            for name in ["اليوم السابع", "مصراوي", "الأهرام", "الشروق"] { #expect(sources.contains(name)) }
            #expect(sources.contains("href=\"/source/masrawy\""))
            #expect(!sources.contains("href=\"/source/shorouk\""), "nothing stored yet: no page to link to")
            func entry(_ name: String) -> Substring {
                guard let start = sources.range(of: name) else { return "" }
                let rest = sources[start.lowerBound...]
                return rest[..<(rest.range(of: "</li>")?.lowerBound ?? rest.endIndex)]
            }
            #expect(entry("اليوم السابع").contains("الخلاصات سليمة"))
            #expect(entry("مصراوي").contains("1 من 3 خلاصات معطلة"))
            #expect(entry("الشروق").contains("الخلاصة معطلة"))
            #expect(entry("الأهرام").contains("حالة الخلاصات غير معروفة"), "an hour-old report says nothing about now")
            let api = try JSONSerialization.jsonObject(with: try await get("/api/sources").body) as? [[String: Any]]
            let masrawyFeeds = api?.first { $0["id"] as? String == "masrawy" }?["feeds"] as? [String: Any]
            #expect(masrawyFeeds?["broken"] as? Int == 1 && masrawyFeeds?["feeds"] as? Int == 3)
            let masrawy = try await text("/source/masrawy")
            #expect(masrawy.contains(vaccineMadina.article.title) && !masrawy.contains(sport.article.title))
            let feed = try FeedParser.parse(try await get("/source/youm7/feed.xml").body, feedURL: server.base)
            #expect(Set(feed.items.map(\.hints.title)) == [sport.article.title, vaccineCairo.article.title])
            #expect(try await get("/source/nobody").status == 404)

            // The day's archive in Cairo time: 1_764_000_000 is 24 November 2025, 18:00 in Cairo.
            let day = try await text("/archive/2025-11-24")
            #expect(day.contains(sport.article.title))
            #expect(!(try await text("/archive/2025-11-23")).contains(sport.article.title))
            #expect(try await get("/archive/2025-13-40").status == 404)

            // Feeds and the sitemap.
            let rss = try await text("/feed.xml")
            #expect(rss.contains("<language>ar</language>"))
            let json = try JSONSerialization.jsonObject(with: try await get("/feed.json").body) as? [String: Any]
            #expect(json?["version"] as? String == "https://jsonfeed.org/version/1.1")
            #expect((json?["items"] as? [[String: Any]])?.count == 5)
            let index = try await text("/sitemap.xml")
            #expect(index.contains("<sitemapindex") && index.contains("https://nashra.example/sitemap/stories/1.xml"))
            let storyMap = try await text("/sitemap/stories/1.xml")
            #expect(
                storyMap.contains("<loc>https://nashra.example/story/\(storyID)</loc><lastmod>2025-11-24T16:06:40Z")
            )
            #expect(try await text("/sitemap/sources.xml").contains("https://nashra.example/source/ahram"))
            #expect(try await text("/sitemap/sections.xml").contains("https://nashra.example/section/"))
            #expect(try await text("/robots.txt").contains("Sitemap: https://nashra.example/sitemap.xml"))

            // The API: summaries with a cursor; stories as on their pages.
            let listing = try JSONSerialization.jsonObject(with: try await get("/api/articles?limit=2").body)
            let articles = try #require((listing as? [String: Any])?["articles"] as? [[String: Any]])
            #expect(articles.count == 2 && articles.allSatisfy { $0["paragraphs"] == nil && $0["summary"] != nil })
            // Each article's section comes with how sure the classifier was.
            #expect(articles.allSatisfy { ($0["confidence"] as? Double) != nil && ($0["uncertain"] as? Bool) != nil })
            let next = try #require((listing as? [String: Any])?["next"] as? String)
            let rest = try JSONSerialization.jsonObject(
                with: try await get("/api/articles?limit=10&before=\(next)").body
            )
            #expect(((rest as? [String: Any])?["articles"] as? [[String: Any]])?.count == 3)
            let apiStory = try JSONSerialization.jsonObject(with: try await get("/api/stories/\(storyID)").body)
            #expect(((apiStory as? [String: Any])?["copies"] as? [Any])?.count == 3)
            let apiStories = try JSONSerialization.jsonObject(with: try await get("/api/stories").body)
            #expect(((apiStories as? [String: Any])?["stories"] as? [[String: Any]])?.first?["outlets"] as? Int == 3)

            // Conditional requests: the same bytes answer 304 to their tag.
            let first = try await get("/story/" + storyID)
            let tag = try #require(first.headers["etag"])
            #expect(
                first.headers["last-modified"] != nil && first.headers["cache-control"]?.contains("max-age") == true
            )
            #expect(try await get("/story/" + storyID, headers: ["If-None-Match": tag]).status == 304)
            #expect(try await get("/story/" + storyID, headers: ["If-None-Match": "\"other\""]).status == 200)

            // A hostile outlet name and title are inert on every surface.
            for path in [
                "/source/evil", "/sources", "/article/" + hostile.article.id, "/", "/feed.xml", "/source/evil/feed.xml",
                "/feed.json", "/api/articles", "/sitemap/sources.xml", "/archive/2025-11-24",
            ] {
                let body = try await text(path)
                #expect(!body.contains("<script>alert"), "\(path) lets a script through")
                #expect(!body.contains("javascript:"), "\(path) lets a javascript: address through")
            }
            let evil = try await text("/article/" + hostile.article.id)
            #expect(evil.contains("&lt;script&gt;alert(&#39;outlet&#39;)"))
            #expect(evil.contains("\\u003c/script\\u003e"), "JSON-LD cannot close its element")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension ArchiveContract {
    /// Takedown: a removed article and a hidden source's articles are gone from every surface at once, however
    /// long the site keeps its pages (an hour here), the removals are recorded with their reasons, and the store
    /// refuses them when they come again.
    func takedown() async throws {
        try await archive.store([vaccineCairo, vaccineMadina, sport])
        try await archive.store([ahram])
        let router = Router(context: ReaderContext.self)
        let now = Date(timeIntervalSince1970: 1_764_000_000 + 1800)
        ReaderSite(store: archive, pageLifetime: .seconds(3600), now: { now }).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        func get(_ path: String) async throws -> String {
            String(decoding: try await http.fetch(server.base + path).body, as: UTF8.self)
        }
        let surfaces = [
            "/", "/feed.xml", "/feed.json", "/api/articles", "/story/\(vaccineCairo.article.id)",
            "/api/stories/\(vaccineCairo.article.id)", "/source/masrawy", "/sources", "/archive/2025-11-24",
            "/search?q=" + "مصراوي".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
            "/api/search?q=" + "مصراوي".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
            "/sitemap/sources.xml",
        ]
        do {
            let madina = vaccineMadina.article
            let before = try await get("/story/\(vaccineCairo.article.id)")
            #expect(before.contains("/article/\(madina.id)"))
            for path in surfaces { _ = try await get(path) }  // every page made and kept
            let tag = try #require(try await http.fetch(server.base + "/").headers["etag"])
            // A new article waits for the page's lifetime (an hour here: the page cache serves the kept page).
            let quiet = article(
                "quiet/1",
                source: "ahram",
                sourceName: "الأهرام",
                title: "خبر هادئ",
                paragraphs: ["نص هادئ"]
            )
            try await archive.store([quiet])
            #expect(!(try await get("/")).contains("خبر هادئ"), "served from the page cache")

            // One article, by its URL.
            let removal = try await archive.remove(article: madina.url, reason: "طلب الناشر")
            #expect(removal.key == madina.id && removal.articles == 1 && removal.title == madina.title)
            #expect(try await archive.article(id: madina.id) == nil)
            for path in surfaces {
                let body = try await get(path)
                #expect(!body.contains(madina.id) && !body.contains(madina.title), "\(path) still shows it")
            }
            #expect(try await http.fetch(server.base + "/article/" + madina.id).status == 404)
            let fresh = try await http.fetch(server.base + "/", headers: ["If-None-Match": tag])
            #expect(fresh.status == 200, "the home page's old tag is stale: a cache cannot keep serving it")
            #expect(try await archive.story(vaccineCairo.article.id, limit: 10).map(\.sourceID) == ["youm7", "ahram"])
            #expect(try await archive.store([vaccineMadina]).isEmpty, "a re-fetch does not bring it back")
            #expect(try await archive.article(id: madina.id) == nil)

            // An article never stored, by id: refused when it comes.
            let late = article("late/1", source: "masrawy", sourceName: "مصراوي", title: "خبر لاحق", paragraphs: ["نص"])
            #expect(try await archive.remove(article: late.article.id, reason: "حكم قضائي").articles == 0)
            #expect(try await archive.store([late, sport]).isEmpty)
            #expect(try await archive.article(id: late.article.id) == nil)

            // A whole source, its feed report too.
            try await archive.record(
                health: SourceHealthReport(sources: [.init(sourceID: "youm7", feeds: 1, broken: 0)], reportedAt: Date())
            )
            let hidden = try await archive.hide(source: "youm7", reason: "اعتراض المصدر")
            #expect(hidden.articles == 2 && hidden.title == "اليوم السابع")
            #expect(try await get("/").contains("خبر هادئ"), "a takedown renews every kept page")
            #expect(try await archive.list(ArticleQuery(source: "youm7", limit: 10)).isEmpty)
            #expect(try await archive.sources(since: Self.start).map(\.id) == ["ahram"])
            #expect(try await archive.count() == 2)
            #expect(!(try await get("/sources")).contains("/source/youm7"))
            #expect(!(try await get("/")).contains(sport.article.title))
            let story = try await get("/story/\(vaccineCairo.article.id)")
            #expect(story.contains(ahram.article.title) && !story.contains("/source/youm7"), "the story keeps its rest")
            #expect(try await archive.store([sport]).isEmpty, "its articles are refused")
            #expect(try await archive.count() == 2)

            let removals = try await archive.removals()
            #expect(removals.map(\.kind) == [.source, .article, .article])
            #expect(removals.map(\.reason) == ["اعتراض المصدر", "حكم قضائي", "طلب الناشر"])
            #expect(try await archive.unhide(source: "youm7"))
            #expect(try await !archive.unhide(source: "youm7"))
            #expect(try await archive.store([sport]) == [sport.article.id], "accepted again")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension ArchiveContract {
    /// Search results newest first, paged by cursor both ways, in the store and on the search page.
    func searchPaging() async throws {
        let items = series("youm7", name: "اليوم السابع", count: 25).map { item in
            var item = item
            item.article.paragraphs[0] += " والانتخابات البرلمانية"
            return classifier.classify(item.article)
        }
        for item in items { try await archive.store([item]) }  // one at a time: storage order is the series'
        let first = try await archive.searchNewest("الانتخابات", limit: 20, before: nil, after: nil)
        #expect(first.map(\.article.id) == items.reversed().prefix(20).map(\.article.id))
        let last = try #require(first.last?.sequence)
        let second = try await archive.searchNewest("الانتخابات", limit: 20, before: last, after: nil)
        #expect(second.map(\.article.id) == items.prefix(5).reversed().map(\.article.id))
        let back = try await archive.searchNewest("الانتخابات", limit: 20, before: nil, after: second.first?.sequence)
        #expect(back.map(\.article.id) == first.map(\.article.id))
        #expect(try await archive.searchNewest("برشلونة", limit: 20, before: nil, after: nil).isEmpty)
        #expect(first.allSatisfy { $0.snippet.contains { $0.highlighted } })

        let router = Router(context: ReaderContext.self)
        ReaderSite(store: archive).addRoutes(to: router)
        let server = try await TestHTTPServer.start(router: router)
        let http = HTTPFetcher(userAgent: "nashra-test", addressPolicy: AddressPolicy(allowList: "127.0.0.1/32"))
        let query = "الانتخابات".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        do {
            let page = String(
                decoding: try await http.fetch(server.base + "/search?q=\(query)&sort=newest").body,
                as: UTF8.self
            )
            #expect(page.contains("&amp;sort=newest&amp;before=\(last)\">أقدم"))
            let older = String(
                decoding: try await http.fetch(server.base + "/search?q=\(query)&sort=newest&before=\(last)").body,
                as: UTF8.self
            )
            #expect(older.contains(items[0].article.title) && !older.contains(items[24].article.title))
            #expect(older.contains("after=") && older.contains("أحدث"))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
