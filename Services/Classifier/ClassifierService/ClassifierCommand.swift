import ArgumentParser
import Classifier
import NashraRuntime

@main
struct ClassifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nashra-classifier",
        abstract: "Topic and story signature of each article (nashra.articles → nashra.classified).",
        discussion: ServiceMain.settingsHelp
    )
    @OptionGroup var settings: SettingOptions

    func run() async throws {
        try await StageRunner.main(name: "classifier", defaultPort: 9103, settings: settings) {
            configuration,
            _ in
            try ClassifierStage(
                classifier: TopicClassifier.load(
                    path: configuration[Setting.topicModel],
                    threshold: try configuration.double(Setting.topicThreshold)
                )
            )
        }
    }
}
