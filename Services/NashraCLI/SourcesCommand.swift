import ArgumentParser
import FetchFrontier
import Foundation
import Logging
import NashraRuntime
import Store

/// `nashra sources hide|unhide`: takedown of a whole outlet; `nashra sources import|export`: the catalog to and
/// from OPML, the feed readers' list format.
struct SourcesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Outlets: hide one from readers (takedown) or show it again; import or export feeds as OPML.",
        subcommands: [Hide.self, Unhide.self, Import.self, Export.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add the feeds of an OPML file to the sources file (new sites become new sources)."
        )

        @Argument(help: "An OPML file, as feed readers export it.") var file: String
        @OptionGroup var settings: SettingOptions
        @Option(help: "Seconds between polls of each new feed.") var pollInterval = 300
        @Option(help: "Time zone of the new sources (IANA name).") var timezone = "Africa/Cairo"
        @Flag(help: "Print what would be added without writing the file.") var dryRun = false

        func run() throws {
            let path = try settings.configuration()[Setting.sources]
            let catalog = try SourceCatalog.load(path: path)
            guard TimeZone(identifier: timezone) != nil else {
                throw ValidationError("\(timezone) is not a time zone name (e.g. Africa/Cairo, Asia/Dubai)")
            }
            let feeds = try OPML.feeds(in: try Data(contentsOf: URL(fileURLWithPath: file)))
            let (added, known) = OPML.sources(
                for: feeds,
                adding: catalog,
                pollInterval: pollInterval,
                timezone: timezone
            )
            let yaml = OPML.yaml(added)
            // The result must read back as a valid catalog before the file is touched.
            var text = try String(contentsOfFile: path, encoding: .utf8)
            if !text.hasSuffix("\n") { text += "\n" }
            _ = try SourceCatalog.parse(text + yaml, origin: path)
            if !dryRun && !added.isEmpty { try (text + yaml).write(toFile: path, atomically: true, encoding: .utf8) }
            print(
                "\(feeds.count) feeds in \(file): \(known) already followed, "
                    + "\(added.flatMap(\.feeds).count) added as \(added.count) new sources"
                    + (dryRun ? " (dry run, nothing written)" : " to \(path)")
            )
            for source in added { print("  \(source.id)  \(source.name)  \(source.feeds.joined(separator: " "))") }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the sources file's feeds as OPML 2.0.")

        @OptionGroup var settings: SettingOptions
        @Option(help: "Write to this file (default: standard output).") var output: String?

        func run() throws {
            let path = try settings.configuration()[Setting.sources]
            let document = OPML.document(try SourceCatalog.load(path: path))
            if let output {
                try document.write(toFile: output, atomically: true, encoding: .utf8)
            } else {
                print(document, terminator: "")
            }
        }
    }

    struct Hide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove every article of a source from every surface and refuse its articles from now on."
        )

        @Argument(help: "The source's id (as in /source/ID and sources.yml).") var source: String
        @Option(help: "Why (kept with the removal).") var reason: String
        @OptionGroup var settings: SettingOptions

        /// The frontier's state, when it is in `NASHRA_STATE_DIR` here.
        static func frontierState(_ configuration: Configuration) throws -> FrontierState? {
            let directory = configuration[Setting.stateDir]
            guard FileManager.default.fileExists(atPath: directory + "/frontier.sqlite") else { return nil }
            return try FrontierState(directory: directory)
        }

        func run() async throws {
            let store = try await openArchive(settings, label: "nashra.sources")
            let configuration = try settings.configuration()
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
        @OptionGroup var settings: SettingOptions

        func run() async throws {
            let store = try await openArchive(settings, label: "nashra.sources")
            let shown = try await store.unhide(source: source)
            await store.close()
            print(shown ? "source \(source) is accepted again" : "source \(source) was not hidden")
            if let state = try Hide.frontierState(try settings.configuration()), try state.resume(source: source) {
                print("the frontier follows it again")
            }
        }
    }
}
