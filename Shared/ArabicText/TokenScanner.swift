import NashraHashing

/// Normalises and tokenises a text in one pass over its Unicode scalars, handing each token to a closure as a
/// buffer of folded scalars: no string is built per token. The classifier, the story signatures and search all
/// see the same tokens as `ArabicTokenizer.tokens(ArabicNormalizer.normalize(text))`; this is the fast path.
///
/// A token longer than `maximumTokenLength` scalars (a URL, a run of glued words) is cut at that length.
public enum TokenScanner {
    public static let maximumTokenLength = 48

    /// Calls `body` with every normalised token of `text`, in order, up to `limit` tokens (the rest of the text
    /// is not read). `String` only, on purpose: a generic `some StringProtocol` parameter made classification 45%
    /// slower (33.9k → 18k docs/s). A native string's UTF-8 is decoded here directly, a byte at a time (it is
    /// valid by construction); other strings go through their scalar view.
    @inlinable
    public static func forEachToken(
        in text: String,
        normalizer: ArabicNormalizer = .standard,
        limit: Int = .max,
        _ body: (UnsafeBufferPointer<Unicode.Scalar>) -> Void
    ) {
        guard limit > 0 else { return }
        withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: maximumTokenLength) { buffer in
            var count = 0
            var tokens = 0
            /// Takes one scalar; false once `limit` tokens have been given.
            @inline(__always)
            func take(_ scalar: Unicode.Scalar) -> Bool {
                guard let folded = normalizer.fold(scalar) else { return true }  // diacritics join their word
                if ArabicTokenizer.isWordScalar(folded) {
                    if count < maximumTokenLength {
                        buffer[count] = folded
                        count += 1
                    }
                } else if count > 0 {
                    body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
                    count = 0
                    tokens += 1
                    if tokens == limit { return false }
                }
                return true
            }
            let scanned: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
                var index = 0
                let end = bytes.count
                while index < end {
                    let lead = UInt32(bytes[index])
                    var value: UInt32
                    if lead < 0x80 {
                        value = lead
                        index += 1
                    } else if lead < 0xE0 {
                        value = (lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                        index += 2
                    } else if lead < 0xF0 {
                        value =
                            (lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                        index += 3
                    } else {
                        value = (lead & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
                        value |= UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F)
                        index += 4
                    }
                    guard take(Unicode.Scalar(value) ?? "\u{FFFD}") else { return false }
                }
                return true
            }
            if scanned == nil {
                for scalar in text.unicodeScalars where !take(scalar) { return }
            } else if scanned == false {
                return
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
