import ArgumentParser
import FetchFrontier
import Fetcher
import Foundation
import NashraMessages
import NashraRuntime

/// Seen URLs are fetched once; an operator asks for a fresh fetch of one here.
struct RefetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refetch",
        abstract: "Queue an article URL to be fetched again (the frontier sends it when its host is free)."
    )

    @Argument(help: "The article URL.") var url: String
    @Option(help: "The source id it belongs to.") var source: String
    @OptionGroup var settings: SettingOptions

    func run() throws {
        guard let canonical = URLCanonicalizer.canonical(url) else {
            throw ValidationError("\(url) is not an http(s) URL")
        }
        let configuration = try settings.configuration()
        let stateDirectory = configuration[Setting.stateDir]
        guard FileManager.default.fileExists(atPath: stateDirectory + "/frontier.sqlite") else {
            throw ValidationError("no frontier state in \(stateDirectory) (set NASHRA_STATE_DIR)")
        }
        let catalog = try? SourceCatalog.load(path: configuration[Setting.sources])
        let name = catalog?.sources.first { $0.id == source }?.name
        let state = try FrontierState(directory: stateDirectory)
        try state.requeue(
            FetchJob(kind: .article, url: canonical, sourceID: source, sourceName: name),
            attempts: 0,
            notBefore: Date()
        )
        print("queued \(canonical) for a fresh fetch")
    }
}
