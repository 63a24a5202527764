import ArgumentParser
import Foundation
import Logging
import NashraRuntime
import Store

struct ArticlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "articles",
        abstract: "Stored articles: list them, remove one (takedown), list the removals.",
        subcommands: [List.self, Remove.self, Removed.self],
        defaultSubcommand: List.self
    )
}

extension ArticlesCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest stored articles.")

        @Option(help: "How many.") var limit = 20
        @Flag(help: "Print JSON lines.") var json = false
        @Flag(help: "Print only the number of stored articles (0 when there is no database yet).") var count = false
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            let path = try settings.configuration()[Setting.database]
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
                    print(
                        "\(date)  \(article.sourceName ?? article.sourceID)  [\(article.topic)\(flag)]  \(article.title)"
                    )
                }
            }
        }
    }
}

extension ArticlesCommand {
    /// Takedown of one article: gone from every surface at once, and refused when fetched again.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an article (by id or URL) from every page, feed, search, sitemap and API answer."
        )

        @Argument(help: "The article's id (as in /article/ID) or its URL.") var article: String
        @Option(help: "Why (kept with the removal).") var reason: String
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            let store = try await openArchive(settings, label: "nashra.articles")
            let removal = try await store.remove(article: article, reason: reason)
            await store.close()
            let what = removal.title.map { "«\($0)»" } ?? removal.url ?? removal.key
            print(
                removal.articles > 0
                    ? "removed \(what) (\(removal.key)); it will not be stored again"
                    : "no stored article \(what) (\(removal.key)); it will not be stored if it comes"
            )
        }
    }

    /// The removals in force.
    struct Removed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the removals: removed articles and hidden sources, with their time and reason."
        )

        @Flag(help: "Print JSON lines.") var json = false
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            let store = try await openArchive(settings, label: "nashra.articles")
            let removals = try await store.removals()
            await store.close()
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            if !json { print("removals in force: \(removals.count), newest first") }
            for removal in removals {
                if json {
                    print(String(decoding: try encoder.encode(removal), as: UTF8.self))
                } else {
                    let when = removal.removedAt.formatted(.iso8601)
                    let what = removal.title ?? removal.url ?? ""
                    print("\(when)  \(removal.kind.rawValue)  \(removal.key)  \(what)  — \(removal.reason)")
                }
            }
        }
    }
}
