import Foundation
import Hummingbird
import NashraHTML
import Store
import Synchronization

/// Stories: one page per story with every outlet's copy («التغطية الكاملة»), top stories on the home page
/// («أهم الأخبار», ranked by `StoryRanking` over the last 24 hours) and the breaking strip («عاجل»).
extension ReaderSite {
    static let topStoriesShown = 8
    static let storyCopiesShown = 200

    func addStoryRoutes(to router: Router<ReaderContext>) {
        router.get("/story/:id") { request, context -> Response in
            guard let id = context.parameters.get("id").map({ String($0) }), id.count <= 64 else {
                return notFound("لا توجد قصة بهذا الرقم.")
            }
            let oldestFirst = request.uri.queryParameters.get("order") == "oldest"
            return try await storyPage(id, oldestFirst: oldestFirst, base: base(of: request))
        }
    }

    /// The ranked stories of the last 24 hours, ranked again at most every `rankedFor` (a day's coverage is
    /// thousands of rows on a busy archive: ranking it for every home page would cost more than the page). Only
    /// story ids are kept: headlines are read when a page is made, so a removed article never shows from here.
    func topStories() async throws -> [StoryRanking.Ranked] {
        let now = now()
        if let kept = rankedStories.kept(at: now) { return kept }
        let ranked = ranking.rank(try await store.coverage(since: now.addingTimeInterval(-86_400)), now: now)
        rankedStories.keep(Array(ranked.prefix(100)), at: now)
        return ranked
    }

    /// What a story is: its copies (first publisher first), how many outlets, and its headline (the first
    /// publisher's).
    struct Story {
        var id: String
        var copies: [StoredArticle]
        var outlets: Int { Set(copies.map(\.sourceID)).count }
        var first: StoredArticle { copies[0] }
        /// The first copy with an image.
        var image: StoredImage? { copies.lazy.compactMap(\.images.first).first }
    }

    func story(_ id: String) async throws -> Story? {
        let copies = try await store.story(id, limit: Self.storyCopiesShown)
        return copies.isEmpty ? nil : Story(id: id, copies: copies)
    }

    func storyPage(_ id: String, oldestFirst: Bool, base: String) async throws -> Response {
        guard let story = try await story(id) else {
            // An article's id where a story's was asked: its story, if it has one.
            if let article = try await store.article(id: id), article.story != id {
                return Response(status: .movedPermanently, headers: [.location: "/story/\(article.story)"])
            }
            return notFound("لا توجد قصة بهذا الرقم.")
        }
        let first = story.first
        var body = "<article class=\"story\"><p class=\"kicker\">التغطية الكاملة</p>"
        body += "<h1 dir=\"auto\">\(HTMLEscaping.escape(first.title))</h1>"
        if let image = story.image {
            body +=
                "<img class=\"lead\" src=\"\(HTMLEscaping.url(image.url))\" alt=\"\(HTMLEscaping.escape(image.caption ?? first.title))\""
            body += " referrerpolicy=\"no-referrer\">"
        }
        body += "<p class=\"summary\"><span class=\"count\">\(Self.outletCount(story.outlets))</span> · أول من نشر: "
        body += outletLink(first)
        body += " <time datetime=\"\(iso(first.sortDate, zone: first.timeZone))\">"
        body += displayDateTime(first.sortDate, zone: first.timeZone) + "</time></p>"
        let order = oldestFirst ? "الأقدم أولا" : "الأحدث أولا"
        let toggle = oldestFirst ? "?order=newest\">الأحدث أولا" : "?order=oldest\">الأقدم أولا"
        body +=
            "<p class=\"meta\">الترتيب: \(order) · <a href=\"/story/\(HTMLEscaping.escape(story.id))\(toggle)</a></p>"
        body += "<ol class=\"list copies\">"
        for copy in oldestFirst ? story.copies : story.copies.reversed() {
            body +=
                "<li><a dir=\"auto\" href=\"/article/\(HTMLEscaping.escape(copy.id))\">\(HTMLEscaping.escape(copy.title))</a>"
            body += " <span class=\"meta\">" + outletLink(copy)
            body += " · <time datetime=\"\(iso(copy.sortDate, zone: copy.timeZone))\">"
            body += displayDateTime(copy.sortDate, zone: copy.timeZone) + "</time>"
            if copy.id == first.id { body += " · <strong>أول من نشر</strong>" }
            body += " · <a rel=\"noopener nofollow\" href=\"\(HTMLEscaping.url(copy.url))\">المصدر</a></span></li>"
        }
        body += "</ol></article>"
        let canonical = base + "/story/" + story.id
        let ld: [String: Any] = [
            "@context": "https://schema.org", "@type": "ItemList", "name": first.title, "url": canonical,
            "numberOfItems": story.copies.count,
            "itemListElement": story.copies.enumerated().map { index, copy in
                ["@type": "ListItem", "position": index + 1, "url": copy.url, "name": copy.sourceName ?? copy.sourceID]
            },
        ]
        let meta = PageMeta(
            description: "\(first.title): \(Self.outletCount(story.outlets)) في نشرة",
            canonical: canonical,
            image: Self.webURL(story.image?.url),
            jsonLD: Self.jsonLD(ld),
            current: first.topic
        )
        return page(title: "التغطية الكاملة: " + first.title, body: body, meta: meta)
    }

