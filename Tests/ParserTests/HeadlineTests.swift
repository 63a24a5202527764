import Foundation
import NashraMessages
import Parser
import Testing

/// Headlines as Arabic outlets serve them: the site's name at either end, escaped twice, or only in `<title>`.
/// Each pattern seen on real pages, written here as a small page.
@Suite("Headlines without the site's name, entities decoded") struct HeadlineTests {
    let body = "<p>" + String(repeating: "نص الخبر كما نشره الموقع في صفحته الأصلية. ", count: 8) + "</p>"

    func title(
        head: String,
        h1: String? = nil,
        url: String = "https://www.example-news.com/story/1",
        catalogName: String? = nil
    ) throws -> String {
        let html = """
            <!doctype html><html lang="ar"><head><meta charset="utf-8">\(head)</head>
            <body>\(h1.map { "<h1>\($0)</h1>" } ?? "")<article>\(body)</article></body></html>
            """
        let page = FetchedPage(
            url: url,
            finalURL: url,
            sourceID: "test",
            sourceName: catalogName,
            status: 200,
            contentType: "text/html; charset=utf-8",
            body: Data(html.utf8)
        )
        return try ArticleExtractor().extract(page).title
    }

    @Test("a suffix equal to og:site_name goes")
    func suffixSiteName() throws {
        #expect(
            try title(
                head: """
                    <meta property="og:title" content="ارتفاع أسعار الذهب في مصر اليوم - اليوم السابع">
                    <meta property="og:site_name" content="اليوم السابع">
                    """
            ) == "ارتفاع أسعار الذهب في مصر اليوم"
        )
    }

    @Test("a prefix naming the site goes («المدينة نيوز - …»)")
    func prefixSiteName() throws {
        #expect(
            try title(
                head: """
                    <meta property="og:title" content="المدينة نيوز - أميركا: 50 ألفا يتظاهرون في العاصمة">
                    <meta property="og:site_name" content="المدينة نيوز">
                    """
            ) == "أميركا: 50 ألفا يتظاهرون في العاصمة"
        )
    }

    @Test("a short suffix that holds the publisher's name goes («… - قناة صدى البلد»), JSON-LD publisher")
    func suffixHoldingName() throws {
        #expect(
            try title(
                head: """
                    <script type="application/ld+json">{"@type": "NewsArticle",
                    "headline": "وزير الري يتفقد محطات الرفع بالبحيرة - قناة صدى البلد",
                    "publisher": {"@type": "Organization", "name": "صدى البلد"}}</script>
                    """
            ) == "وزير الري يتفقد محطات الرفع بالبحيرة"
        )
    }

    @Test("names compared folded: «بوابة الاهرام» is «الأهرام», the catalog's name, the host's name")
    func foldedAndOtherNames() throws {
        #expect(
            try title(
                head: "<meta property=\"og:title\" content=\"افتتاح المتحف المصري الكبير للزوار | بوابة الاهرام\">",
                catalogName: "الأهرام"
            ) == "افتتاح المتحف المصري الكبير للزوار"
        )
        #expect(
            try title(
                head: "<meta property=\"og:title\" content=\"مصراوي | تعرف على مواعيد قطارات الصعيد\">",
                catalogName: "مصراوي"
            ) == "تعرف على مواعيد قطارات الصعيد"
        )
        #expect(
            try title(
                head: "<meta property=\"og:title\" content=\"تعرف على مواعيد قطارات الصعيد - Youm7.com\">",
                url: "https://www.youm7.com/story/2025/11/23/1"
            ) == "تعرف على مواعيد قطارات الصعيد"
        )
    }

    @Test("what the page's <h1> leaves over in og:title is the site's")
    func leftOverByHeadline() throws {
        #expect(
            try title(
                head: "<meta property=\"og:title\" content=\"الحكومة تعلن موعد إجازة نصف العام :: الوطن الإخباري\">",
                h1: "الحكومة تعلن موعد إجازة نصف العام"
            ) == "الحكومة تعلن موعد إجازة نصف العام"
        )
    }

    @Test("a headline whose segments name no site keeps them; a headline that is only the name stays")
    func keptSegments() throws {
        #expect(
            try title(
                head: """
                    <meta property="og:title" content="مصر - السودان: موعد المباراة الودية والقناة الناقلة">
                    <meta property="og:site_name" content="الشروق">
                    """
            ) == "مصر - السودان: موعد المباراة الودية والقناة الناقلة"
        )
        #expect(
            try title(
                head: """
                    <meta property="og:title" content="الشروق - الشروق">
                    <meta property="og:site_name" content="الشروق">
                    """
            ) == "الشروق - الشروق"
        )
    }

    @Test("<title> alone: the known name goes, else its last segment")
    func documentTitle() throws {
        #expect(
            try title(
                head: "<title>اليوم السابع | مجلس النواب يوافق على قانون الإيجار</title>",
                catalogName: "اليوم السابع"
            )
                == "مجلس النواب يوافق على قانون الإيجار"
        )
        #expect(
            try title(head: "<title>مجلس النواب يوافق على قانون الإيجار - موقع إخباري</title>")
                == "مجلس النواب يوافق على قانون الإيجار"
        )
    }

    @Test("entities escaped twice by the publisher are decoded once, in attributes and JSON-LD")
    func entities() throws {
        #expect(
            try title(head: "<meta property=\"og:title\" content=\"&amp;quot;شعر وردي يُشعل السخرية&amp;quot;… فيديو\">")
                == "\"شعر وردي يُشعل السخرية\"… فيديو"
        )
        #expect(
            try title(
                head: """
                    <script type="application/ld+json">{"@type": "NewsArticle",
                    "headline": "الأهلي &amp; الزمالك: &#1575;لقمة في &quot;الدوري&quot;"}</script>
                    """
            ) == "الأهلي & الزمالك: القمة في \"الدوري\""
        )
        // Text a reader sees as «&amp;» (escaped three times) is decoded once only.
        #expect(
            try title(head: "<meta property=\"og:title\" content=\"شركة &amp;amp;amp; أخرى تعلن نتائجها السنوية\">")
                == "شركة &amp; أخرى تعلن نتائجها السنوية"
        )
    }
}
