import ArgumentParser
import FetchFrontier
import Foundation
import Logging
import NashraRuntime
import Store

/// `nashra sources hide|unhide`: takedown of a whole outlet.
struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Outlets: hide one from readers (takedown), or show it again.",
        subcommands: [Hide.self, Unhide.self]
    )

    struct Hide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove every article of a source from every surface and refuse its articles from now on."
        )

        @Argument(help: "The source's id (as in /source/ID and sources.yml).") var source: String
        @Option(help: "Why (kept with the removal).") var reason: String
        @Option(help: "Database: a SQLite path or postgres://… (default: NASHRA_DB).") var db: String?

        /// The frontier's state, when it is in `NASHRA_STATE_DIR` here.
        static func frontierState(_ configuration: Configuration) throws -> FrontierState? {
            let directory = configuration[Setting.stateDir]
            guard FileManager.default.fileExists(atPath: directory + "/frontier.sqlite") else { return nil }
            return try FrontierState(directory: directory)
        }

        func run() async throws {
            let store = try await openArchive(db, label: "nashra.sources")
            let configuration = try environmentConfiguration()
            let removal = try await store.hide(source: source, reason: reason)
            await store.close()
            print(
                "source \(source)\(removal.title.map { " («\($0)»)" } ?? "") hidden: \(removal.articles) articles "
                    + "removed; its articles are refused from now on"
            )
            // The frontier stops following it, when its state is here (as for `nashra refetch`).
            if let state = try Self.frontierState(configuration) {
                let dropped = try state.pause(source: source, reason: reason)
                print("the frontier stops polling its feeds (\(dropped) pending fetches dropped)")
            } else {
                print(
                    "no frontier state in \(configuration[Setting.stateDir]) (NASHRA_STATE_DIR): run this where the "
                        + "frontier keeps it to stop polling the source's feeds"
                )
            }
        }
    }

    struct Unhide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a hidden source's articles again (removed ones return only when fetched again)."
        )

        @Argument(help: "The source's id.") var source: String
        @Option(help: "Database: a SQLite path or postgres://… (default: NASHRA_DB).") var db: String?

        func run() async throws {
            let store = try await openArchive(db, label: "nashra.sources")
            let shown = try await store.unhide(source: source)
            await store.close()
            print(shown ? "source \(source) is accepted again" : "source \(source) was not hidden")
            if let state = try Hide.frontierState(try environmentConfiguration()), try state.resume(source: source) {
                print("the frontier follows it again")
            }
        }
    }
}
