import FetchFrontier
import Foundation
import NashraMessages
import TestSupport
import Testing

@testable import Fetcher

@Suite("Politeness: robots.txt and per-host pacing") struct PolitenessTests {
    let agent = "NashraBot/0.1 (+https://example.com/bot)"

    @Test("RFC 9309: our group over *, longest match wins, Allow on a tie, * and $ patterns")
    func robotsMatching() {
        let text = """
            User-agent: *
            Disallow: /

            # Nashra may read the news, not the search or the drafts.
            User-agent: nashrabot
            User-agent: otherbot
            Disallow: /search
            Disallow: /*.pdf$
            Allow: /news/
            Disallow: /news/drafts/
            Allow: /news/drafts/public
            Crawl-delay: 2.5
            Sitemap: https://example.com/sitemap.xml
            """
        let rules = RobotsPolicy.parse(text, userAgent: agent)
        #expect(rules.allows("https://example.com/news/2025/11/23/story"))
        #expect(!rules.allows("https://example.com/search?q=مصر"))
        #expect(!rules.allows("https://example.com/files/report.pdf"))
        #expect(rules.allows("https://example.com/files/report.pdf?download=1"), "$ anchors the end")
        #expect(!rules.allows("https://example.com/news/drafts/secret"))
        #expect(rules.allows("https://example.com/news/drafts/public-note"))
        #expect(rules.allows("https://example.com/robots.txt"))
        #expect(rules.allows("https://example.com/about"), "no rule matches: allowed")
        #expect(rules.crawlDelay == 2.5)
        #expect(rules.sitemaps == ["https://example.com/sitemap.xml"])

        let others = RobotsPolicy.parse(text, userAgent: "SomeoneElse/1.0")
        #expect(!others.allows("https://example.com/news/x"), "the * group applies to other agents")
    }

    @Test("a hostile file's many wildcards against a long path are matched in one pass, with the same answers")
    func robotsWildcardsStayLinear() {
        // Seen while writing the robots fuzz target: the first matcher was recursive and tried every placement of
        // each `*`, so ten of them against a 200-byte path would never have finished.
        let path = "/" + String(repeating: "a", count: 200)
        let hostile = "/" + String(repeating: "*a", count: 10) + "*b"
        let rules = RobotsPolicy.parse("User-agent: *\nDisallow: \(hostile)", userAgent: agent)
        #expect(rules.allows("https://example.com" + path))
        #expect(!rules.allows("https://example.com" + path + "b"))
        #expect(RobotsPolicy.matches("/*a*a$", "/xaya"))
        #expect(!RobotsPolicy.matches("/*a*a$", "/xayab"))
        #expect(RobotsPolicy.matches("/news", "/news/1"), "a pattern without $ matches a prefix")
        #expect(RobotsPolicy.matches("/a$b", "/a$bc"), "a $ inside the pattern is a character")
        #expect(!RobotsPolicy.matches("/news/", "/news"))
        #expect(RobotsPolicy.matches("*", ""))
        #expect(RobotsPolicy.matches("", "/x"))
    }

    @Test("status codes: 4xx allows all, 5xx disallows all; Crawl-delay is capped; Arabic paths match encoded")
    func robotsStatuses() {
        #expect(RobotsPolicy.from(status: 404, body: Data(), userAgent: agent).allows("https://a.com/x"))
        #expect(!RobotsPolicy.from(status: 503, body: Data(), userAgent: agent).allows("https://a.com/x"))
        let slow = RobotsPolicy.parse("User-agent: *\nCrawl-delay: 600\nDisallow: /أخبار/خاص", userAgent: agent)
        #expect(slow.crawlDelay == RobotsPolicy.maximumCrawlDelay)
        #expect(!slow.allows("https://a.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/%D8%AE%D8%A7%D8%B5/1"))
        #expect(slow.allows("https://a.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/%D8%B9%D8%A7%D9%85"))
    }

