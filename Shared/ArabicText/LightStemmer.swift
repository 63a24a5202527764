/// A light Arabic stemmer: strips one common prefix (و ف ب ك ل ال وال بال كال فال لل) and one common suffix
/// (ها هم هن ات ون ين ان يه ه ي), keeping at least three letters. Works on normalised text (ة already ه).
/// Light stemming groups "الانتخابات" with "انتخابات" without the errors of root extraction.
public enum LightStemmer {
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

    /// Where the stem of a normalised token lies within it (the whole token when nothing is stripped). The affixes
    /// of the type's comment, tried in that order, written out as comparisons: this runs for every word the classifier reads.
    @inlinable
    public static func stemBounds(of token: UnsafeBufferPointer<Unicode.Scalar>) -> Range<Int> {
        let count = token.count
        guard count > 3, ArabicNormalizer.isArabicLetter(token[0]) else { return 0..<count }
        let alef: UInt32 = 0x0627, lam: UInt32 = 0x0644, waw: UInt32 = 0x0648, fa: UInt32 = 0x0641
        let ba: UInt32 = 0x0628, kaf: UInt32 = 0x0643, ha: UInt32 = 0x0647, ya: UInt32 = 0x064A
        let ta: UInt32 = 0x062A, mim: UInt32 = 0x0645, nun: UInt32 = 0x0646
        let first = token[0].value, second = token[1].value, third = token[2].value
        let conjunction = first == waw || first == fa || first == ba || first == kaf
        var start = 0
        if count - 3 >= 3 && conjunction && second == alef && third == lam {
            start = 3  // وال بال كال فال
        } else if count - 2 >= 3 && (first == lam || first == alef) && second == lam {
            start = 2  // لل ال
        } else if count >= 5 && (conjunction || first == lam) {
            start = 1  // و ف ب ك ل, from words long enough to still be words
        }
        var end = count
        let last = token[count - 1].value, before = token[count - 2].value
        if end - start - 2 >= 3 {
            let strip =
                (before == ha && (last == alef || last == mim || last == nun))  // ها هم هن
                || (last == nun && (before == waw || before == ya || before == alef))  // ون ين ان
                || (before == alef && last == ta) || (before == ya && last == ha)  // ات يه
            if strip { return start..<(end - 2) }
        }
        if end - start - 1 >= 3 && (last == ha || last == ya) { end -= 1 }  // ه ي
        return start..<end
    }
}
