import ArgumentParser
import Foundation
import Logging
import NashraRuntime
import Store

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete articles older than a number of days (what NASHRA_RETENTION_DAYS does hourly in the writer)."
    )

    @Option(help: "Age in days beyond which articles are deleted.") var olderThan: Int
    @OptionGroup var settings: SettingOptions

    func validate() throws {
        guard olderThan >= 1 else { throw ValidationError("--older-than must be at least 1 day") }
    }

    func run() async throws {
        let path = try settings.configuration()[Setting.database]
        let store = try await openNewsArchive(path, logger: Logger(label: "nashra.prune"))
        let pruned = try await store.prune(olderThan: Date().addingTimeInterval(-Double(olderThan) * 86_400))
        print(
            "deleted \(pruned) articles older than \(olderThan) days; \(try await store.count()) remain in \(store.location)"
        )
        await store.close()
    }
}
