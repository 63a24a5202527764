import ArgumentParser
import Classifier
import ClassifierTraining
import Foundation
import NashraRuntime

/// Options shared by the topic commands: which articles of a corpus to use.
struct CorpusSelection: ParsableArguments {
    @Option(help: "Labelled corpus (JSON lines, .jsonl or .jsonl.gz: title, text, category, outlet).")
    var corpus: String
    @Option(help: "Use only these outlets (comma-separated).") var outlets: String?
    @Option(help: "Leave out these outlets (comma-separated).") var excludeOutlets: String?

    func read() throws -> [LabeledArticle] {
        let summary = try LabeledCorpus.read(corpus)
        if !summary.rejected.isEmpty {
            var message = "\(corpus): \(summary.rejected.count) line(s) rejected"
            for rejected in summary.rejected.prefix(3) { message += "\n  line \(rejected.line): \(rejected.reason)" }
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
        let only = outlets.map { Set($0.split(separator: ",").map(String.init)) }
        let excluded = Set((excludeOutlets ?? "").split(separator: ",").map(String.init))
        return summary.articles.filter { article in
            let outlet = article.outlet ?? ""
            return (only?.contains(outlet) ?? true) && !excluded.contains(outlet)
        }
    }
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a topic model on a labelled corpus and write it to a file."
    )

    @OptionGroup var selection: CorpusSelection
    @Option(help: "Where to write the model.") var out: String
    @Option(help: "JSON file of partial labels per outlet (see LabelMap).") var labelMap: String?
    @Option(help: "Training passes over the corpus.") var epochs = TopicTrainer().epochs
    @Option(help: "Hashed feature buckets, as a power of two.") var bits = TopicFeatures().bits
    @Option(help: "Character n-gram lengths, comma-separated (empty for none).") var charGrams = "none"
    @Option(help: "Body words that count (the opening of the article).") var maxTokens = TopicFeatures().maximumTokens
    @Option(help: "L2 regularisation strength.") var l2 = TopicTrainer().l2
    @Option(help: "Share of training steps that see only the headline.") var headlineOnly = TopicTrainer()
        .headlineOnlyShare
    @Flag(help: "Do not weight sections by their inverse frequency.") var unbalanced = false
    @Flag(help: "Add word bigrams (they added nothing on unseen outlets, and cost a tenth of the speed).")
    var bigrams = false
    @Flag(help: "Use the label map as given: learn no partial labels from the other outlets.")
    var noLearnedLabels = false
    @Flag(help: "Leave out the shared features of word lists (places, section seeds).") var noLexicons = false
    @Flag(help: "Do not give seeded sections the corpus lacks (TopicSeeds) to articles.") var noSeeds = false
    @Option(help: "Seed-word score from which an article is given a section the corpus lacks.")
    var seedThreshold = TopicSeeds().threshold
    @Flag(help: "List the articles given a section by its seed words (label, outlet's label, title).")
    var listSeeded = false

    func run() throws {
        let articles = try selection.read()
        var trainer = TopicTrainer()
        trainer.epochs = epochs
        trainer.balanced = !unbalanced
        trainer.l2 = l2
        trainer.headlineOnlyShare = headlineOnly
        if noLearnedLabels { trainer.learnedLabels = nil }
        trainer.seeds = noSeeds ? nil : TopicSeeds(threshold: seedThreshold)
        trainer.features = TopicFeatures(
            bits: bits,
            wordBigrams: bigrams,
            charGrams: charGrams.split(separator: ",").compactMap { Int($0) },
            maximumTokens: maxTokens,
            lexiconFeatures: !noLexicons
        )
        let map = try LabelMap.read(labelMap)
        let attributes = try? FileManager.default.attributesOfItem(atPath: selection.corpus)
        let provenance = TopicModel.Provenance(
            corpus: URL(fileURLWithPath: selection.corpus).lastPathComponent,
            corpusBytes: (attributes?[.size] as? NSNumber)?.intValue,
            documents: articles.count,
            trainedAt: ISO8601DateFormatter().string(from: Date()),
            command: (["nashra"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            labelMap: map,
            notes: selection.outlets.map { "outlets: \($0)" } ?? selection.excludeOutlets.map { "without: \($0)" }
        )
        let (model, report) = try trainer.train(articles, labelMap: map, provenance: provenance)
        try model.write(to: out)
        print(
            "trained on \(report.trained) articles (\(report.heldOut) held out for calibration) in "
                + String(format: "%.1f s", report.seconds) + "; labels: \(model.labels.joined(separator: ", "))"
        )
        print(
            String(
                format: "temperature %.2f, held-out log-loss %.3f; wrote %@",
                report.temperature,
                report.heldOutNLL,
                out
            )
        )
        for (outlet, labels) in report.learned.sorted(by: { $0.key < $1.key }) {
            for (label, sections) in labels.sorted(by: { $0.key < $1.key }) {
                let added = sections.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) articles)" }
                print("learned: \(outlet)'s \(label) also stands for \(added.joined(separator: ", "))")
            }
        }
        for (label, chosen) in report.seeded.sorted(by: { $0.key < $1.key }) {
            print(
                "the corpus has no \(label) section: \(chosen.count) articles given it by its seed words (TopicSeeds)"
            )
            for index in chosen where listSeeded {
                print("\(label)\t\(articles[index].outlet ?? "-") \(articles[index].label)\t\(articles[index].title)")
            }
        }
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a topic model on a labelled corpus: accuracy, macro-F1, per-label figures, confusion."
    )

