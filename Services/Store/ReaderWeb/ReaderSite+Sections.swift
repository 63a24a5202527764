import Foundation
import Hummingbird
import NashraHTML
import Store

/// Section pages (one per topic), the home page's section blocks, and one day's archive (`/archive/YYYY-MM-DD`,
/// the day in the display time zone), all paged by cursor.
extension ReaderSite {
    func addSectionRoutes(to router: Router<ReaderContext>) {
        router.get("/section/:slug") { request, context -> Response in
            let slug = context.parameters.get("slug").map { String($0) }
            guard let slug, try await isSection(slug) else { return notFound("لا يوجد قسم بهذا الاسم.") }
            return try await sectionPage(slug, page: Self.requestedPage(request), base: base(of: request))
        }
        router.get("/archive/:day") { request, context -> Response in
            guard let text = context.parameters.get("day").map({ String($0) }), let day = day(text) else {
                return notFound("اكتب اليوم هكذا: ‎/archive/2025-11-24")
            }
            return try await archivePage(day, page: Self.requestedPage(request))
        }
    }

    /// Blocks of the newest headlines of each section, for the home page.
    func sectionBlocks(perSection: Int = 5) async throws -> String {
        var body = "<div class=\"blocks\">"
        for topic in try await sections() {
            let articles = try await store.list(ArticleQuery(topic: topic, limit: perSection))
            body += "<section class=\"block\"><h2><a href=\"/section/\(HTMLEscaping.escape(topic))\">"
            body += HTMLEscaping.escape(Self.topicNames[topic] ?? topic) + "</a></h2><ul class=\"list\">"
            for article in articles { body += headline(article) }
            body += "</ul></section>"
        }
        return body + "</div>"
    }

    func sectionPage(_ topic: String, page: ArticleQuery.Page, base: String) async throws -> Response {
        let name = Self.topicNames[topic] ?? topic
        let articles = try await store.list(ArticleQuery(topic: topic, page: page, limit: Self.pageSize))
        let path = "/section/" + (topic.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "")
        var body = "<h1>\(HTMLEscaping.escape(name))</h1>"
        body += "<p class=\"meta\"><a href=\"\(HTMLEscaping.escape(path))/feed.xml\">RSS</a></p><ul class=\"list\">"
        for article in articles { body += headline(article) }
        body += "</ul>"
        if articles.isEmpty { body += "<p>لا توجد أخبار أخرى في هذا القسم.</p>" }
        body += pager(articles, page: page, size: Self.pageSize, path: path)
        let meta = PageMeta(
            description: "آخر أخبار \(name) من المواقع الإخبارية العربية",
            canonical: base + path,
            feed: path + "/feed.xml",
            current: topic
        )
        return self.page(title: name, body: body, meta: meta)
    }

    /// The day `YYYY-MM-DD` names, as its first instant in the display time zone; nil for anything else.
    func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard text.count == 10, parts.count == 3, (1970...9999).contains(parts[0]) else { return nil }
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return calendar.startOfDay(for: date)
    }

    /// `YYYY-MM-DD` of `date` in the display time zone.
    func dayText(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    func archivePage(_ day: Date, page: ArticleQuery.Page) async throws -> Response {
        let next = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
        let previous = calendar.date(byAdding: .day, value: -1, to: day) ?? day.addingTimeInterval(-86_400)
        let articles = try await store.list(ArticleQuery(from: day, until: next, page: page, limit: Self.pageSize))
        let text = dayText(day)
        var body = "<h1>أرشيف يوم \(displayDate(day))</h1><ul class=\"list\">"
        body += articles.map { headline($0, showTopic: true) }.joined() + "</ul>"
        if articles.isEmpty { body += "<p>لا توجد أخبار أخرى في هذا اليوم.</p>" }
        body += pager(articles, page: page, size: Self.pageSize, path: "/archive/" + text)
        body += "<nav class=\"pager\" aria-label=\"الأيام\"><a href=\"/archive/\(dayText(next))\">→ اليوم التالي</a>"
        body += "<a href=\"/archive/\(dayText(previous))\">اليوم السابق ←</a></nav>"
        return self.page(title: "أرشيف \(displayDate(day))", body: body)
    }
}
