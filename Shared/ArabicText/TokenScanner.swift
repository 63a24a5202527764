import NashraHashing

/// Normalises and tokenises a text in one pass over its Unicode scalars, handing each token to a closure as a
/// buffer of folded scalars: no string is built per token. The classifier, the story signatures and search all
/// see the same tokens as `ArabicTokenizer.tokens(ArabicNormalizer.normalize(text))`; this is the fast path.
///
/// A token longer than `maximumTokenLength` scalars (a URL, a run of glued words) is cut at that length.
public enum TokenScanner {
    public static let maximumTokenLength = 48

    /// Calls `body` with every normalised token of `text`, in order. `String` only, on purpose: a generic
    /// `some StringProtocol` parameter made classification 45% slower (33.9k → 18k docs/s).
    @inlinable
    public static func forEachToken(
        in text: String,
        normalizer: ArabicNormalizer = .standard,
        _ body: (UnsafeBufferPointer<Unicode.Scalar>) -> Void
    ) {
        withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: maximumTokenLength) { buffer in
            var count = 0
            for scalar in text.unicodeScalars {
                guard let folded = normalizer.fold(scalar) else { continue }  // diacritics join their word
                if ArabicTokenizer.isWordScalar(folded) {
                    if count < maximumTokenLength {
                        buffer[count] = folded
                        count += 1
                    }
                } else if count > 0 {
                    body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
                    count = 0
                }
            }
            if count > 0 { body(UnsafeBufferPointer(rebasing: buffer[0..<count])) }
        }
    }

    /// A 64-bit FNV-1a hash of a token's scalars, seeded so that different feature families do not collide.
    @inlinable
    public static func hash(_ token: UnsafeBufferPointer<Unicode.Scalar>, seed: UInt64 = FNV1a.offsetBasis) -> UInt64 {
        var value = seed
        for scalar in token { value = FNV1a.mix(value, UInt64(scalar.value)) }
        return value
    }

    /// The same hash over a string's scalars (for word lists known ahead of time).
    public static func hash(_ word: some StringProtocol, seed: UInt64 = FNV1a.offsetBasis) -> UInt64 {
        var value = seed
        for scalar in word.unicodeScalars { value = FNV1a.mix(value, UInt64(scalar.value)) }
        return value
    }
}