    @OptionGroup var selection: CorpusSelection
    @Option(help: "Model file (default: NASHRA_TOPIC_MODEL or the shipped model).") var model: String?
    @Option(help: "Partial labels per outlet (default: the map the model was trained with).") var labelMap: String?
    @OptionGroup var settings: SettingOptions

    func run() throws {
        let configuration = try settings.configuration()
        let classifier = try TopicClassifier.load(path: model ?? configuration[Setting.topicModel])
        let articles = try selection.read()
        guard !articles.isEmpty else { throw ValidationError("no labelled article selected") }
        let map = try labelMap.map { try LabelMap.read($0) } ?? classifier.model.provenance.labelMap
        var outletLabels: [String: Set<String>] = [:]
        for article in articles { outletLabels[article.outlet ?? "", default: []].insert(article.label) }

        var raw: [String] = []
        var withinOutlet: [String] = []
        var calibration = [(confidence: Double, correct: Bool)]()
        var scratch = FeatureScratch()
        let start = Date()
        for article in articles {
            let decision = classifier.classify(title: article.title, text: article.text, scratch: &scratch)
            raw.append(decision.topic)
            calibration.append((decision.confidence, decision.topic == article.label))
            withinOutlet.append(
                Self.outletDecision(
                    decision,
                    labels: classifier.labels,
                    outlet: article.outlet,
                    outletLabels: outletLabels[article.outlet ?? ""] ?? [],
                    map: map
                )
            )
        }
        let seconds = Date().timeIntervalSince(start)
        let truth = articles.map(\.label)
        print("\(articles.count) articles from \(Set(articles.compactMap(\.outlet)).sorted().joined(separator: ", "))")
        print(
            String(
                format: "classified in %.2f s (%.0f articles/s, this build)",
                seconds,
                Double(articles.count) / seconds
            )
        )
        print("\n== the model's labels, as predicted ==")
        print(TopicEvaluation(truth: truth, predicted: raw).report)
        print(
            "\n== within each outlet's own labels (a model label the outlet lacks counts as the label it falls under) =="
        )
        print(TopicEvaluation(truth: truth, predicted: withinOutlet).report)
        print("\n== calibration (confidence vs accuracy, 10 bins) ==")
        print(Self.calibrationReport(calibration))
    }

    /// The outlet label with the most probability when each model label counts for the outlet label it falls
    /// under (`LabelMap.outletLabel`); model labels the outlet has no section for are left out.
    static func outletDecision(
        _ decision: TopicDecision,
        labels: [String],
        outlet: String?,
        outletLabels: Set<String>,
        map: LabelMap
    ) -> String {
        var mass: [String: Double] = [:]
        for (index, label) in labels.enumerated() {
            guard let target = map.outletLabel(for: label, outlet: outlet, outletLabels: outletLabels) else { continue }
            mass[target, default: 0] += decision.probabilities[index]
        }
        return mass.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? decision.topic
    }

    /// Expected calibration error and a reliability table.
    static func calibrationReport(_ points: [(confidence: Double, correct: Bool)]) -> String {
        var bins = [(count: Int, confidence: Double, correct: Int)](repeating: (0, 0, 0), count: 10)
        for point in points {
            let bin = min(9, Int(point.confidence * 10))
            bins[bin].count += 1
            bins[bin].confidence += point.confidence
            bins[bin].correct += point.correct ? 1 : 0
        }
        var lines = ["confidence  articles  mean confidence  accuracy"]
        var error = 0.0
        for (index, bin) in bins.enumerated() where bin.count > 0 {
            let confidence = bin.confidence / Double(bin.count)
            let accuracy = Double(bin.correct) / Double(bin.count)
            error += Double(bin.count) / Double(points.count) * abs(confidence - accuracy)
            lines.append(
                String(
                    format: "%.1f–%.1f    %8d  %15.3f  %8.3f",
                    Double(index) / 10,
                    Double(index + 1) / 10,
                    bin.count,
                    confidence,
                    accuracy
                )
            )
        }
        lines.append(String(format: "expected calibration error %.3f", error))
        return lines.joined(separator: "\n")
    }
}

