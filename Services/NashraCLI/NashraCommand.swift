import ArgumentParser
import Logging
import NashraRuntime
import Store

@main
struct NashraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nashra",
        abstract: "Nashra (نشرة): operate the Arabic news pipeline.",
        subcommands: [
            StatusCommand.self, ArticlesCommand.self, StoriesCommand.self, SourcesCommand.self, ImportCommand.self,
            DeadLetterCommand.self,
            RefetchCommand.self,
            ImagesCommand.self, PruneCommand.self, CopyDBCommand.self,
            TrainCommand.self, EvaluateCommand.self, ClassifyCommand.self, ExtractCommand.self,
            FetchCommand.self,
            DemoSiteCommand.self,
            ConfigCommand.self,
        ]
    )
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "List every setting with its environment variable, flag and default."
    )

    func run() {
        print(Configuration.reference())
    }
}

/// The archive an operator's command works on: `--db` when given, else `NASHRA_DB`.
func openArchive(_ db: String?, label: String) async throws -> any NewsArchive {
    try await openNewsArchive(try db ?? Configuration.fromEnvironment()[Setting.database], logger: Logger(label: label))
}
