import ArabicText
import NashraHashing

/// Word 3-shingles of a text: each run of three consecutive normalised words, hashed. Two copies of one wire
/// story share most of them. The story signatures are MinHash sketches of these shingles, and the store verifies a
/// story candidate on the exact sets (`StorySimilarity.containment(of:in:)`), so both see the same shingles.
public enum WordShingles {
    /// Calls `body` with the hash of every 3-shingle of `text`, in order (repeats included); `words` is then the
    /// number of words read.
    @inlinable
    @discardableResult
    public static func forEach(in text: String, _ body: (UInt64) -> Void) -> Int {
        var window: (UInt64, UInt64) = (0, 0)
        var words = 0
        TokenScanner.forEachToken(in: text) { token in
            let hash = TokenScanner.hash(token)
            words += 1
            // The 3-shingle of the two previous words and this one: ((w₀·p) ⊕ w₁)·p ⊕ w₂.
            if words >= 3 { body(FNV1a.mix(window.0 &* FNV1a.prime, window.1) ^ hash) }
            window = (window.1, hash)
        }
        return words
    }

    /// The distinct shingles of `text`, sorted: the exact set that `StorySimilarity.containment(of:in:)` compares.
    public static func set(of text: String) -> [UInt64] {
        var all: [UInt64] = []
        all.reserveCapacity(text.utf8.count / 8)
        forEach(in: text) { all.append($0) }
        all.sort()
        var distinct = 0
        for value in all where distinct == 0 || all[distinct - 1] != value {
            all[distinct] = value
            distinct += 1
        }
        all.removeLast(all.count - distinct)
        return all
    }
}
