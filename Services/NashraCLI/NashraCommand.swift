import ArgumentParser
import Logging
import NashraRuntime
import Store

@main
struct NashraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nashra",
        abstract: "Nashra (نشرة): operate the Arabic news pipeline.",
        discussion: """
            Every command that reads a setting (the database, the broker, the sources file, …) takes it as \
            --flag value, over its environment variable, as the services do: `nashra config` lists them.
            """,
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

    @Flag(help: "As the Markdown table of docs/configuration.md.") var markdown = false

    func run() {
        print(markdown ? Configuration.markdownTable() : Configuration.reference())
    }
}

/// The archive an operator's command works on: `--db` when given, else `NASHRA_DB`.
func openArchive(_ settings: SettingOptions, label: String) async throws -> any NewsArchive {
    try await openNewsArchive(try settings.configuration()[Setting.database], logger: Logger(label: label))
}
