import GRDB

extension ArticleStore {
    /// A stored article's id, URL and first commit time.
    public struct StoredRow: Sendable {
        public var id: String
        public var url: String
        /// When the store first committed it (seconds since 1970).
        public var createdAt: Double
    }

    /// Every stored article's id, URL and first commit time, for audits of a run (`nashra audit`).
    public func storedRows() throws -> [StoredRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, url, created_at FROM articles").map {
                StoredRow(id: $0["id"], url: $0["url"], createdAt: $0["created_at"])
            }
        }
    }
}
