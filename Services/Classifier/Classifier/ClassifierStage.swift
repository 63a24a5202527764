import NashraAMQP
import NashraMessages
import NashraRuntime
import StoryGrouping
import Synchronization

/// The classifier stage: `nashra.articles` → `nashra.classified` (topic, confidence, story signature).
public struct ClassifierStage: StageProcessor {
    public let name = "classifier"
    public let input = Topology.Stage.articles
    public let classifier: TopicClassifier
    public let signatures: StorySignature
    /// Each source's sections, learned from the articles this process classifies.
    public let sections: SectionEvidence
    /// One feature scratch (with its word memo) for the articles of every batch; a batch that finds it taken
    /// classifies with a scratch of its own rather than wait.
    private let scratch = SharedScratch()

    /// The section of stories no section fits with confidence (the reader site's «منوعات»).
    public static let uncertainTopic = "general"

    public init(classifier: TopicClassifier? = nil, signatures: StorySignature = .init()) throws {
        self.classifier = try classifier ?? TopicClassifier.load()
        self.signatures = signatures
        sections = SectionEvidence(labels: self.classifier.labels)
    }

    public func classify(_ article: Article) -> ClassifiedArticle {
        let body = article.paragraphs.joined(separator: "\n")
        let section = PublisherSection(name: article.section, url: article.url, source: article.sourceID)
        let decision =
            scratch.mutex.withLockIfAvailable { scratch in
                classifier.classify(
                    title: article.title,
                    text: body,
                    section: section,
                    evidence: sections,
                    scratch: &scratch
                )
            } ?? classifier.classify(title: article.title, text: body, section: section, evidence: sections)
        // A story the model is unsure of is filed under «منوعات» rather than forced into a section it may not
        // belong to; its confidence (the best section's probability) and the flag say so to API readers.
        return ClassifiedArticle(
            article: article,
            topic: decision.uncertain ? Self.uncertainTopic : decision.topic,
            confidence: decision.confidence,
            uncertain: decision.uncertain,
            signature: signatures.signature(of: StorySimilarity.storyText(title: article.title, body: body))
        )
    }

    public func process(_ batch: [Article]) async -> [StageOutcome] {
        batch.map { article in
            guard !article.title.isEmpty || !article.paragraphs.isEmpty else {
                return .deadLetter("article \(article.url) has neither title nor text")
            }
            return .done([.send(classify(article), to: .classified)])
        }
    }
}

private final class SharedScratch: Sendable {
    let mutex = Mutex(FeatureScratch())
}
