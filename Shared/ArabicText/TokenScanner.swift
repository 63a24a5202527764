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
    /// slower (33.9k → 18k docs/s). The string's UTF-8 is read by `forEachToken(inUTF8:)`.
    @inlinable
    public static func forEachToken(
        in text: String,
        normalizer: ArabicNormalizer = .standard,
        limit: Int = .max,
        _ body: (UnsafeBufferPointer<Unicode.Scalar>) -> Void
    ) {
        let scanned: Void? = text.utf8.withContiguousStorageIfAvailable {
            forEachToken(inUTF8: $0, normalizer: normalizer, limit: limit, body)
        }
        if scanned == nil {
            var copy = text
            copy.makeContiguousUTF8()
            _ = copy.utf8.withContiguousStorageIfAvailable {
                forEachToken(inUTF8: $0, normalizer: normalizer, limit: limit, body)
            }
        }
    }

    /// The same over UTF-8 bytes, decoded here a byte at a time (no String is made): what a JSON line's text
    /// is read as. Bytes that are not UTF-8 (a stray continuation byte, a sequence cut short) read as U+FFFD, a
    /// separator, so the tokens are those of the string `String(decoding:as:)` repairs; nothing is read past the
    /// buffer.
    @inlinable
    public static func forEachToken(
        inUTF8 bytes: UnsafeBufferPointer<UInt8>,
        normalizer: ArabicNormalizer = .standard,
        limit: Int = .max,
        _ body: (UnsafeBufferPointer<Unicode.Scalar>) -> Void
    ) {
        guard limit > 0 else { return }
        let table =
            normalizer.foldTaMarbuta ? ArabicNormalizer.foldTable : ArabicNormalizer.foldTableKeepingTaMarbuta
        table.withUnsafeBufferPointer { table in
            withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: maximumTokenLength) { buffer in
                var count = 0
                var tokens = 0
                var index = 0
                let end = bytes.count
                @inline(__always)
                func continuation(_ offset: Int) -> UInt32? {
                    guard index + offset < end else { return nil }
                    let byte = bytes[index + offset]
                    return byte & 0xC0 == 0x80 ? UInt32(byte & 0x3F) : nil
                }
                while index < end {
                    let lead = UInt32(bytes[index])
                    var value: UInt32 = 0xFFFD
                    var length = 1
                    if lead < 0x80 {
                        value = lead
                    } else if lead >= 0xC2 && lead < 0xE0, let second = continuation(1) {
                        value = (lead & 0x1F) << 6 | second
                        length = 2
                    } else if lead >= 0xE0 && lead < 0xF0, let second = continuation(1), let third = continuation(2) {
                        value = (lead & 0x0F) << 12 | second << 6 | third
                        length = 3
                    } else if lead >= 0xF0 && lead < 0xF5, let second = continuation(1), let third = continuation(2),
                        let fourth = continuation(3)
                    {
                        value = (lead & 0x07) << 18 | second << 12 | third << 6 | fourth
                        length = 4
                    }
                    index += length
                    let folded: Unicode.Scalar
                    let isWord: Bool
                    if value < ArabicNormalizer.tableSize {
                        let entry = table[Int(value)]
                        if entry == ArabicNormalizer.dropped { continue }  // diacritics join their word
                        folded = Unicode.Scalar(entry & ~ArabicNormalizer.wordFlag) ?? "\u{FFFD}"
                        isWord = entry & ArabicNormalizer.wordFlag != 0
                    } else {
                        guard let scalar = normalizer.fold(Unicode.Scalar(value) ?? "\u{FFFD}") else { continue }
                        folded = scalar
                        isWord = ArabicTokenizer.isWordScalar(scalar)
                    }
                    if isWord {
                        if count < maximumTokenLength {
                            buffer[count] = folded
                            count += 1
                        }
                    } else if count > 0 {
                        body(UnsafeBufferPointer(rebasing: buffer[0..<count]))
                        count = 0
                        tokens += 1
                        if tokens == limit { return }
                    }
                }
                if count > 0 { body(UnsafeBufferPointer(rebasing: buffer[0..<count])) }
            }
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
