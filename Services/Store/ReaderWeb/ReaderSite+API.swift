import Foundation
import Hummingbird
import Store

/// The JSON API. Listings return summaries (never whole texts) with a `next` cursor; the whole text is at
/// `/api/articles/{id}`. Stories give the same data as their pages.
extension ReaderSite {
    func addAPIRoutes(to router: Router<ReaderContext>) {
        router.get("/api/articles") { request, _ -> Response in
            let parameters = request.uri.queryParameters
            let limit = min(max(parameters.get("limit", as: Int.self) ?? 50, 1), 200)
            var query = ArticleQuery(page: Self.requestedPage(request), limit: limit, headlinesOnly: false)
            if let section = parameters.get("section").map({ String($0) }) {
                guard try await isSection(section) else { return Response(status: .notFound) }
                query.topic = section
            }
            if let source = parameters.get("source").map({ String($0) }) {
                guard source.count <= 64 else { return Response(status: .notFound) }
                query.source = source
            }
            let articles = try await store.list(query)
            return try json(
                ArticleList(
                    articles: articles.map { ArticleSummary($0, site: self) },
                    next: articles.count == limit ? articles.last.map { ListCursor($0).text } : nil
                )
            )
        }
        router.get("/api/articles/:id") { _, context -> Response in
            let id = context.parameters.get("id").map { String($0) }
            guard let id, id.count <= 64, let article = try await store.article(id: id) else {
                return Response(status: .notFound)
            }
            return try json(article)
        }
        router.get("/api/search") { request, context -> Response in
            let query = request.uri.queryParameters.get("q") ?? ""
            if let refused = searchRefusal(query, client: clients.client(of: request, context: context)) {
                return refused
            }
            let hits = try await store.search(query, limit: 20)
            return try json(
                hits.map { hit in
                    SearchResult(
                        id: hit.article.id,
                        title: hit.article.title,
                        source: hit.article.sourceName ?? hit.article.sourceID,
                        published: hit.article.published.map { iso($0, zone: hit.article.timeZone) },
                        url: hit.article.url,
                        snippet: hit.snippetText,
                        matched: hit.snippet.filter(\.highlighted).map(\.text)
                    )
                }
            )
        }
        router.get("/api/sections") { _, _ -> Response in
            try json(try await sections().map { ["slug": $0, "name": Self.topicNames[$0] ?? $0] })
        }
        router.get("/api/sources") { _, _ -> Response in
            try json(try await store.sources(since: now().addingTimeInterval(-86_400)))
        }
        router.get("/api/stories") { request, _ -> Response in
            let parameters = request.uri.queryParameters
            let limit = min(max(parameters.get("limit", as: Int.self) ?? 20, 1), 100)
            let before = parameters.get("before", as: Double.self).map(Date.init(timeIntervalSince1970:))
            let entries = try await store.multiOutletStories(limit: limit, before: before)
            let headlines = try await storyHeadlines(entries.map(\.story))
            let stories = entries.compactMap { entry in
                headlines[entry.story].map { StorySummary(entry: entry, first: $0) }
            }
            let next = entries.count == limit ? entries.last.map { String($0.latest.timeIntervalSince1970) } : nil
            return try json(StoryList(stories: stories, next: next))
        }
        router.get("/api/stories/:id") { _, context -> Response in
            guard let id = context.parameters.get("id").map({ String($0) }), id.count <= 64,
                let story = try await story(id)
            else { return Response(status: .notFound) }
            let entry = StoryEntry(
                story: story.id,
                outlets: story.outlets,
                latest: story.copies.map(\.sortDate).max() ?? story.first.sortDate
            )
            return try json(
                StoryDetail(
                    story: StorySummary(entry: entry, first: story.first),
                    copies: story.copies.map { ArticleSummary($0, site: self) }
                )
            )
        }
    }
}

/// An article in a listing: no whole text, a summary of at most 300 characters.
struct ArticleSummary: Codable, Equatable {
    var id, url, title, sourceID: String
    var sourceName: String?
    /// ISO 8601 with the offset of the article's zone (its source's).
    var published: String?
    var topic: String
    /// How sure the classifier was of the section (its calibrated probability); `uncertain` when below its
    /// threshold, in which case `topic` is `general` («منوعات»).
    var confidence: Double
    var uncertain: Bool
    var clusterID: String
    var image: String?
    var summary: String
    var language: String

    init(_ article: StoredArticle, site: ReaderSite) {
        id = article.id
        url = article.url
        title = article.title
        sourceID = article.sourceID
        sourceName = article.sourceName
        published = article.published.map { site.iso($0, zone: article.timeZone) }
        topic = article.topic
        confidence = (article.confidence * 1000).rounded() / 1000
        uncertain = article.uncertain
        clusterID = article.story
        image = ReaderSite.webURL(article.images.first?.url)
        summary = ReaderSite.summary(article)
        language = article.language ?? "ar"
    }
}

struct ArticleList: Codable {
    var articles: [ArticleSummary]
    /// The cursor of the next (older) page: `before=` it; nil on the last page.
    var next: String?
}

/// A story in a listing: its first publisher's headline, how many outlets, when it started and last grew.
struct StorySummary: Codable {
    var id, title, firstSourceID: String
    var firstSourceName: String?
    var outlets: Int
    var first, latest: Date
    var image: String?
    var language: String

    init(entry: StoryEntry, first article: StoredArticle) {
        id = entry.story
        title = article.title
        firstSourceID = article.sourceID
        firstSourceName = article.sourceName
        outlets = entry.outlets
        first = article.sortDate
        latest = entry.latest
        image = ReaderSite.webURL(article.images.first?.url)
        language = article.language ?? "ar"
    }
}

struct StoryList: Codable {
    var stories: [StorySummary]
    var next: String?
}

struct StoryDetail: Codable {
    var story: StorySummary
    /// Every copy, first publisher first.
    var copies: [ArticleSummary]
}

/// One result of `/api/search`.
struct SearchResult: Codable {
    var id: String
    var title: String
    var source: String
    var published: String?
    var url: String
    var snippet: String
    var matched: [String]
}
