import Foundation
import Hummingbird
import NashraHTML
import Store

/// The home page, article pages and search.
extension ReaderSite {
    static let pageSize = 20

    func addArticleRoutes(to router: Router<ReaderContext>) {
        router.get("/") { request, _ in try await home(page: Self.requestedPage(request)) }
        router.get("/article/:id") { _, context in
            let id = context.parameters.get("id").map { String($0) }
            guard let id, id.count <= 64, let article = try await store.article(id: id) else {
                return notFound("لم نجد هذا الخبر.")
            }
            return try await articlePage(article)
        }
        router.get("/search") { request, context in
            let parameters = request.uri.queryParameters
            let query = parameters.get("q") ?? ""
            if let refused = searchRefusal(query, client: clients.client(of: request, context: context)) {
                return refused
            }
            guard parameters.get("sort") == "newest" else { return try await searchPage(query: query) }
            return try await searchPage(
                query: query,
                newest: (
                    before: parameters.get("before", as: Int64.self), after: parameters.get("after", as: Int64.self)
                )
            )
        }
    }

    /// The home page: breaking news and the ticker as strips, top stories as cards, the latest headlines (paged),
    /// and each section's newest. A page further back (`?before=`) is the latest list alone.
    public func home(page: ArticleQuery.Page = .newest) async throws -> Response {
        let latest = try await store.list(ArticleQuery(page: page, limit: Self.pageSize))
        var meta = PageMeta(
            description: "آخر الأخبار العربية من مصادرها، وأهم القصص كما تغطيها المواقع الإخبارية",
            feed: "/feed.xml",
            current: "home"
        )
        guard page == .newest else {
            var body = "<h1>آخر الأخبار</h1><ul class=\"list\">" + latest.map { headline($0, showTopic: true) }.joined()
            body += "</ul>" + pager(latest, page: page, size: Self.pageSize, path: "/")
            if latest.isEmpty { body += "<p>لا توجد أخبار أخرى.</p>" }
            meta.description = nil
            return self.page(title: "آخر الأخبار", body: body, meta: meta)
        }
        let ranked = try await topStories()
        meta.strips = try await breakingStrip(ranked) + tickerStrip(Array(latest.prefix(10)))
        var body = "<h1 class=\"hidden\">\(Self.siteName): آخر الأخبار</h1>"
        if latest.isEmpty { body += "<p>لا توجد أخبار بعد.</p>" }
        body += try await topStoriesSection(ranked)
        body += "<section aria-labelledby=\"latest\"><h2 id=\"latest\">آخر الأخبار</h2><ul class=\"list\">"
        body += latest.map { headline($0, showTopic: true) }.joined() + "</ul>"
        body += pager(latest, page: page, size: Self.pageSize, path: "/")
        body += "<p><a href=\"/archive/\(dayText(now()))\">أرشيف اليوم</a></p></section>"
        body += try await sectionBlocks()
        return self.page(title: Self.siteName, body: body, meta: meta)
    }

    /// The ticker: the newest headlines in a strip at the top.
    func tickerStrip(_ articles: [StoredArticle]) -> String {
        strip(
            kind: "ticker",
            name: "شريط الأخبار",
            label: "الآن",
            links: articles.map { ("/article/" + $0.id, $0.title) }
        )
    }

    /// A strip of headlines under the header (the ticker, breaking news).
    func strip(kind: String, name: String, label: String, links: [(href: String, title: String)]) -> String {
        guard !links.isEmpty else { return "" }
        var html = "<div class=\"strip \(kind)\" role=\"region\" aria-label=\"\(name)\">"
        html += "<span class=\"label\">\(label)</span><ul>"
        for link in links {
            html += "<li><a dir=\"auto\" href=\"\(HTMLEscaping.escape(link.href))\">"
            html += HTMLEscaping.escape(link.title) + "</a></li>"
        }
        return html + "</ul></div>"
    }

