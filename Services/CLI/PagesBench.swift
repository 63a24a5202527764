import ArgumentParser
import Foundation
import Hummingbird
import Mustache
import NashraRuntime
import ReaderWeb
import Store

/// Whether the reader's pages should come from templates: the home and article pages built as the site builds them
/// (escaped strings joined in Swift) against the same pages from Mustache templates (swift-mustache, which
/// Hummingbird's ecosystem uses) over the same store reads. Both sides read the store the same way, so the
/// difference is the rendering.
struct PagesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages",
        abstract: "Reader pages: string building (the site's) against Mustache templates, per page."
    )

    @Option(help: "A database with articles (made by nashra bench store or nashra import).") var db: String
    @Option(help: "Renders of each page per measurement.") var renders = 2000

    func run() async throws {
        let store = SQLiteArchive(try ArticleStore(path: db))
        let site = ReaderSite(store: store)
        guard let id = try await store.latest(limit: 1).first?.id, let article = try await store.article(id: id) else {
            throw ValidationError("\(db) has no article")
        }
        let templates = try Self.library()
        // The two sides render the same content: their sizes agree (the templates leave out the site's longer style).
        func size(_ response: Response) -> Int { response.body.contentLength ?? 0 }
        let sizes = [
            (
                size(try await site.home()),
                templates.render(try await Self.homeModel(site), withTemplate: "page")?.utf8.count ?? 0
            ),
            (
                size(await site.articlePage(article)),
                templates.render(try await Self.articleModel(site, article), withTemplate: "page")?.utf8.count ?? 0
            ),
        ]
        print(
            "bytes, strings against Mustache: home \(sizes[0].0) / \(sizes[0].1), article \(sizes[1].0) / \(sizes[1].1)"
        )
        print(
            "\(renders) renders each, database \(db) (\(try await store.count()) articles); article of \(article.paragraphs.count) paragraphs"
        )
        print("page      strings (µs)  Mustache (µs)  Mustache / strings")
        let home: (Double, Double) = (
            try await time { _ = try await site.home() },
            try await time { _ = templates.render(try await Self.homeModel(site), withTemplate: "page") }
        )
        let articlePage: (Double, Double) = (
            try await time { _ = await site.articlePage(article) },
            try await time { _ = templates.render(try await Self.articleModel(site, article), withTemplate: "page") }
        )
        for (name, (strings, mustache)) in [("home", home), ("article", articlePage)] {
            print(
                name.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(format: "%-13.1f %-14.1f %.2f", strings, mustache, mustache / strings)
            )
        }
    }

    /// Microseconds per call of `body`, the best of three rounds of `renders` calls.
    func time(_ body: () async throws -> Void) async throws -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            let start = ContinuousClock.now
            for _ in 0..<renders { try await body() }
            best = min(best, Double((ContinuousClock.now - start).nanoseconds) / 1_000)
        }
        return best / Double(renders)
    }

    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        try library.register(
            """
            <!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1"><title>{{title}}</title>
            <style>body{font-family:"Noto Naskh Arabic",Tahoma,sans-serif;max-width:48rem;margin:auto}</style></head>
            <body>{{#home}}{{> home}}{{/home}}{{#article}}{{> article}}{{/article}}</body></html>
            """,
            named: "page"
        )
        try library.register(
            """
            <h1>نشرة — آخر الأخبار</h1>{{{searchForm}}}{{^ticker}}<p>لا توجد أخبار بعد.</p>{{/ticker}}
            <ul class="ticker">{{#ticker}}<li><a href="/article/{{id}}">{{title}}</a> <small>{{source}} · {{topic}}</small></li>{{/ticker}}</ul>
            {{#sections}}<section class="block"><h2><a href="/section/{{slug}}">{{name}}</a></h2><ul>{{#articles}}<li>\
            <a href="/article/{{id}}">{{title}}</a> <small>{{source}}{{#date}} · {{date}}{{/date}}</small></li>{{/articles}}\
            </ul></section>{{/sections}}
            """,
            named: "home"
        )
        try library.register(
            """
            <article><h1>{{title}}</h1><p class="byline">نشر في {{source}}{{#date}} يوم {{date}}{{/date}}</p>
            {{#images}}<figure><img src="{{url}}" alt="{{caption}}" loading="lazy" referrerpolicy="no-referrer">\
            {{#caption}}<figcaption>{{caption}}</figcaption>{{/caption}}<form method="post" action="/api/images/{{id}}/report">\
            <button>إبلاغ عن الصورة</button></form></figure>{{/images}}
            {{#paragraphs}}<p>{{.}}</p>{{/paragraphs}}
            <p><a rel="noopener nofollow" href="{{url}}">انقر هنا لقراءة الخبر من مصدره</a></p>
            {{#others.count}}<section class="also"><h2>نشر أيضا في</h2><ul>{{#others}}<li><a href="/article/{{id}}">{{source}}</a>\
            {{#date}} <small>{{date}}</small>{{/date}}</li>{{/others}}</ul></section>{{/others.count}}
            </article><p><a href="/">الرئيسية</a></p>
            """,
            named: "article"
        )
        return library
    }

    static func headline(_ site: ReaderSite, _ article: StoredArticle) -> [String: Any] {
        [
            "id": article.id, "title": article.title, "source": article.sourceName ?? article.sourceID,
            "topic": ReaderSite.topicNames[article.topic] ?? article.topic,
            "date": article.published.map(site.displayDate) as Any,
        ]
    }

    static func homeModel(_ site: ReaderSite) async throws -> [String: Any] {
        let ticker = try await site.store.latest(limit: 10, topic: nil, before: nil, headlinesOnly: true).map {
            headline(site, $0)
        }
        var sections: [[String: Any]] = []
        for topic in try await site.sections() {
            sections.append([
                "slug": topic, "name": ReaderSite.topicNames[topic] ?? topic,
                "articles": try await site.store.latest(limit: 5, topic: topic, before: nil, headlinesOnly: true).map {
                    headline(site, $0)
                },
            ])
        }
        return [
            "title": "نشرة", "home": ["searchForm": ReaderSite.searchForm, "ticker": ticker, "sections": sections],
        ]
    }

    static func articleModel(_ site: ReaderSite, _ article: StoredArticle) async throws -> [String: Any] {
        let others = ((try? await site.store.sameStory(as: article.id)) ?? []).map { headline(site, $0) }
        let images = article.images.map { image -> [String: Any] in
            [
                "id": image.id, "url": image.url.lowercased().hasPrefix("http") ? image.url : "#",
                "caption": image.caption as Any,
            ]
        }
        return [
            "title": article.title,
            "article": [
                "title": article.title, "source": article.sourceName ?? article.sourceID,
                "date": article.published.map(site.displayDate) as Any, "images": images,
                "paragraphs": article.paragraphs,
                "url": article.url.lowercased().hasPrefix("http") ? article.url : "#", "others": others,
            ] as [String: Any],
        ]
    }
}
