import Foundation
import NashraHTML

/// The markup of the replay publisher: article pages wrapped in what real Arabic news sites put around an article
/// (a menu, a breaking-news ticker, share buttons, related links, readers' comments, a footer, scripts), and the
/// outlets' feeds. Every text goes through `HTMLEscaping`.
struct ReplayPages {
    let corpus: ReplayCorpus
    let plan: ReplayPlan

    static let menu = ["الرئيسية", "سياسة", "اقتصاد", "رياضة", "ثقافة", "تكنولوجيا", "منوعات", "فيديو"]
    /// The weight real pages carry besides the article: a stylesheet and an ad/analytics configuration inline
    /// (about 25 KB together, the same on every page of a run).
    static let inlineStyle = (0..<160).map {
        ".block-\($0) { margin: \($0 % 9)px; padding: 4px \($0 % 5)px; color: #333; }"
    }
    .joined(separator: "\n")
    static let inlineScript =
        "window.adSlots = ["
        + (0..<120).map {
            "{\"id\": \"slot-\($0)\", \"sizes\": [[300, 250], [728, 90]], \"targeting\": {\"section\": \"news\"}}"
        }
        .joined(separator: ", ") + "];"
    static let comments = [
        "خبر مهم، نتمنى أن نرى نتائج ملموسة قريبا.",
        "شكرا على التغطية السريعة والدقيقة.",
        "أين المصدر الرسمي لهذه المعلومات؟",
    ]

    func page(_ article: ReplayArticle, number: Int, outlet: ReplayOutlet, charset: String) -> String {
        let story = corpus.stories[article.story]
        let title = HTMLEscaping.escape(story.title)
        let name = HTMLEscaping.escape(outlet.name)
        let published = Date(timeIntervalSince1970: article.published)
        let iso = Self.iso8601(published)
        let others = (1...5).map { corpus.stories[(article.story + $0 * 7) % corpus.stories.count] }
        var html = """
            <!doctype html>
            <html lang="ar" dir="rtl">
            <head>
            <meta charset="\(charset)">
            <title>\(title) - \(name)</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta property="og:title" content="\(title)">
            <meta property="og:site_name" content="\(name)">
            <meta property="og:type" content="article">
            <meta property="og:image" content="\(outlet.base)/images/\(number).jpg">
            <meta property="article:published_time" content="\(iso)">
            <meta name="description" content="\(HTMLEscaping.escape(String(story.paragraphs[0].prefix(150))))">
            <link rel="alternate" type="application/rss+xml" href="\(outlet.feedURL)">
            <link rel="stylesheet" href="/static/site.css">
            <style>\(Self.inlineStyle)</style>
            <script>\(Self.inlineScript)</script>
            </head>
            <body>
            <header class="site-header">
            <div class="logo"><a href="/">\(name)</a></div>
            <nav class="main-menu"><ul>
            """
        for (index, item) in Self.menu.enumerated() { html += "<li><a href=\"/section/\(index)\">\(item)</a></li>" }
        html += "</ul></nav>\n<div class=\"breaking-ticker\"><span>عاجل</span>"
        for (index, other) in others.prefix(3).enumerated() {
            html +=
                " <a href=\"/news/\(index + 1)/breaking-\(number + index).html\">\(HTMLEscaping.escape(other.title))</a>"
        }
        html += """
            </div>
            </header>
            <main class="content">
            <div class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/section/\(story.section)">\(
                HTMLEscaping.escape(story.section))</a></div>
            <article class="article">
            <h1 class="article-title">\(title)</h1>
            <div class="article-meta"><span class="date">نشر في \(Self.arabicDate(published))</span>
            <span class="author">كتب: المحرر</span></div>
            <figure class="main-image"><img src="/images/\(number).jpg" alt="\(title)">
            <figcaption>صورة أرشيفية</figcaption></figure>
            <div class="article-body">

            """
        for paragraph in story.paragraphs { html += "<p>\(HTMLEscaping.escape(paragraph))</p>\n" }
        html += """
            </div>
            <div class="share-bar">شارك الخبر: <a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
            <div class="tags">الكلمات المفتاحية: <a href="/tag/1">أخبار</a> <a href="/tag/2">عاجل</a></div>
            </article>
            <aside class="related"><h3>اقرأ أيضا</h3><ul>

            """
        for (index, other) in others.enumerated() {
            html +=
                "<li><a href=\"/news/\(index + 1)/related-\(number + index).html\">\(HTMLEscaping.escape(other.title))</a></li>\n"
        }
        html += "</ul></aside>\n<aside class=\"most-read\"><h3>الأكثر قراءة</h3><ol>\n"
        for index in 1...10 {
            let other = corpus.stories[(article.story + index * 13) % corpus.stories.count]
            html +=
                "<li><a href=\"/news/\(index % 7 + 1)/popular-\(index).html\">\(HTMLEscaping.escape(other.title))</a></li>\n"
        }
        html += "</ol></aside>\n<section class=\"comments\"><h3>تعليقات القراء</h3>\n"
        for (index, comment) in Self.comments.enumerated() {
            html +=
                "<div class=\"comment\"><span class=\"comment-author\">قارئ \(index + 1)</span><p>\(comment)</p></div>\n"
        }
        html += """
            </section>
            </main>
            <footer class="site-footer"><p>جميع الحقوق محفوظة © \(name) ٢٠٢٦. موقع محاكاة يقدمه مشروع نشرة لاختبار الأداء.</p>
            <ul><li><a href="/about">من نحن</a></li><li><a href="/contact">اتصل بنا</a></li></ul></footer>
            <script>window.dataLayer = window.dataLayer || []; dataLayer.push({"page": "\(number)"});</script>
            </body>
            </html>

            """
        return html
    }

