import GRDB

extension ArticleStore {
    /// Every stored article's id, URL and first commit time, for audits of a run (`nashra-dev audit`).
    public func storedRows() throws -> [StoredRow] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, url, created_at FROM articles").map {
                StoredRow(id: $0["id"], url: $0["url"], createdAt: $0["created_at"])
            }
        }
    }
}