    public func articlePage(_ article: StoredArticle) async throws -> Response {
        let source = HTMLEscaping.escape(article.credit ?? article.sourceName ?? article.sourceID)
        let site = HTMLEscaping.escape(article.sourceName ?? article.sourceID)
        let copies = try await store.story(article.story, limit: 200)
        let outlets = Set(copies.map(\.sourceID)).count
        var body = "<article><h1 dir=\"auto\">\(HTMLEscaping.escape(article.title))</h1>"
        // Masress's byline, word for word: «نشر في <المصدر> يوم <التاريخ>».
        body += "<p class=\"byline\">نشر في <span dir=\"auto\">\(source)</span>"
        if let published = article.published { body += " يوم \(displayDate(published, zone: article.timeZone))" }
        if article.credit != nil {
            // An aggregator's page: the story is the credited outlet's, the page the site's.
            body += " عبر <span dir=\"auto\">\(HTMLEscaping.escape(article.sourceName ?? article.sourceID))</span>"
        }
        body += "</p><p class=\"meta\"><a href=\"/source/\(HTMLEscaping.escape(article.sourceID))\">"
        body += "المزيد من <span dir=\"auto\">\(site)</span></a></p>"
        if outlets > 1 {
            body += "<p class=\"coverage\"><a href=\"/story/\(HTMLEscaping.escape(article.story))\">"
            body += "التغطية الكاملة: \(Self.outletCount(outlets))</a></p>"
        }
        for image in article.images {
            let alt = image.caption ?? article.title
            body += "<figure><img src=\"\(HTMLEscaping.url(image.url))\" alt=\"\(HTMLEscaping.escape(alt))\""
            body += " loading=\"lazy\" referrerpolicy=\"no-referrer\">"
            if let caption = image.caption {
                body += "<figcaption dir=\"auto\">\(HTMLEscaping.escape(caption))</figcaption>"
            }
            body +=
                "<form method=\"post\" action=\"/api/images/\(image.id)/report\"><button>إبلاغ عن الصورة</button></form>"
            body += "</figure>"
        }
        for paragraph in article.paragraphs { body += "<p dir=\"auto\">\(HTMLEscaping.escape(paragraph))</p>" }
        body += "<p class=\"original\"><a rel=\"noopener nofollow\" href=\"\(HTMLEscaping.url(article.url))\">"
        body += "انقر هنا لقراءة الخبر من مصدره</a></p>"
        let others = copies.filter { $0.id != article.id }
        if !others.isEmpty {
            // The same story from other outlets, first publisher first.
            body +=
                "<section class=\"also\" aria-labelledby=\"also\"><h2 id=\"also\">نشر أيضا في</h2><ul class=\"list\">"
            for other in others.prefix(20) {
                body += "<li><a dir=\"auto\" href=\"/article/\(HTMLEscaping.escape(other.id))\">"
                body += HTMLEscaping.escape(other.sourceName ?? other.sourceID) + "</a>"
                body += " <span class=\"meta\">\(displayDateTime(other.sortDate, zone: other.timeZone))</span></li>"
            }
            body += "</ul></section>"
        }
        body += "</article>"
        let summary = article.paragraphs.first.map { Self.clip($0, 200) }
        var ld: [String: Any] = [
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": Self.clip(article.title, 110),
            "isBasedOn": article.url, "mainEntityOfPage": article.url, "inLanguage": article.language ?? "ar",
            "publisher": ["@type": "Organization", "name": article.credit ?? article.sourceName ?? article.sourceID],
        ]
        if let published = article.published { ld["datePublished"] = iso(published, zone: article.timeZone) }
        if let summary { ld["description"] = summary }
        let images = article.images.compactMap { Self.webURL($0.url) }
        if !images.isEmpty { ld["image"] = images }
        let meta = PageMeta(
            description: summary,
            canonical: article.url,
            type: "article",
            image: images.first,
            jsonLD: Self.jsonLD(ld),
            current: article.topic
        )
        return page(title: article.title, body: body, meta: meta)
    }