    /// The outlet's feed with its first `count` pages, newest first (the newest `feedItems` of them, when set).
    func feed(of outlet: ReplayOutlet, count: Int, charset: String) -> String {
        let limit = plan.settings.feedItems > 0 ? plan.settings.feedItems : count
        let items = plan.pages[outlet.index].prefix(count).suffix(limit).reversed()
        let name = HTMLEscaping.escape(outlet.name)
        var xml = "<?xml version=\"1.0\" encoding=\"\(charset)\"?>\n"
        switch outlet.feed {
        case .rss:
            xml += "<rss version=\"2.0\"><channel><title>\(name)</title><link>\(outlet.base)/</link>"
            xml += "<language>ar</language>\n"
            for item in items {
                let story = corpus.stories[item.story]
                xml += "<item><title>\(HTMLEscaping.escape(story.title))</title><link>\(item.url)</link>"
                xml += "<guid>\(item.url)</guid><pubDate>\(Self.rfc822(Date(timeIntervalSince1970: item.published)))"
                xml += "</pubDate><category>\(HTMLEscaping.escape(story.section))</category></item>\n"
            }
            xml += "</channel></rss>\n"
        case .atom:
            xml += "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>\(name)</title><id>\(outlet.base)/</id>\n"
            for item in items {
                let story = corpus.stories[item.story]
                let date = Self.iso8601(Date(timeIntervalSince1970: item.published))
                xml += "<entry><title>\(HTMLEscaping.escape(story.title))</title><link href=\"\(item.url)\"/>"
                xml += "<id>\(item.url)</id><published>\(date)</published><updated>\(date)</updated></entry>\n"
            }
            xml += "</feed>\n"
        case .sitemap:
            xml += "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
            xml += "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n"
            for item in items {
                let story = corpus.stories[item.story]
                xml += "<url><loc>\(item.url)</loc><news:news><news:publication><news:name>\(name)</news:name>"
                xml += "<news:language>ar</news:language></news:publication><news:publication_date>"
                xml += Self.iso8601(Date(timeIntervalSince1970: item.published))
                xml += "</news:publication_date><news:title>\(HTMLEscaping.escape(story.title))</news:title>"
                xml += "</news:news></url>\n"
            }
            xml += "</urlset>\n"
        }
        return xml
    }

    /// 100,000 nested elements, then the article: a parser that recurses per level would overflow its stack.
    func deeplyNested(_ article: ReplayArticle, number: Int, outlet: ReplayOutlet) -> String {
        let page = self.page(article, number: number, outlet: outlet, charset: "utf-8")
        let depth = 100_000
        let open = String(repeating: "<div><span>", count: depth / 2)
        let close = String(repeating: "</span></div>", count: depth / 2)
        return page.replacingOccurrences(of: "<body>", with: "<body>" + open)
            .replacingOccurrences(of: "</body>", with: close + "</body>")
    }

    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// RFC 822 in GMT (`Wed, 02 Dec 2026 13:10:14 +0000`), as RSS dates are written.
    static func rfc822(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        return "\(days[(p.weekday ?? 1) - 1]), \(two(p.day)) \(months[(p.month ?? 1) - 1]) \(p.year ?? 1970) "
            + "\(two(p.hour)):\(two(p.minute)):\(two(p.second)) +0000"
    }

    /// «٢ ديسمبر ٢٠٢٦ - ١٣:١٠» in Riyadh time, with Eastern Arabic digits, as many Arabic outlets write it.
    static func arabicDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Riyadh") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let months = [
            "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
            "ديسمبر",
        ]
        let text =
            "\(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 2026) - "
            + "\((parts.hour ?? 0) / 10)\((parts.hour ?? 0) % 10):\((parts.minute ?? 0) / 10)\((parts.minute ?? 0) % 10)"
        return String(
            text.unicodeScalars.map { scalar in
                guard ("0"..."9").contains(scalar) else { return Character(scalar) }
                return Character(Unicode.Scalar(scalar.value - 0x30 + 0x0660)!)
            }
        )
    }
}
