import Foundation

/// Top stories and breaking news from story coverage, the way Google News ranks its top stories: by how many
/// distinct outlets carried a story recently. Each outlet counts once, weighted by how recent its latest copy is
/// (halving every `halfLife`), so that a story five outlets carried this hour ranks above one six outlets
/// carried yesterday morning. A story is *breaking* («عاجل») when `breakingOutlets` outlets carried it within
/// `breakingWindow` of its first copy; it is shown so for `breakingShownFor` from that moment.
///
/// Pure: both back ends give the coverage (`NewsArchive.coverage(since:)`), this ranks it.
public struct StoryRanking: Sendable {
    public var halfLife: TimeInterval = 6 * 3600
    public var breakingOutlets = 3
    public var breakingWindow: TimeInterval = 60 * 60
    public var breakingShownFor: TimeInterval = 2 * 3600

    public init(breakingOutlets: Int = 3, breakingWindow: TimeInterval = 60 * 60) {
        self.breakingOutlets = max(2, breakingOutlets)
        self.breakingWindow = max(0, breakingWindow)
    }

    /// A ranked story.
    public struct Ranked: Sendable, Equatable {
        public var story: String
        public var outlets: Int
        public var first: Date
        public var latest: Date
        public var score: Double
        /// When the story became breaking, if it did and is still shown so.
        public var breakingSince: Date?
    }

    /// Stories of at least two outlets, best first (score, then latest copy, then id).
    public func rank(_ coverage: [StoryCoverage], now: Date) -> [Ranked] {
        var stories: [String: [StoryCoverage]] = [:]
        for copy in coverage { stories[copy.story, default: []].append(copy) }
        var ranked: [Ranked] = []
        for (story, copies) in stories {
            // One entry per outlet (the back ends give one already; merge defensively).
            var outlets: [String: (first: Date, last: Date)] = [:]
            for copy in copies {
                let seen = outlets[copy.sourceID]
                outlets[copy.sourceID] = (
                    min(seen?.first ?? copy.first, copy.first), max(seen?.last ?? copy.last, copy.last)
                )
            }
            guard outlets.count >= 2 else { continue }
            let score = outlets.values.reduce(0.0) { total, outlet in
                total + pow(0.5, max(0, now.timeIntervalSince(outlet.last)) / halfLife)
            }
            let firsts = outlets.values.map(\.first).sorted()
            ranked.append(
                Ranked(
                    story: story,
                    outlets: outlets.count,
                    first: firsts[0],
                    latest: outlets.values.map(\.last).max()!,
                    score: score,
                    breakingSince: breaking(firsts, now: now)
                )
            )
        }
        return ranked.sorted { ($0.score, $0.latest, $0.story) > ($1.score, $1.latest, $1.story) }
    }

    /// The moment the `breakingOutlets`-th outlet carried the story, when that came within `breakingWindow` of the
    /// first copy and is less than `breakingShownFor` ago.
    func breaking(_ firsts: [Date], now: Date) -> Date? {
        guard firsts.count >= breakingOutlets else { return nil }
        let reached = firsts[breakingOutlets - 1]
        guard reached.timeIntervalSince(firsts[0]) <= breakingWindow else { return nil }
        let age = now.timeIntervalSince(reached)
        return age >= 0 && age < breakingShownFor ? reached : nil
    }
}
