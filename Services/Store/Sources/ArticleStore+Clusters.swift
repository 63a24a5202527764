import Foundation
import GRDB
import NashraModel

/// Story clusters: the same story told by several outlets. The classifier's MinHash signature is cut into bands;
/// articles sharing a band are candidates, and a candidate joins only if the signatures agree on at least
/// `clusterSimilarity` of their slots (estimated Jaccard similarity of their word 3-shingles): precision first.
/// A cluster is named by its first article, so it keeps its first publisher.
extension ArticleStore {
    /// Slots per band: 16 bands of 4 slots for a 64-slot signature.
    static let bandWidth = 4
    /// Estimated Jaccard similarity needed to join a cluster.
    public static let clusterSimilarity = 0.5

    public static func bands(_ signature: [UInt32]) -> [(band: Int, hash: Int64)] {
        guard signature.count >= bandWidth * 2 else { return [] }
        return stride(from: 0, to: signature.count - bandWidth + 1, by: bandWidth).enumerated().map { band, start in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for slot in signature[start..<(start + bandWidth)] { hash = (hash ^ UInt64(slot)) &* 0x100_0000_01b3 }
            return (band, Int64(bitPattern: hash))
        }
    }

    static func decodeSignature(_ data: Data?) -> [UInt32] {
        guard let data, data.count % 4 == 0 else { return [] }
        return data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
    }

    /// Places an article in a cluster (its best verified match's, or a new one of its own) and indexes its bands.
    /// Runs inside the upsert's transaction.
    static func cluster(articleID: String, signature: [UInt32], in db: Database) throws {
        // Cached statements: compiled once per connection (the writer runs this for every stored article).
        try db.cachedStatement(sql: "DELETE FROM signature_bands WHERE article_id = ?").execute(arguments: [articleID])
        let bands = bands(signature)
        var best: (id: String, similarity: Double)?
        var checked = Set<String>()
        let candidatesOfBand = try db.cachedStatement(
            sql: "SELECT article_id FROM signature_bands WHERE band = ? AND hash = ? AND article_id != ? LIMIT 50"
        )
        let signatureOf = try db.cachedStatement(sql: "SELECT signature FROM articles WHERE id = ?")
        for band in bands {
            let candidates = try String.fetchAll(candidatesOfBand, arguments: [band.band, band.hash, articleID])
            for candidate in candidates where checked.insert(candidate).inserted {
                let other = decodeSignature(try Data.fetchOne(signatureOf, arguments: [candidate]))
                let similarity = StorySimilarity.estimate(signature, other)
                if similarity >= clusterSimilarity, similarity > best?.similarity ?? 0 {
                    best = (candidate, similarity)
                }
            }
        }
        var cluster = articleID
        if let best {
            cluster =
                try String.fetchOne(
                    db.cachedStatement(sql: "SELECT cluster_id FROM articles WHERE id = ?"),
                    arguments: [best.id]
                ) ?? best.id
        }
        try db.cachedStatement(sql: "UPDATE articles SET cluster_id = ? WHERE id = ?")
            .execute(arguments: [cluster, articleID])
        let insertBand = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO signature_bands (band, hash, article_id) VALUES (?, ?, ?)"
        )
        for band in bands { try insertBand.execute(arguments: [band.band, band.hash, articleID]) }
    }

    /// The other articles of an article's story, first publisher first.
    public func sameStory(as id: String) throws -> [StoredArticle] {
        let ids = try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM articles WHERE cluster_id = (SELECT cluster_id FROM articles WHERE id = ?)
                        AND id != ? ORDER BY sort_time, id LIMIT 20
                    """,
                arguments: [id, id]
            )
        }
        return try ids.compactMap { try article(id: $0) }
    }
}
