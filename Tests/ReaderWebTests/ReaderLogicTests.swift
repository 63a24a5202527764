import Foundation
import HTTPTypes
import NIOCore
import Store
import Testing

@testable import ReaderWeb

/// The reader site's pure logic: story ranking and breaking news, cursors, HTTP dates and validators, Arabic counts,
/// inert JSON.
@Suite("Reader site logic") struct ReaderLogicTests {
    static let now = Date(timeIntervalSince1970: 1_764_000_000)

    func copy(_ story: String, _ source: String, minutesAgo first: Double, _ last: Double? = nil) -> StoryCoverage {
        StoryCoverage(
            story: story,
            sourceID: source,
            first: Self.now.addingTimeInterval(-first * 60),
            last: Self.now.addingTimeInterval(-(last ?? first) * 60)
        )
    }

    @Test("top stories: outlets count once each, newer coverage weighs more, stories of one outlet are left out")
    func ranking() {
        let coverage = [
            // Five outlets this morning (about 10 hours ago).
            copy("morning", "a", minutesAgo: 600), copy("morning", "b", minutesAgo: 610),
            copy("morning", "c", minutesAgo: 620),
            copy("morning", "d", minutesAgo: 630), copy("morning", "e", minutesAgo: 640),
            // Three outlets in the last half hour.
            copy("fresh", "a", minutesAgo: 30), copy("fresh", "b", minutesAgo: 20), copy("fresh", "c", minutesAgo: 10),
            // One outlet many times: not a story of several outlets.
            copy("alone", "a", minutesAgo: 5, 1),
            // The same outlet twice in one story counts once.
            copy("twice", "a", minutesAgo: 40), copy("twice", "a", minutesAgo: 30), copy("twice", "b", minutesAgo: 35),
        ]
        let ranked = StoryRanking().rank(coverage, now: Self.now)
        #expect(ranked.map(\.story) == ["fresh", "twice", "morning"])
        #expect(ranked.map(\.outlets) == [3, 2, 5])
        #expect(ranked[0].first == Self.now.addingTimeInterval(-1800))
        #expect(ranked[0].latest == Self.now.addingTimeInterval(-600))
        // Five outlets carrying it now would outrank three.
        let five = StoryRanking().rank(
            coverage.map { c in
                var c = c; c.last = Self.now; return c
            },
            now: Self.now
        )
        #expect(five.first?.story == "morning")
    }

