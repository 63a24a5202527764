import ArgumentParser
import Classifier
import ClassifierTraining
import Foundation
import NashraRuntime
import StoryGrouping

/// In-process speed of the classifier stage's work, on one core: topic classification (features and scoring),
/// story signatures, and training on the first `trainCount` articles. Text is in memory before the clock starts.
struct ClassifyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classification, signature and training speed on a labelled corpus."
    )

    @Option(help: "Labelled corpus (JSON lines, .jsonl or .jsonl.gz).") var corpus: String
    @Option(help: "Model file (default: NASHRA_TOPIC_MODEL or the shipped model).") var model: String?
    @Option(help: "Articles to train on for the training time (0 skips it).") var trainCount = 20_000
    @Option(help: "Partial labels per outlet, for the training run.") var labelMap: String?
    @OptionGroup var settings: SettingOptions

    func run() throws {
        let configuration = try settings.configuration()
        let classifier = try TopicClassifier.load(path: model ?? configuration[Setting.topicModel])
        let articles = try LabeledCorpus.read(corpus).articles
        guard !articles.isEmpty else { throw ValidationError("\(corpus) has no labelled article") }
        let megabytes = Double(articles.reduce(0) { $0 + $1.title.utf8.count + $1.text.utf8.count }) / 1_048_576

        var scratch = FeatureScratch()
        var checksum = 0.0
        var start = Date()
        for article in articles {
            checksum += classifier.classify(title: article.title, text: article.text, scratch: &scratch).confidence
        }
        let classifySeconds = Date().timeIntervalSince(start)

        let signatures = StorySignature()
        var slots: UInt64 = 0
        start = Date()
        for article in articles { slots &+= UInt64(signatures.signature(of: article.title + "\n" + article.text)[0]) }
        let signatureSeconds = Date().timeIntervalSince(start)

        print("\(articles.count) articles, \(String(format: "%.1f", megabytes)) MB of text, one core")
        print("operation        docs/s     MB/s")
        func row(_ name: String, _ seconds: Double) {
            print(
                name.padding(toLength: 15, withPad: " ", startingAt: 0)
                    + String(format: "%8.0f  %7.1f", Double(articles.count) / seconds, megabytes / seconds)
            )
        }
        row("classify", classifySeconds)
        row("signature", signatureSeconds)
        if trainCount > 0 {
            let subset = Array(articles.prefix(trainCount))
            let provenance = TopicModel.Provenance(
                corpus: corpus,
                documents: subset.count,
                trainedAt: "",
                command: "bench"
            )
            start = Date()
            _ = try TopicTrainer().train(subset, labelMap: try LabelMap.read(labelMap), provenance: provenance)
            print(String(format: "train on %d articles: %.1f s", subset.count, Date().timeIntervalSince(start)))
        }
        if checksum.isNaN || slots == 42 { print("") }  // keep the work observable
    }
}
