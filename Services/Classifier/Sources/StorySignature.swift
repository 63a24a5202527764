import ArabicText

/// MinHash signatures of an article's normalised word 3-shingles. Two copies of one wire story share most
/// shingles, so the fraction of equal signature slots estimates their Jaccard similarity. MinHash rather than
/// SimHash: its estimate is unbiased for Jaccard, and the store can band it for candidate lookup, then verify.
public struct StorySignature: Sendable {
    public let size: Int
    private let multipliers: [UInt64]
    private let increments: [UInt64]

    public init(size: Int = 64) {
        self.size = size
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt64 {  // splitmix64: fixed seeds, so signatures are stable across runs
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        multipliers = (0..<size).map { _ in next() | 1 }
        increments = (0..<size).map { _ in next() }
    }

    /// The signature of a text; empty text gives all-max slots.
    public func signature(of text: String) -> [UInt32] {
        let tokens = ArabicTokenizer.tokens(ArabicNormalizer.standard.normalize(text))
        var minimums = [UInt32](repeating: .max, count: size)
        guard !tokens.isEmpty else { return minimums }
        let hashes = tokens.map(Self.hash)
        let width = min(3, hashes.count)
        for start in 0...(hashes.count - width) {
            var shingle: UInt64 = 0
            for offset in 0..<width { shingle = (shingle &* 0x100_0000_01b3) ^ hashes[start + offset] }
            for slot in 0..<size {
                let value = UInt32(truncatingIfNeeded: (shingle &* multipliers[slot] &+ increments[slot]) >> 32)
                if value < minimums[slot] { minimums[slot] = value }
            }
        }
        return minimums
    }

    /// Estimated Jaccard similarity of two signatures.
    public static func similarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        return Double(zip(a, b).filter { $0 == $1 }.count) / Double(a.count)
    }

    private static func hash(_ token: Substring) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in token.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return value
    }
}
