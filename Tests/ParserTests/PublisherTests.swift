import Foundation
import NashraMessages
import Testing

@testable import Parser

/// Who published a page and in which time zone, where the page says it in other ways than `og:site_name`.
@Suite("Publishers named, credits kept, the page's own time zone") struct PublisherTests {
    let text = "<p>" + String(repeating: "نص الخبر كما نشره الموقع في صفحته الأصلية. ", count: 8) + "</p>"

    func extract(_ head: String, body: String = "", footer: String = "", timezone: String? = nil) throws -> Article {
        let html = """
            <!doctype html><html lang="ar"><head><meta charset="utf-8">\(head)</head><body>
            <header><a href="/"><img class="site-logo" src="/images/logo.png" alt="شعار المصري اليوم"></a></header>
            <h1>وزير المالية يعلن موازنة العام الجديد</h1><article>\(body)\(text)</article>
            <footer>\(footer)</footer></body></html>
            """
        var page = FetchedPage(
            url: "https://www.example.net/news/1",
            finalURL: "https://www.example.net/news/1",
            sourceID: "test",
            status: 200,
            contentType: "text/html; charset=utf-8",
            body: Data(html.utf8)
        )
        page.sourceHints = timezone.map { SourceHints(timezone: $0) }
        return try ArticleExtractor().extract(page)
    }

