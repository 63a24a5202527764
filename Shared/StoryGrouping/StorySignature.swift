import ArabicText
import NashraHashing

/// MinHash signatures of an article's normalised word 3-shingles (`WordShingles`). Two copies of one wire story share most
/// shingles, so the fraction of equal signature slots estimates their Jaccard similarity. MinHash rather than
/// SimHash: its estimate is unbiased for Jaccard, and the store can band it for candidate lookup, then verify.
public struct StorySignature: Sendable {
    public let size: Int
    private let multipliers: [UInt64]
    private let increments: [UInt64]

    public init(size: Int = 64) {
        self.size = size
        var random = SplitMix(seed: 0x9e37_79b9_7f4a_7c15)  // fixed seeds: signatures are stable across runs
        multipliers = (0..<size).map { _ in random.next() | 1 }
        increments = (0..<size).map { _ in random.next() }
    }

    /// Texts with fewer words have no signature: a caption or an empty page is not a story to group.
    public static let minimumWords = 12

    /// The signature of a text, or an empty one for a text of fewer than `minimumWords` words.
    public func signature(of text: String) -> [UInt32] {
        var minimums = [UInt32](repeating: .max, count: size)
        // Each shingle hashed once (`WordShingles`), then one multiply-add per slot.
        var seen = 0
        minimums.withUnsafeMutableBufferPointer { minimums in
            multipliers.withUnsafeBufferPointer { multipliers in
                increments.withUnsafeBufferPointer { increments in
                    seen = WordShingles.forEach(in: text) { shingle in
                        for slot in 0..<minimums.count {
                            let value = UInt32(
                                truncatingIfNeeded: (shingle &* multipliers[slot] &+ increments[slot]) >> 32
                            )
                            if value < minimums[slot] { minimums[slot] = value }
                        }
                    }
                }
            }
        }
        return seen < Self.minimumWords ? [] : minimums
    }

    /// Estimated Jaccard similarity of two signatures (`StorySimilarity`, shared with the store).
    public static func similarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        StorySimilarity.estimate(a, b)
    }
}
