import Foundation
import GRDB
import NashraMessages
import StoryGrouping

/// An archived article as a copy to another back end needs it: what the store stage received, and what the store
/// made of it (its story, when it was first stored, which of its images readers' reports hid).
public struct ArchivedArticle: Sendable {
    public var classified: ClassifiedArticle
    public var clusterID: String
    public var createdAt: Double
    public var updatedAt: Double
    /// The URLs of its images that are hidden.
    public var hiddenImages: [String]
}

/// A reader's report of an image, by the image's article and URL (image ids differ between databases).
public struct ArchivedReport: Sendable {
    public var articleID: String
    public var imageURL: String
    public var reader: String
    public var reportedAt: Double
}

extension ArticleStore {
    /// Up to `limit` articles stored after `rowid`, in the order they were stored, and the last one's rowid.
    public func archived(after rowid: Int64, limit: Int) throws -> (articles: [ArchivedArticle], last: Int64) {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT rowid, * FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?",
                arguments: [rowid, limit]
            )
            let images = try db.cachedStatement(
                sql: "SELECT url, caption, hidden FROM images WHERE article_id = ? ORDER BY position"
            )
            var articles: [ArchivedArticle] = []
            for row in rows {
                let id: String = row["id"]
                let body: String = row["body"]
                var article = Article(
                    url: row["url"],
                    sourceID: row["source_id"],
                    sourceName: row["source_name"],
                    title: row["title"],
                    published: (row["published"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    section: row["section"],
                    language: row["language"],
                    description: row["description"],
                    paragraphs: body.unicodeScalars.split(separator: "\n").map { String($0) },
                    fetchedAt: Date(timeIntervalSince1970: row["fetched_at"])
                )
                article.id = id
                article.contentHash = row["content_hash"]
                article.discoveredAt = (row["discovered_at"] as Double?).map(Date.init(timeIntervalSince1970:))
                article.timeZone = row["time_zone"]
                article.credit = row["credit"]
                var hidden: [String] = []
                for image in try Row.fetchAll(images, arguments: [id]) {
                    article.images.append(ArticleImage(url: image["url"], caption: image["caption"]))
                    if image["hidden"] as Bool { hidden.append(image["url"]) }
                }
                articles.append(
                    ArchivedArticle(
                        classified: ClassifiedArticle(
                            article: article,
                            topic: row["topic"],
                            confidence: row["confidence"],
                            uncertain: row["uncertain"],
                            signature: StoryBands.decodeSignature(row["signature"])
                        ),
                        clusterID: row["cluster_id"] ?? id,
                        createdAt: row["created_at"],
                        updatedAt: row["updated_at"],
                        hiddenImages: hidden
                    )
                )
            }
            return (articles, rows.last?["rowid"] ?? rowid)
        }
    }

    /// Every image report, and the salt of readers' identities (a copy keeps both, so that a reader who reported
    /// an image is still known as the same reader).
    public func archivedReports() throws -> (reports: [ArchivedReport], salt: String) {
        try read { db in
            let reports = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.article_id, i.url, r.reader, r.reported_at FROM image_reports r
                    JOIN images i ON i.id = r.image_id
                    """
            ).map {
                ArchivedReport(articleID: $0[0], imageURL: $0[1], reader: $0[2], reportedAt: $0[3])
            }
            let salt = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'reader_salt'") ?? ""
            return (reports, salt)
        }
    }
}