/// `nashra classify`: JSON lines `{"id", "title", "text"}` on stdin, `{"id", "category", "confidence"}` on stdout.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract:
            "Classify JSON lines {\"id\", \"title\", \"text\" [, \"section\", \"url\", \"source\"]} from stdin; print {\"id\", \"category\", \"confidence\", \"uncertain\"}."
    )

    @Option(help: "Model file (default: NASHRA_TOPIC_MODEL or the shipped model).") var model: String?
    @Flag(help: "Add every label's probability (\"scores\").") var scores = false
    @Flag(help: "Learn each source's sections from the lines read so far (\"source\" with \"section\" or \"url\").")
    var learnSections = false
    @OptionGroup var settings: SettingOptions

    /// The input's fields, in `FlatJSONLine`'s order.
    static let fields = ["id", "title", "text", "section", "url", "source"]

    struct Input: Decodable {
        var id: String?
        var title: String?
        var text: String?
        var section: String?
        var url: String?
        var source: String?
    }

    func run() throws {
        let configuration = try settings.configuration()
        let classifier = try TopicClassifier.load(
            path: model ?? configuration[Setting.topicModel],
            threshold: try configuration.double(Setting.topicThreshold)
        )
        let decoder = JSONDecoder()
        var scratch = FeatureScratch()
        let evidence = learnSections ? SectionEvidence(labels: classifier.labels) : nil
        var lineNumber = 0
        var rejected = 0
        var output = JSONLinesWriter()
        let labelOrder = classifier.labels.indices.sorted { classifier.labels[$0] < classifier.labels[$1] }
        var fields = FlatJSONLine(wanted: Self.fields)
        var lines = InputLines()
        while let outcome = lines.next({ line -> Result<(String?, TopicDecision), any Error>? in
            lineNumber += 1
            guard line.contains(where: { $0 > 0x20 }) else { return nil }
            return Result {
                // The common line by the fast path; anything unusual through the decoder, which says what is wrong.
                if fields.read(line) {
                    guard fields.has(1) || fields.has(2) else { throw ValidationError("needs title or text") }
                    let section = PublisherSection(
                        name: fields.string(3),
                        url: fields.string(4),
                        source: fields.string(5) ?? ""
                    )
                    let decision = fields.withValue(1) { title in
                        fields.withValue(2) { body in
                            classifier.classify(
                                titleUTF8: title ?? UnsafeBufferPointer(start: nil, count: 0),
                                textUTF8: body ?? UnsafeBufferPointer(start: nil, count: 0),
                                section: section,
                                evidence: evidence,
                                scratch: &scratch
                            )
                        }
                    }
                    return (fields.string(0), decision)
                }
                let input = try decoder.decode(Input.self, from: Data(line))
                guard input.title != nil || input.text != nil else { throw ValidationError("needs title or text") }
                let decision = classifier.classify(
                    title: input.title ?? "",
                    text: input.text ?? "",
                    section: PublisherSection(name: input.section, url: input.url, source: input.source ?? ""),
                    evidence: evidence,
                    scratch: &scratch
                )
                return (input.id, decision)
            }
        }) {
            // Keys in sorted order (scripts compare lines as text).
            guard let outcome else { continue }
            output.beginObject()
            switch outcome {
            case .success(let (id, decision)):
                output.key("category")
                output.string(decision.topic)
                output.key("confidence")
                output.number((decision.confidence * 10_000).rounded() / 10_000)
                if let id {
                    output.key("id")
                    output.string(id)
                }
                if scores {
                    output.key("scores")
                    output.beginObject()
                    for index in labelOrder {
                        output.key(classifier.labels[index])
                        output.number((decision.probabilities[index] * 1e6).rounded() / 1e6)
                    }
                    output.endObject()
                }
                output.key("uncertain")
                output.bool(decision.uncertain)
            case .failure(let error):
                rejected += 1
                output.key("error")
                output.string("line \(lineNumber): \(error)")
                output.key("line")
                output.number(lineNumber)
            }
            output.endObject()
            output.endLine()
        }
        output.flush()
        if rejected > 0 {
            FileHandle.standardError.write(Data("\(rejected) of \(lineNumber) line(s) rejected (see \"error\")\n".utf8))
        }
    }
}
