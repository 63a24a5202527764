import ArgumentParser
import Foundation
import Logging
import Store
import StoreTools

struct CopyDBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-db",
        abstract: "Move a SQLite archive into an empty PostgreSQL database (stories, hidden images and reports kept).",
        discussion: """
            Stop the store writer first (or let it write to the new database only after the copy). Example:
              nashra copy-db --from nashra.sqlite --to postgres://nashra@127.0.0.1:5432/nashra
            """
    )

    @Option(help: "The SQLite database to copy.") var from: String
    @Option(help: "The PostgreSQL database to fill (postgres://…), which must have no articles.") var to: String
    @Option(help: "Articles per transaction.") var batch = 1000

    func validate() throws {
        guard PostgresArchive.handles(to) else { throw ValidationError("--to must be a postgres:// URL") }
        guard FileManager.default.fileExists(atPath: from) else { throw ValidationError("no database at \(from)") }
        guard (1...50_000).contains(batch) else { throw ValidationError("--batch must be 1…50000") }
    }

    func run() async throws {
        let source = try ArticleStore(path: from)
        let total = try source.count()
        let target = try await PostgresArchive(url: to, logger: Logger(label: "nashra.copy-db"))
        let start = Date()
        do {
            let (articles, reports) = try await target.copy(from: source, batch: batch) { copied in
                print("\(copied) / \(total) articles")
            }
            let seconds = Date().timeIntervalSince(start)
            print(
                "copied \(articles) articles and \(reports) image reports from \(from) to \(target.location) in "
                    + String(format: "%.1f s (%.0f articles/s)", seconds, Double(articles) / max(seconds, 0.001))
            )
        } catch {
            await target.close()
            throw error
        }
        await target.close()
    }
}
