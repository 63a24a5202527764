import ArabicText
import Foundation
import Synchronization

/// The publisher's own section as evidence for an article's topic, learned per source.
///
/// An outlet files each article somewhere: the page or feed names the section (`article:section`, JSON-LD
/// `articleSection` or breadcrumbs, the feed's `<category>`), or its address does (`/Economy/News_Detail.aspx`,
/// `/sports/…`). That filing is a strong hint, but outlets name sections their own way («منوعات», `golobal`) and
/// file stories in odd places, so the name alone is not trusted. For each (source, section key) this keeps the
/// topics the text model was sure of (`confident`) for that key's articles, and turns them into a prior over the
/// topics: Dirichlet-smoothed counts, starting from the section's name where it is a known word
/// (`TopicClassifier.label(forSection:)`). The prior is added to the text model's calibrated logits, bounded
/// by `maximumShift` nats, so a confident text still wins over its outlet's filing.
///
/// What is learned is the text model's own majority for the key, never a label from outside: a new source's
/// sections are learned from its first few dozen articles. The table lives in the process (each classifier
/// replica learns its own; a restart starts over from the names) and is bounded (`capacity` keys).
public final class SectionEvidence: Sendable {
    public let labels: [String]
    /// Text decisions at least this sure are counted for their key.
    public let confident: Double
    /// Pseudo-counts spread over all topics (the prior before any article).
    public let smoothing: Double
    /// Pseudo-counts for the topic the section's name stands for, when it is a known word.
    public let nameWeight: Double
    /// The largest change the prior makes to a topic's log-odds.
    public let maximumShift: Double
    public let capacity: Int

    private let table = Mutex<[String: [Double]]>([:])

    public init(
        labels: [String],
        confident: Double = 0.8,
        smoothing: Double = 4,
        nameWeight: Double = 4,
        maximumShift: Double = 3,
        capacity: Int = 100_000
    ) {
        self.labels = labels
        self.confident = confident
        self.smoothing = smoothing
        self.nameWeight = nameWeight
        self.maximumShift = maximumShift
        self.capacity = capacity
    }

    /// The log prior of each topic (centred, bounded) for an article of `source` filed under `key`; nil when
    /// there is no key.
    public func prior(source: String, key: String?) -> [Double]? {
        guard let key else { return nil }
        let counts = table.withLock { $0[source + "\u{1F}" + key] } ?? [Double](repeating: 0, count: labels.count)
        var pseudo = [Double](repeating: smoothing / Double(labels.count), count: labels.count)
        if let named = TopicClassifier.label(forSection: key), let index = labels.firstIndex(of: named) {
            pseudo[index] += nameWeight
        }
        let logs = zip(counts, pseudo).map { Foundation.log($0 + $1) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        return logs.map { min(maximumShift, max(-maximumShift, $0 - mean)) }
    }

    /// Counts a text-only decision for its key, when the text was sure.
    public func observe(source: String, key: String?, textProbabilities: [Double]) {
        guard let key, let best = textProbabilities.indices.max(by: { textProbabilities[$0] < textProbabilities[$1] }),
            textProbabilities[best] >= confident
        else { return }
        let slot = source + "\u{1F}" + key
        table.withLock { table in
            guard table[slot] != nil || table.count < capacity else { return }
            table[slot, default: [Double](repeating: 0, count: labels.count)][best] += 1
        }
    }

    /// How many (source, key) pairs have been learned.
    public var count: Int { table.withLock { $0.count } }

    // MARK: Keys

    /// The key an article is filed under: the section its page or feed named, else the section-like segments of
    /// its address's path (at most two, lower-cased). Nil when neither says anything.
    public static func key(section: String?, url: String?) -> String? {
        if let section {
            let name = section.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if !name.isEmpty && name.count <= 80 { return name }
        }
        guard let url, let path = URLComponents(string: url)?.percentEncodedPath else { return nil }
        var segments = path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        if !segments.isEmpty { segments.removeLast() }  // the article itself
        let kept = segments.map { $0.lowercased() }.filter(isSectionLike)
        return kept.isEmpty ? nil : kept.prefix(2).joined(separator: "/")
    }

    /// A path segment that can name a section: a short word (Latin or Arabic letters, `-` or `_`), not a number,
    /// an identifier, a language code or a word every address has.
    static func isSectionLike(_ segment: String) -> Bool {
        guard (3...24).contains(segment.count), !genericSegments.contains(segment) else { return false }
        return segment.unicodeScalars.allSatisfy { scalar in
            scalar == "-" || scalar == "_" || ("a"..."z").contains(scalar) || (0x0621...0x064A).contains(scalar.value)
        }
    }

    static let genericSegments: Set<String> = [
        "news", "article", "articles", "details", "detail", "home", "story", "stories", "amp", "index", "post",
        "posts", "item", "items", "view", "content", "node", "page", "pages", "category", "categories", "section",
        "sections", "topic", "topics", "tag", "tags", "www", "arabic", "ar", "en", "latest", "archive", "جميع",
        "اخبار", "أخبار", "الرئيسية", "خبر", "مقال", "مقالات",
    ]
}
