import ArabicText

/// A topic and how sure the classifier is.
public struct TopicDecision: Sendable, Equatable {
    public var topic: String
    public var confidence: Double
    public var uncertain: Bool
}

/// The first classifier of the pipeline: weighted cue words per topic, matched on normalised, lightly stemmed
/// tokens (title words count three times), with the publisher's section hint as a prior. It is honest about
/// doubt: with no cue it answers `general` with confidence 0, and any answer below `threshold` is marked
/// uncertain. Issue #5 replaces it with a linear model trained on a labelled corpus (`nashra train`).
public struct TopicClassifier: Sendable {
    public static let topics = ["politics", "economy", "sport", "technology", "culture", "health"]
    public var threshold = 0.5
    private let cues: [Substring: Int]

    public init() {
        let lexicon: [String: String] = [
            "politics": "رئيس حكومه وزير وزاره برلمان انتخاب انتخابات حزب مجلس نواب رئاسه سياسي دبلوماسي سفير قمه "
                + "مفاوضات اتفاق دستور معارضه",
            "economy": "اقتصاد اقتصادي بورصه سهم اسهم بنك مصرف جنيه دولار تضخم استثمار اسعار نفط ميزانيه تصدير "
                + "صادرات فائده تجاره صندوق",
            "sport": "مباراه منتخب دوري كره لاعب لاعبين هدف اهداف فريق بطوله مدرب نادي اولمبي ملعب الاهلي الزمالك",
            "technology": "تكنولوجيا تقنيه ذكاء اصطناعي هاتف هواتف تطبيق انترنت رقمي برمجيات شريحه حاسوب سيبراني "
                + "منصه بيانات",
            "culture": "فيلم افلام مهرجان سينما كتاب روايه معرض فنان فنانه مسرح موسيقي ثقافه ثقافي اغنيه شاعر",
            "health": "صحه مستشفي طبيب اطباء مرض امراض علاج لقاح فيروس دواء مرضي وباء",
        ]
        var cues: [Substring: Int] = [:]
        for (topic, words) in lexicon {
            let index = Self.topics.firstIndex(of: topic)!
            for word in words.split(separator: " ") { cues[LightStemmer.stem(word)] = index }
        }
        self.cues = cues
    }

    /// Classifies a title and body; `sectionHint` is the publisher's own section label, if any.
    public func classify(title: String, text: String, sectionHint: String? = nil) -> TopicDecision {
        var scores = [Double](repeating: 0, count: Self.topics.count)
        let normalizer = ArabicNormalizer.standard
        for token in ArabicTokenizer.tokens(normalizer.normalize(title)) {
            if let topic = cues[LightStemmer.stem(token)] { scores[topic] += 3 }
        }
        for token in ArabicTokenizer.tokens(normalizer.normalize(text)) {
            if let topic = cues[LightStemmer.stem(token)] { scores[topic] += 1 }
        }
        if let sectionHint {
            for token in ArabicTokenizer.tokens(normalizer.normalize(sectionHint)) {
                if let topic = cues[LightStemmer.stem(token)] { scores[topic] += 5 }
            }
        }
        let total = scores.reduce(0, +)
        guard total > 0, let best = scores.indices.max(by: { scores[$0] < scores[$1] }) else {
            return TopicDecision(topic: "general", confidence: 0, uncertain: true)
        }
        // Share of the evidence, shrunk towards uniform when there is little of it.
        let prior = 1.0
        let confidence = (scores[best] + prior / Double(scores.count)) / (total + prior)
        return TopicDecision(topic: Self.topics[best], confidence: confidence, uncertain: confidence < threshold)
    }
}
