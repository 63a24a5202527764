import Foundation

/// Takedown: a publisher may object. An operator removes one article (`nashra articles remove`) or hides a whole
/// source (`nashra sources hide`). Either deletes the articles with everything that hangs on them (search index,
/// story bands, images and their reports), so they are gone from every page, feed, search result, sitemap and API
/// answer at once, with no filter to forget on any read path; and leaves a tombstone, so the store refuses them
/// when they are fetched again (every write path checks it, under the same lock as the write). Each removal is
/// kept with its time and reason.
public struct Removal: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case article, source
    }

    public var kind: Kind
    /// The article's id, or the source's id.
    public var key: String
    /// The article's URL, or nil for a source.
    public var url: String?
    /// The article's title or the source's name, when the store had it.
    public var title: String?
    public var reason: String
    public var removedAt: Date
    /// Articles deleted by the removal.
    public var articles: Int

    public init(
        kind: Kind,
        key: String,
        url: String?,
        title: String?,
        reason: String,
        removedAt: Date,
        articles: Int
    ) {
        self.kind = kind
        self.key = key
        self.url = url
        self.title = title
        self.reason = reason
        self.removedAt = removedAt
        self.articles = articles
    }
}

extension Removal {
    /// Whether `key` names an article by id (32 hex digits, `StableID`) rather than by URL.
    public static func isArticleID(_ key: String) -> Bool {
        key.utf8.count == 32 && key.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
