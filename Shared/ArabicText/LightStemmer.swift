/// A light Arabic stemmer: strips one common prefix (و ف ب ك ل ال وال بال كال فال لل) and one common suffix
/// (ها هم هن ات ون ين ان يه يه ه ي), keeping at least three letters. Works on normalised text (ة already ه).
/// Light stemming groups "الانتخابات" with "انتخابات" without the errors of root extraction.
public enum LightStemmer {
    private static let prefixes: [[Unicode.Scalar]] = ["وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ك", "ل"]
        .map { Array($0.unicodeScalars) }
    private static let suffixes: [[Unicode.Scalar]] = ["ها", "هم", "هن", "ات", "ون", "ين", "ان", "يه", "ه", "ي"]
        .map { Array($0.unicodeScalars) }

    /// The stem of one normalised token; non-Arabic tokens are returned unchanged.
    public static func stem(_ token: Substring) -> Substring {
        let scalars = Array(token.unicodeScalars)
        guard scalars.count > 3, let first = scalars.first, ArabicNormalizer.isArabicLetter(first) else { return token }
        var start = 0
        var end = scalars.count
        for prefix in prefixes where end - prefix.count >= 3 && scalars.starts(with: prefix) {
            // A bare one-letter prefix is stripped only from words long enough to still be words.
            if prefix.count == 1 && end < 5 { continue }
            start = prefix.count
            break
        }
        for suffix in suffixes
        where end - start - suffix.count >= 3
            && scalars[start..<end].reversed().starts(
                with: suffix.reversed()
            )
        {
            end -= suffix.count
            break
        }
        if start == 0 && end == scalars.count { return token }
        return Substring(String(String.UnicodeScalarView(scalars[start..<end])))
    }
}
