import ArgumentParser
import Foundation
import Logging
import NashraRuntime
import Store

struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Operators' decisions on reported images.",
        subcommands: [Restore.self]
    )

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a hidden image again (everywhere it appears) and forget its reports."
        )

        @Argument(help: "The image id (from the report URL).") var id: Int64
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            let store = try await openArchive(settings, label: "nashra.images")
            try await store.restore(image: id)
            await store.close()
            print("image \(id) is shown again")
        }
    }
}