    @Test("one fetch in flight per host, the next only after the host's delay; retries wait")
    func pacing() throws {
        let state = try FrontierState(directory: try TestEnvironment.temporaryDirectory())
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func job(_ url: String) -> FetchJob { FetchJob(kind: .article, url: url, sourceID: "s") }
        let queued = try state.enqueue(
            [job("https://a.com/1"), job("https://a.com/2"), job("https://b.com/1"), job("https://a.com/1")],
            at: t0
        )
        #expect(queued == ["https://a.com/1", "https://a.com/2", "https://b.com/1"], "seen once")
        #expect(try state.enqueue([job("https://a.com/2")], at: t0).isEmpty, "already seen")

        let first = try state.releasable(at: t0)
        #expect(Set(first.map(\.url)) == ["https://a.com/1", "https://b.com/1"], "one per host")
        try state.markSent(first, at: t0)
        #expect(try state.releasable(at: t0.addingTimeInterval(5)).isEmpty, "both hosts busy until they report")

        try state.finished(
            url: "https://a.com/1",
            at: t0.addingTimeInterval(5),
            delay: 1,
            crawlDelay: nil,
            retryAfter: nil
        )
        #expect(try state.releasable(at: t0.addingTimeInterval(5.5)).isEmpty, "a.com waits its delay")
        #expect(try state.releasable(at: t0.addingTimeInterval(6.1)).map(\.url) == ["https://a.com/2"])

        // b.com asks for 60 s (Retry-After) and its article is retried no sooner.
        try state.finished(
            url: "https://b.com/1",
            at: t0.addingTimeInterval(5),
            delay: 1,
            crawlDelay: nil,
            retryAfter: 60
        )
        try state.requeue(job("https://b.com/1"), attempts: 1, notBefore: t0.addingTimeInterval(65))
        #expect(!(try state.releasable(at: t0.addingTimeInterval(30)).contains { $0.host == "b.com" }))
        #expect(try state.releasable(at: t0.addingTimeInterval(66)).contains { $0.url == "https://b.com/1" })

        // A fetch whose report never comes frees its host after the in-flight timeout.
        try state.markSent(try state.releasable(at: t0.addingTimeInterval(66)), at: t0.addingTimeInterval(66))
        try state.enqueue([job("https://a.com/3")], at: t0.addingTimeInterval(66))
        #expect(
            !(try state.releasable(at: t0.addingTimeInterval(100), inFlightTimeout: 120).contains { $0.host == "a.com" })
        )
        #expect(
            try state.releasable(at: t0.addingTimeInterval(190), inFlightTimeout: 120).contains { $0.host == "a.com" }
        )
    }

    @Test("a report that arrives before the scheduler's publish returns frees its host; its retry stays queued")
    func reportBeforePublishReturns() throws {
        let state = try FrontierState(directory: try TestEnvironment.temporaryDirectory())
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let job = FetchJob(kind: .article, url: "https://a.com/1", sourceID: "s")
        try state.enqueue([job, FetchJob(kind: .article, url: "https://a.com/2", sourceID: "s")], at: t0)
        let sent = try state.releasable(at: t0)
        // The scheduler claims the host, publishes; the worker answers 503 at once and the intake handles the
        // report (host freed, the job queued again) before the scheduler takes the article off the pending list.
        try state.claim(sent, at: t0)
        try state.finished(url: "https://a.com/1", at: t0, delay: 1, crawlDelay: nil, retryAfter: nil)
        try state.requeue(job, attempts: 1, notBefore: t0.addingTimeInterval(5))
        try state.removePending(sent)
        #expect(try state.pendingCount() == 2, "the retry queued by the report is still pending")
        #expect(try state.releasable(at: t0.addingTimeInterval(1.5)).map(\.url) == ["https://a.com/2"], "host free")
        #expect(try state.releasable(at: t0.addingTimeInterval(1.5)).first?.queuedAt != nil)

        // A publish that fails gives the host back at once.
        let next = try state.releasable(at: t0.addingTimeInterval(1.5))
        try state.claim(next, at: t0.addingTimeInterval(1.5))
        #expect(try state.releasable(at: t0.addingTimeInterval(2)).isEmpty)
        try state.unclaim(next)
        #expect(try state.releasable(at: t0.addingTimeInterval(2)).map(\.url) == ["https://a.com/2"])
        try state.finished(
            url: "https://a.com/2",
            at: t0.addingTimeInterval(2),
            delay: 1,
            crawlDelay: nil,
            retryAfter: nil
        )
        #expect(try state.secondsUntilNextDue(at: t0.addingTimeInterval(2), cap: 10) == 1, "the scheduler sleeps 1 s")
    }

    @Test("adaptive polling: sooner when a feed publishes, later when it is quiet, within bounds")
    func adaptivePolling() throws {
        let state = try FrontierState(directory: try TestEnvironment.temporaryDirectory())
        try state.register(feeds: [("https://a.com/rss", "a")])
        for _ in 0..<20 { try state.adapt(feed: "https://a.com/rss", newItems: 3, base: 300, bounds: 75...2400) }
        #expect(try state.feeds().first?.interval == 75, "a busy feed is polled at the lower bound")
        for _ in 0..<40 { try state.adapt(feed: "https://a.com/rss", newItems: 0, base: 300, bounds: 75...2400) }
        #expect(try state.feeds().first?.interval == 2400, "a quiet feed at the upper bound")
        for _ in 0..<5 { try state.record(feed: "https://a.com/rss", etag: nil, lastModified: nil, error: "HTTP 500") }
        #expect(try state.feeds().first?.isBroken == true, "five failures in a row: broken")
        try state.record(feed: "https://a.com/rss", etag: "\"x\"", lastModified: nil, error: nil)
        #expect(try state.feeds().first?.isBroken == false)
        #expect(try state.feeds().first?.etag == "\"x\"")
    }

    @Test("the feed report to the store: per source, feeds and broken ones, last success, the failure, its name")
    func healthReport() throws {
        let state = try FrontierState(directory: try TestEnvironment.temporaryDirectory())
        try state.register(feeds: [
            ("https://a.com/rss", "a"), ("https://a.com/sport.xml", "a"), ("https://b.com/rss", "b"),
        ])
        try state.record(feed: "https://a.com/rss", etag: nil, lastModified: nil, error: nil)
        for _ in 0..<5 {
            try state.record(feed: "https://a.com/sport.xml", etag: nil, lastModified: nil, error: "HTTP 503")
        }
        try state.record(feed: "https://b.com/rss", etag: nil, lastModified: nil, error: "timeout")
        let catalog = try SourceCatalog.parse(
            """
            sources:
              - id: a
                name: مصدر أ
                feeds:
                  - https://a.com/rss
                  - https://a.com/sport.xml
                poll_interval: 300
              - id: b
                name: مصدر ب
                feeds:
                  - https://b.com/rss
                poll_interval: 300
            """
        )
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        let report = FetchScheduler.healthReport(try state.feeds(), catalog: catalog, now: now)
        #expect(report.reportedAt == now && report.sources.map(\.sourceID) == ["a", "b"])
        #expect(report.sources.map(\.name) == ["مصدر أ", "مصدر ب"])
        #expect(report.sources.map(\.feeds) == [2, 1])
        #expect(report.sources.map(\.broken) == [1, 0], "one failure is not broken yet")
        #expect(report.sources[0].lastError == "HTTP 503" && report.sources[1].lastError == nil)
        #expect(report.sources[0].lastSuccess != nil && report.sources[1].lastSuccess == nil)
        let decoded = try MessageCodec.decode(SourceHealthReport.self, from: try MessageCodec.encode(report))
        #expect(decoded.messageID == report.messageID && decoded.sources.map(\.broken) == [1, 0])
    }

    @Test("a hidden source is no longer followed: its feeds are not polled, its pending fetches dropped")
    func pausedSource() throws {
        let state = try FrontierState(directory: try TestEnvironment.temporaryDirectory())
        try state.register(feeds: [("https://a.com/rss", "a"), ("https://b.com/rss", "b")])
        let jobs = ["https://a.com/1", "https://b.com/1"].map { url in
            FetchJob(kind: .article, url: url, sourceID: String(url.dropFirst(8).prefix(1)), sourceName: nil)
        }
        #expect(try state.enqueue(jobs).count == 2)
        #expect(try state.pause(source: "a", reason: "اعتراض المصدر") == 1)
        #expect(try state.dueFeeds().map(\.url) == ["https://b.com/rss"])
        #expect(try state.pendingCount() == 1)
        #expect(try state.pausedSources() == ["a"])
        #expect(try state.resume(source: "a"))
        #expect(try !state.resume(source: "a"))
        #expect(Set(try state.dueFeeds().map(\.url)) == ["https://a.com/rss", "https://b.com/rss"])
    }
}