    @Test("the logo's alt names the publisher when nothing else does; og:site_name and JSON-LD come first")
    func logo() throws {
        #expect(try extract("").sourceName == "المصري اليوم")
        #expect(try extract("<meta property=\"og:site_name\" content=\"الوطن\">").sourceName == "الوطن")
        #expect(
            try extract(
                "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"publisher\":{\"name\":\"الشروق\"}}</script>"
            ).sourceName == "الشروق"
        )
    }

    @Test("copyright lines in Arabic and English")
    func copyright() {
        #expect(Publisher.fromCopyright("© 2025 مصراوي. جميع الحقوق محفوظة") == "مصراوي")
        #expect(Publisher.fromCopyright("جميع الحقوق محفوظة لـ الشروق © ٢٠٢٥") == "الشروق")
        #expect(Publisher.fromCopyright("جميع الحقوق محفوظة لموقع صدى البلد 2014 - 2025") == "صدى البلد")
        #expect(Publisher.fromCopyright("Copyright © 2025 Sky News Arabia. All rights reserved") == "Sky News Arabia")
        #expect(Publisher.fromCopyright("© 2025") == nil)
        #expect(Publisher.fromLogo(alt: "logo") == nil && Publisher.fromLogo(alt: "Youm7 logo") == "Youm7")
    }

    @Test("an aggregator's page credits another outlet: it is the source, with its day; the site stays the site")
    func credit() throws {
        let article = try extract(
            """
            <meta property="og:site_name" content="مصرس">
            <meta property="article:published_time" content="2025-11-24T01:10:00+02:00">
            """,
            body:
                "<p class=\"source\">نشر في <a href=\"https://www.youm7.com/\">اليوم السابع</a> يوم 23 - 11 - 2025</p>",
            timezone: "Africa/Cairo"
        )
        #expect(article.credit == "اليوم السابع" && article.sourceName == "مصرس")
        // 2025-11-23 00:00 in Cairo: the credited day, not the aggregator's copy a night later.
        #expect(article.published == Date(timeIntervalSince1970: 1_763_848_800))
        #expect(!article.paragraphs.contains { $0.contains("نشر في") }, "the credit is not the story's text")
        let eastern = try extract(
            "",
            body: "<div class=\"date\">نُشر في المصري اليوم يوم ٢٣ - ١١ - ٢٠٢٥</div>",
            timezone: "Africa/Cairo"
        )
        #expect(eastern.credit == "المصري اليوم" && eastern.published == Date(timeIntervalSince1970: 1_763_848_800))
        #expect(try extract("", body: "<div class=\"date\">نشر في: 23 نوفمبر 2025</div>").credit == nil)
    }

    @Test("credit lines read by hand: vowel marks, Eastern digits, dashes without spaces, the first date that fits")
    func creditLines() throws {
        let marked = try #require(CreditLine("خبر نَشَرَ في بوابة الأهرام يوم ٣-١١-٢٠٢٥ مساء"))
        #expect(marked.outlet == "بوابة الأهرام" && marked.day == 3 && marked.month == 11 && marked.year == 2025)
        // «يوم» inside the outlet's name is passed over when no date follows it.
        let named = try #require(CreditLine("نشر في اليوم يوم الجديد يوم 23 - 11 - 2025"))
        #expect(named.outlet == "اليوم يوم الجديد")
        #expect(CreditLine("نشر في المصري اليوم\nيوم 23 - 11 - 2025") == nil, "not across lines")
        #expect(CreditLine("نشر في " + String(repeating: "ا", count: 61) + " يوم 23 - 11 - 2025") == nil)
        #expect(CreditLine("نشر في أ يوم 23 - 11 - 2025") == nil, "a name of one letter is none")
        #expect(CreditLine("نشر في الشروق يوم 23 - 11 - 25") == nil, "a year of four digits")
        #expect(Publisher.credit(in: "نشر في الشروق يوم 31 - 02 - 2025", timeZone: .gmt)?.outlet == "الشروق")
    }

    @Test("a date printed alone by the headline, Arabic or Latin; a date inside a sentence is not the article's")
    func dateByHeadline() throws {
        func page(_ near: String) -> Data {
            Data(
                """
                <html lang="ar"><body><h1>وزير المالية يعلن موازنة العام الجديد</h1>\(near)
                <article>\(text)</article></body></html>
                """.utf8
            )
        }
        func published(_ near: String) throws -> Date? {
            var page = FetchedPage(
                url: "https://www.example.net/news",
                finalURL: "https://www.example.net/news",
                sourceID: "test",
                status: 200,
                contentType: "text/html; charset=utf-8",
                body: page(near)
            )
            page.sourceHints = SourceHints(timezone: "Africa/Cairo")
            return try ArticleExtractor().extract(page).published
        }
        // The day in Cairo: a date without a time of day is placed within it.
        var cairo = Calendar(identifier: .gregorian)
        cairo.timeZone = TimeZone(identifier: "Africa/Cairo")!
        func day(_ date: Date?) -> DateComponents? {
            date.map { cairo.dateComponents([.year, .month, .day], from: $0) }
        }
        let expected = DateComponents(year: 2025, month: 11, day: 23)
        #expect(day(try published("<div class=\"x\">القاهرة - الأحد ٢٣ نوفمبر ٢٠٢٥</div>")) == expected)
        #expect(day(try published("<p><span>Datum:</span> 23. November 2025</p>")) == expected)
        #expect(day(try published("<div>23.11.2025</div>")) == expected)
        #expect(
            try published("<p>وتنطلق فعاليات المؤتمر يوم 23 نوفمبر 2025 بمشاركة واسعة من الوزراء والخبراء</p>") == nil,
            "an event's date in a sentence"
        )
    }

    @Test("the page's offset is kept as its zone; the catalog's zone comes first; UTC says nothing")
    func timeZone() throws {
        let gulf = try extract("<meta property=\"article:published_time\" content=\"2020-06-03T03:01:00+04:00\">")
        #expect(gulf.published == Date(timeIntervalSince1970: 1_591_138_860) && gulf.timeZone == "GMT+0400")
        let catalog = try extract(
            "<meta property=\"article:published_time\" content=\"2020-06-03T03:01:00+04:00\">",
            timezone: "Asia/Dubai"
        )
        #expect(catalog.timeZone == "Asia/Dubai")
        #expect(
            try extract("<meta property=\"article:published_time\" content=\"2020-06-02T23:01:00Z\">").timeZone == nil
        )
    }
}
