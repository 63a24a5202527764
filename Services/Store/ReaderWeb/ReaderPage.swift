import Foundation
import Hummingbird
import NIOCore
import NashraHTML
import Store

/// What a page tells search engines and messengers besides its body: its canonical address, Open Graph tags and
/// schema.org JSON-LD. Every value is escaped where it is written.
struct PageMeta {
    var description: String?
    /// Absolute address of the page's original: the publisher's own page for an article (the original is
    /// theirs), this site's address for story, source and section pages.
    var canonical: String?
    /// `website` or `article`.
    var type = "website"
    var image: String?
    /// A JSON-LD object, already encoded (`ReaderSite.jsonLD`).
    var jsonLD: String?
    /// The address of the page's own feed, for `<link rel="alternate">`.
    var feed: String?
    /// The navigation entry to mark as the current page (a section slug, `sources`, or `home`).
    var current: String?
    /// A strip drawn above the main content (the ticker, breaking news).
    var strips = ""
}

/// The site's chrome: one layout for every page (a header with the site's name, search and the sections'
/// navigation; a footer), one stylesheet served from `/site.css`, no script. Phone first (a single column at
/// 360 pixels, cards in a grid from about 36rem), light and dark (`prefers-color-scheme`), landmarks, a skip
/// link, visible focus, and colours of at least 4.5:1 contrast.
extension ReaderSite {
    static let siteName = "نشرة"

    /// The Content-Security-Policy of every page: no script of any origin, styles from this site only, images
    /// from anywhere over http(s) (publishers' images are shown from their servers), forms posted here only.
    static let contentSecurityPolicy =
        "default-src 'none'; img-src https: http:; style-src 'self'; form-action 'self'; base-uri 'none'; "
        + "frame-ancestors 'none'"

    func page(
        title: String,
        body: String,
        meta: PageMeta = PageMeta(),
        status: HTTPResponse.Status = .ok
    ) -> Response {
        var head = "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">"
        head += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        let fullTitle = title == Self.siteName ? title : title + " — " + Self.siteName
        head += "<title>\(HTMLEscaping.escape(fullTitle))</title>"
        head += "<link rel=\"stylesheet\" href=\"/site.css?v=\(Self.stylesheetVersion)\">"
        head += "<meta name=\"color-scheme\" content=\"light dark\">"
        if let description = meta.description {
            head += "<meta name=\"description\" content=\"\(HTMLEscaping.escape(Self.clip(description, 200)))\">"
        }
        if let canonical = meta.canonical {
            head += "<link rel=\"canonical\" href=\"\(HTMLEscaping.url(canonical))\">"
            head += "<meta property=\"og:url\" content=\"\(HTMLEscaping.url(canonical))\">"
        }
        if status == .ok {
            head += "<meta property=\"og:title\" content=\"\(HTMLEscaping.escape(title))\">"
            head += "<meta property=\"og:type\" content=\"\(meta.type)\">"
            head +=
                "<meta property=\"og:site_name\" content=\"\(Self.siteName)\"><meta property=\"og:locale\" content=\"ar_AR\">"
            if let description = meta.description {
                head +=
                    "<meta property=\"og:description\" content=\"\(HTMLEscaping.escape(Self.clip(description, 200)))\">"
            }
            if let image = meta.image {
                head += "<meta property=\"og:image\" content=\"\(HTMLEscaping.url(image))\">"
                head += "<meta name=\"twitter:card\" content=\"summary_large_image\">"
            }
        } else {
            head += "<meta name=\"robots\" content=\"noindex\">"
        }
        if let feed = meta.feed {
            head += "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"\(HTMLEscaping.escape(feed))\">"
        }
        if let jsonLD = meta.jsonLD { head += "<script type=\"application/ld+json\">\(jsonLD)</script>" }
        head += "</head><body><a class=\"skip\" href=\"#main\">تخطَّ إلى المحتوى</a>"
        let html =
            head + header(current: meta.current) + meta.strips + "<main id=\"main\">" + body + "</main>"
            + Self.footer + "</body></html>"
        var response = Self.respond(html, type: "text/html; charset=utf-8", status: status, maxAge: 30)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        return response
    }

    /// The header: the site's name, search, and the sections' navigation (the named sections, in editorial order:
    /// no query, so every page's header costs nothing).
    func header(current: String?) -> String {
        var html = "<header class=\"site\"><div class=\"bar\"><a class=\"logo\" href=\"/\">\(Self.siteName)</a>"
        html += Self.searchForm + "</div><nav class=\"sections\" aria-label=\"الأقسام\"><ul>"
        var entries = [("home", "/", "الرئيسية")]
        entries += Self.sectionOrder.map { ($0, "/section/\($0)", Self.topicNames[$0] ?? $0) }
        entries.append(("sources", "/sources", "المصادر"))
        for (key, href, name) in entries {
            let mark = key == current ? " aria-current=\"page\"" : ""
            html += "<li><a href=\"\(href)\"\(mark)>\(name)</a></li>"
        }
        return html + "</ul></nav></header>"
    }

    static let footer =
        "<footer><p>نشرة تجمع الأخبار من مصادرها وتنسب كل خبر إلى ناشره، مع رابط إلى صفحته الأصلية.</p>"
        + "<p><a href=\"/sources\">المصادر</a> · <a href=\"/feed.xml\">RSS</a> · <a href=\"/feed.json\">JSON Feed</a>"
        + " · <a href=\"/sitemap.xml\">خريطة الموقع</a></p></footer>"

