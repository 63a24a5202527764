import Synchronization

/// What an outlet puts on every headline, learned from the headlines it serves. Many outlets end (or start) each
/// `<title>` or `og:title` with a name no page states anywhere else (a slogan, an old brand, «بوابة فيتو»
/// spelled unlike the catalog): `Headline` cannot recognise it, but it is the same segment, at the same end,
/// on headline after headline of that outlet. A segment goes when at least `minimumRepeats` of the outlet's
/// `remembered` latest different headlines carry it at that end, and at least half of them do (so «عاجل» on some
/// breaking news stays), it is short (six words at most), and what remains keeps two words.
///
/// Learned per process, from what it parses: a parser remembers the latest headlines of each outlet it has seen
/// (at most `maximumOutlets`, then it starts again), so the first headlines of an outlet keep their affix until
/// the pattern shows. Folded as `Headline` folds names (hamza forms, diacritics, tatweel, case), so the same name
/// written two ways counts once.
public final class TitleAffixes: Sendable {
    static let remembered = 24
    static let minimumRepeats = 3
    static let maximumWords = 6
    static let maximumOutlets = 5_000

    private struct Seen {
        var title: String
        var first: String?
        var last: String?
    }
    private let outlets = Mutex<[String: [Seen]]>([:])

    public init() {}

    /// `title` without the affix its outlet puts on every headline; remembers the headline.
    public func strip(_ title: String, outlet: String) -> String {
        var segments = Headline.split(title)
        let first = segments.count > 1 ? Headline.key(segments[0].body) : nil
        let last = segments.count > 1 ? segments.last.map { Headline.key($0.body) } : nil
        let (dropFirst, dropLast) = outlets.withLock { outlets -> (Bool, Bool) in
            if outlets[outlet] == nil && outlets.count >= Self.maximumOutlets { outlets.removeAll() }
            var seen = outlets[outlet, default: []]
            if !seen.contains(where: { $0.title == title }) {
                seen.append(Seen(title: title, first: first, last: last))
                if seen.count > Self.remembered { seen.removeFirst() }
                outlets[outlet] = seen
            }
            func repeated(_ key: String?, _ end: KeyPath<Seen, String?>) -> Bool {
                guard let key, !key.isEmpty else { return false }
                let count = seen.count(where: { $0[keyPath: end] == key })
                return count >= Self.minimumRepeats && count * 2 >= seen.count
            }
            return (repeated(first, \.first), repeated(last, \.last))
        }
        guard segments.count > 1 else { return title }
        if dropLast, let affix = segments.last, short(affix.body), Headline.words(segments.dropLast()) >= 2 {
            segments.removeLast()
        }
        if dropFirst, segments.count > 1, short(segments[0].body), Headline.words(segments.dropFirst()) >= 2 {
            segments.removeFirst()
            segments[0].text = segments[0].body
        }
        return segments.map(\.text).joined()
    }

    private func short(_ segment: String) -> Bool {
        segment.split(separator: " ").count <= Self.maximumWords
    }
}
