/// A light Arabic stemmer: strips one common prefix (و ف ب ك ل ال وال بال كال فال لل) and one common suffix
/// (ها هم هن ات ون ين ان يه ه ي), keeping at least three letters. Works on normalised text (ة already ه).
/// Light stemming groups "الانتخابات" with "انتخابات" without the errors of root extraction.
public enum LightStemmer {
    @usableFromInline static let prefixes: [[Unicode.Scalar]] = [
        "وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ك", "ل",
    ].map { Array($0.unicodeScalars) }
    @usableFromInline static let suffixes: [[Unicode.Scalar]] = [
        "ها", "هم", "هن", "ات", "ون", "ين", "ان", "يه", "ه", "ي",
    ]
    .map { Array($0.unicodeScalars) }

    /// The stem of one normalised token; non-Arabic tokens are returned unchanged.
    public static func stem(_ token: Substring) -> Substring {
        let scalars = Array(token.unicodeScalars)
        let bounds = scalars.withUnsafeBufferPointer { stemBounds(of: $0) }
        if bounds == scalars.indices { return token }
        return Substring(String(String.UnicodeScalarView(scalars[bounds])))
    }

    /// The hash (`TokenScanner.hash`) of a normalised token's light stem: how the classifier's features and word
    /// lists look words up.
    @inlinable
    public static func stemHash(of token: UnsafeBufferPointer<Unicode.Scalar>) -> UInt64 {
        TokenScanner.hash(UnsafeBufferPointer(rebasing: token[stemBounds(of: token)]))
    }

    /// Where the stem of a normalised token lies within it (the whole token when nothing is stripped).
    @inlinable
    public static func stemBounds(of token: UnsafeBufferPointer<Unicode.Scalar>) -> Range<Int> {
        let count = token.count
        guard count > 3, ArabicNormalizer.isArabicLetter(token[0]) else { return 0..<count }
        var start = 0
        var end = count
        for prefix in prefixes where end - prefix.count >= 3 && matches(prefix, in: token, at: 0) {
            // A bare one-letter prefix is stripped only from words long enough to still be words.
            if prefix.count == 1 && end < 5 { continue }
            start = prefix.count
            break
        }
        for suffix in suffixes
        where end - start - suffix.count >= 3 && matches(suffix, in: token, at: end - suffix.count) {
            end -= suffix.count
            break
        }
        return start..<end
    }

    @inlinable
    static func matches(_ affix: [Unicode.Scalar], in token: UnsafeBufferPointer<Unicode.Scalar>, at offset: Int)
        -> Bool
    {
        for index in affix.indices where token[offset + index] != affix[index] { return false }
        return true
    }
}
