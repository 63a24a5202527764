import ArabicText
import Foundation
import Synchronization

/// What a publisher says of an article's section: its own section name (page, JSON-LD, feed or catalog), the
/// article's address (whose path often names the section) and the source, whose habits `SectionEvidence` learns.
public struct PublisherSection: Sendable, Equatable {
    public var name: String?
    public var url: String?
    public var source: String

    public init(name: String? = nil, url: String? = nil, source: String = "") {
        self.name = name
        self.url = url
        self.source = source
    }
}

/// A topic and how sure the classifier is.
public struct TopicDecision: Sendable, Equatable {
    public var topic: String
    /// The calibrated probability of `topic`.
    public var confidence: Double
    /// True when `confidence` is below the classifier's threshold: the section shown is a best guess.
    public var uncertain: Bool
    /// Every label's probability, in the model's label order.
    public var probabilities: [Double]
}

/// Classifies articles with a trained `TopicModel` (the shipped default was trained by `nashra train` on the ANT
/// corpus; see `Services/Classifier/Classifier/Resources/README.md`).
///
/// The publisher's own section (its name, or the section in the article's address) is evidence too, weighed
/// against the text by `SectionEvidence`: a prior, not an override, so an article its outlet filed in the wrong
/// place can still be classified by its text.
public struct TopicClassifier: Sendable {
    public let model: TopicModel
    public var threshold: Double
    /// Section names alone, for callers that keep no learned table.
    private let sectionNames: SectionEvidence

    public init(model: TopicModel, threshold: Double = 0.5) {
        self.model = model
        self.threshold = threshold
        sectionNames = SectionEvidence(labels: model.labels)
    }

    public var labels: [String] { model.labels }

    /// Classifies a title and body. `section` is what the publisher says of the article's section (its own
    /// label, the article's address, the source); with `evidence`, the text's decision is learned for the
    /// article's section key (`SectionEvidence`) and the key's learned prior applied, else the section's name
    /// alone counts.
    public func classify(
        title: String,
        text: String,
        section: PublisherSection = PublisherSection(),
        evidence: SectionEvidence? = nil
    ) -> TopicDecision {
        var scratch = FeatureScratch(memo: false)
        return classify(title: title, text: text, section: section, evidence: evidence, scratch: &scratch)
    }

    /// The same, reusing a caller's buffer (for batch and benchmark loops).
    public func classify(
        title: String,
        text: String,
        section: PublisherSection = PublisherSection(),
        evidence: SectionEvidence? = nil,
        scratch: inout FeatureScratch
    ) -> TopicDecision {
        model.features.extract(title: title, text: text, into: &scratch)
        return decision(of: scratch.indices, section: section, evidence: evidence)
    }

    /// The same from UTF-8 bytes (a JSON line's fields, read without making Strings of them).
    public func classify(
        titleUTF8: UnsafeBufferPointer<UInt8>,
        textUTF8: UnsafeBufferPointer<UInt8>,
        section: PublisherSection = PublisherSection(),
        evidence: SectionEvidence? = nil,
        scratch: inout FeatureScratch
    ) -> TopicDecision {
        model.features.extract(titleUTF8: titleUTF8, textUTF8: textUTF8, into: &scratch)
        return decision(of: scratch.indices, section: section, evidence: evidence)
    }

    private func decision(of features: [UInt32], section: PublisherSection, evidence: SectionEvidence?) -> TopicDecision
    {
        // No word to read is no evidence: every section equally likely, rather than the biases' leaning.
        let logits = features.isEmpty ? [Float](repeating: 0, count: model.labels.count) : model.logits(of: features)
        var probabilities = model.probabilities(fromLogits: logits)
        if let key = SectionEvidence.key(section: section.name, url: section.url) {
            let table = evidence ?? sectionNames
            if evidence != nil { table.observe(source: section.source, key: key, textProbabilities: probabilities) }
            probabilities = model.probabilities(
                fromLogits: logits,
                prior: table.prior(source: section.source, key: key)
            )
        }
        let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
        return TopicDecision(
            topic: model.labels[best],
            confidence: probabilities[best],
            uncertain: probabilities[best] < threshold,
            probabilities: probabilities
        )
    }

    /// The model label a publisher's section name or URL path segment stands for, if it is a known one.
    static func label(forSection section: String) -> String? {
        var found: String?
        TokenScanner.forEachToken(in: section) { token in
            guard found == nil else { return }
            found = sectionWords[LightStemmer.stemHash(of: token)]
        }
        return found
    }

    private static let sectionWords: [UInt64: String] = stemTable(sectionNames)

    /// The product's sections (the labels of the shipped taxonomy) and the words publishers name them by.
    static let sectionNames: [String: String] = [
        "sport": "رياضه رياضيه رياض كره sport sports football",
        "economy": "اقتصاد اقتصادي اعمال مال بورصه economy business markets finance",
        "technology": "تكنولوجيا تقنيه علوم technology tech science",
        "culture": "ثقافه ثقافي فن فنون ادب منوعات culture arts entertainment",
        "health": "صحه صحي طب health medicine",
        "middleEast": "عربي عرب الشرق middleeast middle arab arabic",
        "internationalNews": "دولي عالم العالم world international",
    ]

    // MARK: The shipped model

    /// The model shipped with the classifier: next to the executable (SwiftPM's resource bundle
    /// `Nashra_Classifier.resources`, also copied into the container image), else in the source tree.
    public static var shippedModelPath: String? {
        let name = "topic-ant.nmodel"
        let executable = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments.first ?? "."))
            .resolvingSymlinksInPath()
        let candidates = [
            executable.deletingLastPathComponent().appendingPathComponent("Nashra_Classifier.resources/\(name)").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Resources/\(name)").path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Loads the model at `path`, or the shipped one when `path` is nil or empty.
    public static func load(path: String? = nil, threshold: Double = 0.5) throws -> TopicClassifier {
        if let path, !path.isEmpty {
            return TopicClassifier(model: try TopicModel.load(from: path), threshold: threshold)
        }
        if let cached = shipped.withLock({ $0 }) { return TopicClassifier(model: cached, threshold: threshold) }
        guard let shippedPath = shippedModelPath else {
            throw ModelFileError(description: "the shipped topic model is missing; set NASHRA_TOPIC_MODEL")
        }
        let model = try TopicModel.load(from: shippedPath)
        shipped.withLock { $0 = model }
        return TopicClassifier(model: model, threshold: threshold)
    }

    private static let shipped = Mutex<TopicModel?>(nil)
}
