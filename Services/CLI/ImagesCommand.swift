import ArgumentParser
import Foundation
import NashraRuntime
import Store

struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Operators' decisions on reported images.",
        subcommands: [Restore.self]
    )

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a hidden image again (everywhere it appears) and forget its reports."
        )

        @Argument(help: "The image id (from the report URL).") var id: Int64
        @Option(help: "SQLite database (default: NASHRA_DB).") var db: String?

        func run() throws {
            let path = try db ?? environmentConfiguration()[Setting.database]
            try ArticleStore(path: path).restore(image: id)
            print("image \(id) is shown again")
        }
    }
}
