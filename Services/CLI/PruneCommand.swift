import ArgumentParser
import Foundation
import NashraRuntime
import Store

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete articles older than a number of days (what NASHRA_RETENTION_DAYS does hourly in the writer)."
    )

    @Option(help: "Age in days beyond which articles are deleted.") var olderThan: Int
    @Option(help: "SQLite database (default: NASHRA_DB).") var db: String?

    func validate() throws {
        guard olderThan >= 1 else { throw ValidationError("--older-than must be at least 1 day") }
    }

    func run() throws {
        let path = try db ?? environmentConfiguration()[Setting.database]
        let store = try ArticleStore(path: path)
        let pruned = try store.prune(olderThan: Date().addingTimeInterval(-Double(olderThan) * 86_400))
        print("deleted \(pruned) articles older than \(olderThan) days; \(try store.count()) remain in \(path)")
    }
}