    /// «أهم الأخبار»: the best-ranked stories as cards, each with its outlet count.
    func topStoriesSection(_ ranked: [StoryRanking.Ranked]) async throws -> String {
        let shown = Array(ranked.prefix(Self.topStoriesShown))
        guard !shown.isEmpty else { return "" }
        let headlines = try await storyHeadlines(shown.map(\.story))
        var html = "<section aria-labelledby=\"top\"><h2 id=\"top\">أهم الأخبار</h2><ul class=\"cards\">"
        for story in shown {
            guard let article = headlines[story.story] else { continue }
            let line =
                "<span class=\"count\">\(Self.outletCount(story.outlets))</span> · " + outletLink(article)
                + " · " + displayDateTime(story.latest)
            html += card(article, href: "/story/\(HTMLEscaping.escape(story.story))", line: line)
        }
        return html + "</ul></section>"
    }

    /// Each story's headline: its first article's, or, when that one was removed or pruned, its earliest
    /// remaining copy's.
    func storyHeadlines(_ ids: [String]) async throws -> [String: StoredArticle] {
        var headlines = Dictionary(
            try await store.headlines(ids: ids).map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        for id in ids where headlines[id] == nil {
            headlines[id] = try await store.story(id, limit: 1).first
        }
        return headlines
    }

    /// «عاجل»: the stories breaking now, as a strip above the page.
    func breakingStrip(_ ranked: [StoryRanking.Ranked]) async throws -> String {
        let breaking = ranked.filter { $0.breakingSince != nil }
            .sorted { ($0.breakingSince ?? .distantPast) > ($1.breakingSince ?? .distantPast) }
        guard !breaking.isEmpty else { return "" }
        let ids = breaking.prefix(5).map(\.story)
        let found = try await storyHeadlines(ids)
        let links = ids.compactMap { found[$0] }.map { ("/story/" + $0.story, $0.title) }
        return strip(kind: "urgent", name: "عاجل", label: "عاجل", links: links)
    }
}

/// The last ranking of top stories and when it was made.
final class RankedStories: Sendable {
    static let rankedFor: TimeInterval = 30
    private let state = Mutex<(ranked: [StoryRanking.Ranked], at: Date)?>(nil)

    func kept(at now: Date) -> [StoryRanking.Ranked]? {
        state.withLock { state in
            guard let state, now.timeIntervalSince(state.at) < Self.rankedFor, now >= state.at else { return nil }
            return state.ranked
        }
    }

    func keep(_ ranked: [StoryRanking.Ranked], at now: Date) {
        state.withLock { $0 = (ranked, now) }
    }
}