@Suite("Sources files") struct SourcesFileTests {
    @Test("the shipped sources files parse: Egyptian publishers first, unique ids, real addresses")
    func shippedSources() throws {
        let root = Fixture.root.path
        let catalog = try SourceCatalog.load(path: root + "/deploy/sources.yml")
        #expect(catalog.sources.count >= 14)
        #expect(catalog.sources.prefix(7).allSatisfy { $0.timezone == "Africa/Cairo" })
        #expect(catalog.sources.first?.name == "اليوم السابع")
        #expect(catalog.sources.allSatisfy { !$0.feeds.isEmpty || $0.home != nil })
        for url in catalog.sources.flatMap({ $0.feeds + [$0.home].compactMap { $0 } }) {
            #expect(url.hasPrefix("https://"), "\(url)")
        }
        #expect(try SourceCatalog.load(path: root + "/deploy/demo/sources.yml").sources.count == 2)
        #expect(throws: CatalogError.self) {
            try SourceCatalog.parse("sources:\n  - id: a\n    name: أ\n    feeds: []\n    poll_interval: 0\n")
        }
    }

    @Test("a source's extraction rules are read from the sources file")
    func extractionRules() throws {
        let yaml = """
            sources:
              - id: masrawy
                name: مصراوي
                feeds: [https://www.masrawy.com/rss]
                poll_interval: 300
                extraction:
                  body: div.ArticleDetails
                  date: .time
                  remove: [div.share, .related]
            """
        let rules = try #require(try SourceCatalog.parse(yaml).sources.first?.extraction)
        #expect(rules == ExtractionRules(body: "div.ArticleDetails", date: ".time", remove: ["div.share", ".related"]))
    }
}