    /// Search results: the best 20 by relevance, or (`newest`) every match newest first, paged by cursor.
    /// «أحدث» / «أقدم» links for a page of search results newest first (cursors: storage sequence numbers).
    func searchPager(_ hits: [SearchHit], path: String, newest: (before: Int64?, after: Int64?)) -> String {
        let full = hits.count == Self.pageSize
        let first = hits.first?.sequence
        let last = hits.last?.sequence
        let newer = (newest.before != nil || (newest.after != nil && full)) ? first.map { "\(path)&after=\($0)" } : nil
        let older = (full || newest.after != nil) ? last.map { "\(path)&before=\($0)" } : nil
        return pagerLinks(newer: newer, older: older)
    }

    /// A search answered at once without the archive, or refused: a query past the length limit (400), one
    /// without a letter or digit (the search form again), or a client past its searches a minute (429 with
    /// `Retry-After`). Nil: search.
    func searchRefusal(_ query: String, client: String) -> Response? {
        if query.count > ArchiveSearch.maximumQueryLength {
            return page(
                title: "بحث",
                body:
                    "<h1>بحث</h1><p>عبارة البحث أطول من \(ArchiveSearch.maximumQueryLength) حرف. اختصرها وحاول مرة أخرى.</p>",
                status: .badRequest
            )
        }
        guard query.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil })
        else {
            return page(title: "بحث", body: "<h1>بحث</h1><p>اكتب ما تبحث عنه في خانة البحث أعلى الصفحة.</p>")
        }
        guard let wait = searchLimiter.take(client, now: now().timeIntervalSince1970) else { return nil }
        var response = page(
            title: "مهلا",
            body: "<h1>مهلا</h1><p>بحثت كثيرا خلال دقيقة. حاول مرة أخرى بعد قليل.</p>",
            status: .tooManyRequests
        )
        response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func searchPage(query: String, newest: (before: Int64?, after: Int64?)? = nil) async throws -> Response {
        let query = String(query.prefix(ArchiveSearch.maximumQueryLength))
        var body = "<h1>بحث</h1>"
        guard !query.trimmingCharacters(in: .whitespaces).isEmpty else {
            return page(title: "بحث", body: body + "<p>اكتب ما تبحث عنه في خانة البحث أعلى الصفحة.</p>")
        }
        let hits =
            if let newest {
                try await store.searchNewest(query, limit: Self.pageSize, before: newest.before, after: newest.after)
            } else {
                try await store.search(query, limit: 20)
            }
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let path = "/search?q=" + encoded
        body += "<p>نتائج البحث عن «<span dir=\"auto\">\(HTMLEscaping.escape(query))</span>»"
        body +=
            newest == nil
            ? ": الأكثر صلة · <a href=\"\(path)&amp;sort=newest\">الأحدث أولا</a></p>"
            : ": الأحدث أولا · <a href=\"\(path)\">الأكثر صلة</a></p>"
        body += "<ol class=\"list results\">"
        for hit in hits {
            body += "<li><a dir=\"auto\" href=\"/article/\(HTMLEscaping.escape(hit.article.id))\">"
            body += "\(HTMLEscaping.escape(hit.article.title))</a> <span class=\"meta\">" + outletLink(hit.article)
            body += " · \(displayDateTime(hit.article.sortDate, zone: hit.article.timeZone))</span><p dir=\"auto\">"
            for run in hit.snippet {
                body +=
                    run.highlighted ? "<mark>\(HTMLEscaping.escape(run.text))</mark>" : HTMLEscaping.escape(run.text)
            }
            body += "</p></li>"
        }
        body += "</ol>"
        if hits.isEmpty { body += "<p>لا توجد نتائج.</p>" }
        if let newest { body += searchPager(hits, path: path + "&sort=newest", newest: newest) }
        var response = page(title: "بحث: " + query, body: body)
        response.headers[.init("X-Robots-Tag")!] = "noindex"
        return response
    }
}
