import ArgumentParser
import NashraRuntime
import Parser

@main
struct ParserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nashra-parser",
        abstract: "Extracts articles from fetched pages (nashra.pages → nashra.articles).",
        discussion: ServiceMain.settingsHelp
    )
    @OptionGroup var settings: SettingOptions

    func run() async throws {
        try await StageRunner.main(name: "parser", defaultPort: 9102, settings: settings) {
            _,
            _ in
            ParserStage()
        }
    }
}