    public static let searchForm =
        "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\"><label class=\"hidden\" for=\"q\">"
        + "ابحث في الأخبار</label><input id=\"q\" type=\"search\" name=\"q\" maxlength=\"200\" "
        + "placeholder=\"ابحث في الأخبار\" dir=\"auto\"><button>بحث</button></form>"

    /// A headline in a list: title, outlet and time, each isolated for bidirectional text (`dir="auto"`: a Latin
    /// title or outlet name inside an Arabic page keeps its own order).
    func headline(_ article: StoredArticle, showTopic: Bool = false) -> String {
        var item = "<li><a dir=\"auto\" href=\"/article/\(HTMLEscaping.escape(article.id))\">"
        item += HTMLEscaping.escape(article.title) + "</a> <span class=\"meta\">"
        item += outletLink(article)
        item += " · <time datetime=\"\(iso(article.sortDate, zone: article.timeZone))\">"
        item += displayDateTime(article.sortDate, zone: article.timeZone) + "</time>"
        if showTopic, let name = Self.topicNames[article.topic] {
            item += " · <a href=\"/section/\(HTMLEscaping.escape(article.topic))\">\(name)</a>"
        }
        return item + "</span></li>"
    }

    /// The outlet's name, linking to its page.
    func outletLink(_ article: StoredArticle) -> String {
        "<a dir=\"auto\" href=\"/source/\(HTMLEscaping.escape(article.sourceID))\">"
            + HTMLEscaping.escape(article.sourceName ?? article.sourceID) + "</a>"
    }

    /// A card: the lead image when there is one, the headline, and a line under it.
    func card(_ article: StoredArticle, href: String, line: String) -> String {
        var html = "<li class=\"card\">"
        if let image = article.images.first {
            html +=
                "<img src=\"\(HTMLEscaping.url(image.url))\" alt=\"\(HTMLEscaping.escape(image.caption ?? article.title))\""
            html += " loading=\"lazy\" referrerpolicy=\"no-referrer\">"
        }
        html +=
            "<div class=\"text\"><h3><a dir=\"auto\" href=\"\(href)\">\(HTMLEscaping.escape(article.title))</a></h3>"
        return html + "<p class=\"meta\">\(line)</p></div></li>"
    }

    /// «أحدث» / «أقدم» links for a page of a list: `path` with `before=` or `after=` a cursor (plus `extra`
    /// query items, already encoded).
    func pager(_ articles: [StoredArticle], page: ArticleQuery.Page, size: Int, path: String, extra: String = "")
        -> String
    {
        guard let first = articles.first, let last = articles.last else {
            if case .newest = page { return "" }
            return "<nav class=\"pager\" aria-label=\"الصفحات\"><a href=\"\(path)\(extra.isEmpty ? "" : "?" + extra)\">"
                + "الأحدث</a></nav>"
        }
        let join = extra.isEmpty ? "?" : "?" + extra + "&"
        // A full page may have more after it; a page reached going back to newer ones always has older ones.
        let full = articles.count == size
        let (hasNewer, hasOlder): (Bool, Bool)
        switch page {
        case .newest: (hasNewer, hasOlder) = (false, full)
        case .olderThan: (hasNewer, hasOlder) = (true, full)
        case .newerThan: (hasNewer, hasOlder) = (full, true)
        }
        return pagerLinks(
            newer: hasNewer ? path + join + "after=" + ListCursor(first).text : nil,
            older: hasOlder ? path + join + "before=" + ListCursor(last).text : nil
        )
    }

    /// The «أحدث» / «أقدم» links themselves (none when there is neither).
    func pagerLinks(newer: String?, older: String?) -> String {
        guard newer != nil || older != nil else { return "" }
        var html = "<nav class=\"pager\" aria-label=\"الصفحات\">"
        html += newer.map { "<a rel=\"prev\" href=\"\(HTMLEscaping.escape($0))\">→ أحدث</a>" } ?? "<span></span>"
        html += older.map { "<a rel=\"next\" href=\"\(HTMLEscaping.escape($0))\">أقدم ←</a>" } ?? "<span></span>"
        return html + "</nav>"
    }

    /// The page of a list a request asks for: `before=` (older) or `after=` (newer) a cursor.
    static func requestedPage(_ request: Request) -> ArticleQuery.Page {
        let parameters = request.uri.queryParameters
        if let text = parameters.get("before"), let cursor = ListCursor(text: text) { return .olderThan(cursor) }
        if let text = parameters.get("after"), let cursor = ListCursor(text: text) { return .newerThan(cursor) }
        return .newest
    }

    /// `text` cut to at most `length` characters at a word boundary, with an ellipsis when cut.
    static func clip(_ text: String, _ length: Int) -> String {
        guard text.count > length else { return text }
        let cut = text.prefix(length - 1)
        let whole = text[cut.endIndex] == " "
        let word = whole ? cut : cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return word + "…"
    }

    /// A response with its validator (`ETag`, a hash of the bytes) and a short `Cache-Control`, so a CDN or a
    /// browser can ask again cheaply (`ConditionalRequests` answers 304).
    static func respond(
        _ text: String,
        type: String,
        status: HTTPResponse.Status = .ok,
        maxAge: Int
    ) -> Response {
        var buffer = ByteBuffer(string: text)
        var headers: HTTPFields = [
            .contentType: type,
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Referrer-Policy")!: "no-referrer",
        ]
        if status == .ok {
            headers[.eTag] = EntityTag.of(buffer.readableBytesView)
            headers[.cacheControl] = "public, max-age=\(maxAge)"
        } else {
            headers[.cacheControl] = "no-store"
        }
        buffer.moveReaderIndex(to: 0)
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}
