import Fetcher
import Foundation
import NashraMessages
import Testing

@testable import ReplaySite

/// Feeds as Arabic outlets serve them, each quirk a case: HTML and entities in titles, CDATA, relative links,
/// images as `media:content` and `enclosure`, `dc:date` instead of `pubDate`, dates with Arabic day and month
/// names, windows-1256, and items with a `guid` but no `link`.
@Suite("Feeds as served") struct FeedsAsServedTests {
    let feedURL = "https://www.example-news.com/rss/latest.xml"

    func items(_ xml: String, windows1256: Bool = false) throws -> [FeedResult.Item] {
        try FeedParser.parse(windows1256 ? WindowsArabic.encode(xml) : Data(xml.utf8), feedURL: feedURL).items
    }

    func rss(_ items: String, prolog: String = "<?xml version=\"1.0\" encoding=\"utf-8\"?>") -> String {
        """
        \(prolog)
        <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel><title>أخبار</title><link>https://www.example-news.com/</link>
        \(items)
        </channel></rss>
        """
    }

    @Test("HTML inside titles, in CDATA or escaped, is shown as its text, entities decoded")
    func htmlInTitles() throws {
        let found = try items(
            rss(
                """
                <item><title><![CDATA[<b>عاجل:</b> ارتفاع أسعار <em>الذهب</em> &amp; الفضة]]></title>
                <link>https://www.example-news.com/news/1</link></item>
                <item><title>&lt;span class="red"&gt;فيديو&lt;/span&gt; &amp;quot;لحظة&amp;quot; وصول الوفد</title>
                <link>https://www.example-news.com/news/2</link></item>
                """
            )
        )
        #expect(found.map(\.hints.title) == ["عاجل: ارتفاع أسعار الذهب & الفضة", "فيديو \"لحظة\" وصول الوفد"])
    }

    @Test("relative links and images resolve against the feed; media:content and enclosure give the image")
    func linksAndImages() throws {
        let found = try items(
            rss(
                """
                <item><title>خبر أول عن الاقتصاد المصري</title><link>/news/2025/11/23/1</link>
                <media:content url="/images/1.jpg" medium="image"/></item>
                <item><title>خبر ثان عن الرياضة المصرية</title><link>news/2</link>
                <enclosure url="https://cdn.example-news.com/2.jpg" type="image/jpeg" length="1000"/></item>
                """
            )
        )
        #expect(
            found.map(\.url) == [
                "https://www.example-news.com/news/2025/11/23/1", "https://www.example-news.com/rss/news/2",
            ]
        )
        #expect(
            found.map(\.hints.image) == [
                "https://www.example-news.com/images/1.jpg", "https://cdn.example-news.com/2.jpg",
            ]
        )
    }

    @Test("dc:date as well as pubDate; dates with Arabic day and month names")
    func dates() throws {
        let found = try items(
            rss(
                """
                <item><title>خبر بتاريخ دبلن كور</title><link>https://www.example-news.com/a</link>
                <dc:date>2025-11-23T08:15:00+02:00</dc:date></item>
                <item><title>خبر بتاريخ عربي</title><link>https://www.example-news.com/b</link>
                <pubDate>الأحد، 23 نوفمبر 2025 - 10:30 ص</pubDate></item>
                <item><title>خبر بتاريخ بأرقام هندية</title><link>https://www.example-news.com/c</link>
                <pubDate>الأحد ٢٣ نوفمبر ٢٠٢٥ ١٠:٣٠</pubDate></item>
                """
            )
        )
        #expect(found[0].hints.published == Date(timeIntervalSince1970: 1_763_878_500))
        // 10:30 in Cairo (the feed gives no offset; the site's default zone) = 08:30 UTC.
        #expect(found[1].hints.published == Date(timeIntervalSince1970: 1_763_886_600))
        #expect(found[2].hints.published == Date(timeIntervalSince1970: 1_763_886_600))
    }

    @Test("a windows-1256 feed is read as Arabic")
    func windows1256() throws {
        let found = try items(
            rss(
                "<item><title>وزارة الصحة تعلن بدء حملة التطعيم</title><link>https://www.example-news.com/w</link></item>",
                prolog: "<?xml version=\"1.0\" encoding=\"windows-1256\"?>"
            ),
            windows1256: true
        )
        #expect(found.map { $0.hints.title } == ["وزارة الصحة تعلن بدء حملة التطعيم"])
    }

    @Test("an item with a permalink guid and no link is followed by its guid; a non-address guid is not a link")
    func guidWithoutLink() throws {
        let found = try items(
            rss(
                """
                <item><title>خبر بلا رابط</title><guid isPermaLink="true">https://www.example-news.com/g/1</guid></item>
                <item><title>خبر بمعرف فقط</title><guid isPermaLink="false">urn:news:12345</guid></item>
                """
            )
        )
        #expect(found.map(\.url) == ["https://www.example-news.com/g/1"])
    }
}