    @Test("breaking: K outlets within M minutes of the first copy, shown for two hours from then")
    func breaking() {
        let ranking = StoryRanking(breakingOutlets: 3, breakingWindow: 3600)
        let fast = [
            copy("fast", "a", minutesAgo: 90), copy("fast", "b", minutesAgo: 80), copy("fast", "c", minutesAgo: 40),
        ]
        #expect(ranking.rank(fast, now: Self.now).first?.breakingSince == Self.now.addingTimeInterval(-2400))
        let slow = [
            copy("slow", "a", minutesAgo: 200), copy("slow", "b", minutesAgo: 150), copy("slow", "c", minutesAgo: 100),
        ]
        #expect(
            ranking.rank(slow, now: Self.now).first?.breakingSince == nil,
            "the third outlet came 100 minutes later"
        )
        let old = [
            copy("old", "a", minutesAgo: 200), copy("old", "b", minutesAgo: 190), copy("old", "c", minutesAgo: 180),
        ]
        #expect(ranking.rank(old, now: Self.now).first?.breakingSince == nil, "breaking three hours ago: no more")
        let two = [copy("two", "a", minutesAgo: 20), copy("two", "b", minutesAgo: 10)]
        #expect(ranking.rank(two, now: Self.now).first?.breakingSince == nil, "two outlets are not three")
        #expect(StoryRanking(breakingOutlets: 2).rank(two, now: Self.now).first?.breakingSince != nil)
    }

    @Test("cursors: text round trip, the earlier bare-number form, and hostile text refused")
    func cursors() {
        let cursor = ListCursor(time: 1_764_000_300.25, id: "0123456789abcdef0123456789abcdef")
        #expect(ListCursor(text: cursor.text) == cursor)
        #expect(ListCursor(text: "1764000300") == ListCursor(time: 1_764_000_300, id: ""))
        for bad in ["", "abc", "nan_x", "inf", "1_<script>", "1_" + String(repeating: "a", count: 65), "1_a b"] {
            #expect(ListCursor(text: bad) == nil, "«\(bad)»")
        }
    }

    @Test("HTTP dates: IMF-fixdate written and read back, malformed ones refused")
    func httpDates() {
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 1_764_000_000)) == "Mon, 24 Nov 2025 16:00:00 GMT")
        for seconds in [0.0, 951_782_400, 1_709_164_800, 4_102_444_799] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(HTTPDate.parse(HTTPDate.format(date)) == date)
        }
        for bad in [
            "", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            #expect(HTTPDate.parse(bad) == nil, "«\(bad)»")
        }
    }

    @Test("conditional requests: a matching tag (strong, weak, in a list, or *) or a date no earlier is fresh")
    func validators() {
        let modified = Date(timeIntervalSince1970: 1_764_000_000.7)
        func fresh(_ fields: HTTPFields) -> Bool {
            ConditionalRequests<ReaderContext>.isFresh(fields, tag: "\"abc\"", lastModified: modified)
        }
        #expect(fresh([.ifNoneMatch: "\"abc\""]))
        #expect(fresh([.ifNoneMatch: "\"x\", W/\"abc\""]))
        #expect(fresh([.ifNoneMatch: "*"]))
        #expect(!fresh([.ifNoneMatch: "\"abd\""]))
        #expect(
            !fresh([.ifNoneMatch: "\"abd\"", .ifModifiedSince: "Mon, 24 Nov 2025 16:00:00 GMT"]),
            "the tag decides"
        )
        #expect(fresh([.ifModifiedSince: "Mon, 24 Nov 2025 16:00:00 GMT"]))
        #expect(!fresh([.ifModifiedSince: "Mon, 24 Nov 2025 15:59:59 GMT"]))
        #expect(!fresh([.ifModifiedSince: "garbage"]))
        #expect(!fresh([:]))
    }

    @Test(
        "page cache: kept pages are hits; an expired one is made by one request while others get it; a takedown version change makes it anew; bytes are bounded"
    )
    func pageStore() async {
        let pages = PageStore(capacity: 1000)
        let page = CachedPage(status: .ok, headers: [:], body: ByteBuffer(string: String(repeating: "x", count: 300)))
        let start = ContinuousClock.now
        func isMake(_ lookup: PageStore.Lookup) -> Bool { if case .make = lookup { true } else { false } }
        func isHit(_ lookup: PageStore.Lookup) -> Bool { if case .hit = lookup { true } else { false } }
        #expect(isMake(await pages.lookup("/", version: 1, notBefore: start)))
        await pages.keep("/", page: page, version: 1, made: start)
        #expect(isHit(await pages.lookup("/", version: 1, notBefore: start)))
        // Expired: the first request makes it again, the next gets the kept page meanwhile.
        let later = start + .seconds(5)
        #expect(isMake(await pages.lookup("/", version: 1, notBefore: later)))
        #expect(isHit(await pages.lookup("/", version: 1, notBefore: later)))
        await pages.keep("/", page: page, version: 1, made: later)
        // A takedown: the kept page is never served again.
        #expect(isMake(await pages.lookup("/", version: 2, notBefore: start)))
        await pages.abandon("/", version: 2)
        #expect(isMake(await pages.lookup("/", version: 2, notBefore: start)))
        await pages.keep("/", page: page, version: 2, made: later)
        // Past the byte capacity everything is dropped.
        for path in ["/a", "/b", "/c"] {
            _ = await pages.lookup(path, version: 2, notBefore: start)
            await pages.keep(path, page: page, version: 2, made: later)
        }
        #expect(isMake(await pages.lookup("/", version: 2, notBefore: start)), "dropped when /c came")
        #expect(isHit(await pages.lookup("/c", version: 2, notBefore: start)))
    }

    @Test("Arabic counts agree with their nouns")
    func counts() {
        #expect(
            [1, 2, 3, 10, 11, 100].map(ReaderSite.outletCount) == [
                "مصدر واحد", "مصدران", "3 مصادر", "10 مصادر", "11 مصدرا", "100 مصدرا",
            ]
        )
        #expect(
            [0, 1, 2, 7, 25].map(ReaderSite.articleCount) == ["لا أخبار", "خبر واحد", "خبران", "7 أخبار", "25 خبرا"]
        )
    }

    @Test("JSON in pages and the API is inert: no markup, the same value to a JSON reader")
    func inertJSON() throws {
        let text = ReaderSite.jsonLD(["headline": "عنوان </script><!-- & \"x\""])
        #expect(!text.contains("<") && !text.contains(">") && !text.contains("&"))
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(value?["headline"] == "عنوان </script><!-- & \"x\"")
        #expect(ReaderSite.webURL("javascript:alert(1)") == nil && ReaderSite.webURL("https://a.example/x.jpg") != nil)
        #expect(ReaderSite.clip("كلمة كلمة كلمة", 10) == "كلمة كلمة…")
    }
}
