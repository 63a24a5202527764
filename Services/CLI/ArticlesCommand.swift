import ArgumentParser
import Foundation
import Logging
import NashraRuntime
import Store

struct ArticlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articles",
        abstract: "List the newest stored articles."
    )

    @Option(help: "SQLite database (default: NASHRA_DB).") var db: String?
    @Option(help: "How many.") var limit = 20
    @Flag(help: "Print JSON lines.") var json = false
    @Flag(help: "Print only the number of stored articles (0 when there is no database yet).") var count = false

    func run() async throws {
        let path = try db ?? environmentConfiguration()[Setting.database]
        let local = !PostgresArchive.handles(path)
        if local && count && !FileManager.default.fileExists(atPath: path) {
            print(0)
            return
        }
        guard !local || FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path) (set --db or NASHRA_DB)")
        }
        let store = try await openNewsArchive(path, logger: Logger(label: "nashra.articles"))
        if count {
            print(try await store.count())
            await store.close()
            return
        }
        let articles = try await store.latest(limit: limit)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        print(json ? "" : "\(try await store.count()) articles in \(store.location); newest first:")
        for article in articles {
            if json {
                print(String(decoding: try encoder.encode(article), as: UTF8.self))
            } else {
                let date = article.published.map { formatter.string(from: $0) } ?? "----------"
                let flag = article.uncertain ? "?" : ""
                print("\(date)  \(article.sourceName ?? article.sourceID)  [\(article.topic)\(flag)]  \(article.title)")
            }
        }
    }
}
