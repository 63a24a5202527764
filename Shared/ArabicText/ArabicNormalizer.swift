/// The one Arabic normalisation of Nashra, shared by search, dedup keys and the classifier, so that the same
/// word written two ways is the same key everywhere.
///
/// Steps, in order, on Unicode scalars (one pass, no intermediate strings):
/// - diacritics (tashkeel U+064B–U+065F, superscript alef U+0670, Quranic marks U+06D6–U+06ED) and tatweel
///   (U+0640) are removed;
/// - alef forms أ إ آ ٱ → ا; ى → ي; ؤ → و, ئ → ي (hamza on a seat folds to the seat); ة → ه (configurable);
/// - Arabic-Indic (٠–٩) and Persian (۰–۹) digits → ASCII digits;
/// - Persian/Urdu letters ک → ك, ی → ي;
/// - Arabic punctuation (، ؛ ؟ « » ٪) → its Latin counterpart, Latin letters lower-cased.
public struct ArabicNormalizer: Sendable {
    /// Fold ة to ه (on for search and dedup; a display path would keep it).
    public var foldTaMarbuta: Bool

    public init(foldTaMarbuta: Bool = true) {
        self.foldTaMarbuta = foldTaMarbuta
    }

    public static let standard = ArabicNormalizer()

    /// Returns the normalised form of `text`.
    public func normalize(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        output.reserveCapacity(text.unicodeScalars.underestimatedCount)
        for scalar in text.unicodeScalars {
            if let folded = fold(scalar) { output.append(folded) }
        }
        return String(output)
    }

    /// The folded form of one scalar, or nil when it is dropped.
    @inlinable @inline(__always)
    public func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        switch value {
        case 0x41...0x5A: return Unicode.Scalar(value + 0x20)
        case 0..<0x80: return scalar
        case 0x064B...0x065F, 0x0670, 0x06D6...0x06ED, 0x0640: return nil
        case 0x0622, 0x0623, 0x0625, 0x0671, 0x0672, 0x0673: return "\u{0627}"
        case 0x0649, 0x06CC, 0x0626: return "\u{064A}"
        case 0x0624: return "\u{0648}"
        case 0x0629: return foldTaMarbuta ? "\u{0647}" : scalar
        case 0x06A9: return "\u{0643}"
        case 0x0660...0x0669: return Unicode.Scalar(value - 0x0660 + 0x30)
        case 0x06F0...0x06F9: return Unicode.Scalar(value - 0x06F0 + 0x30)
        case 0x060C: return ","
        case 0x061B: return ";"
        case 0x061F: return "?"
        case 0x066A: return "%"
        case 0x00AB, 0x00BB: return "\""
        case 0x200C...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: return nil  // joiners and bidi controls
        default: return scalar
        }
    }

    /// `fold` and `ArabicTokenizer.isWordScalar` of every scalar below U+0700 (ASCII, Latin-1, Arabic), computed
    /// from them once: the folded value, with `Self.wordFlag` set for a word scalar, or `Self.dropped`. The
    /// tokenizer's loop reads one entry per scalar instead of a switch and a range test.
    public static let tableSize = 0x0700
    public static let dropped = UInt32.max
    public static let wordFlag: UInt32 = 1 << 30
    public static let foldTable = table(ArabicNormalizer(foldTaMarbuta: true))
    public static let foldTableKeepingTaMarbuta = table(ArabicNormalizer(foldTaMarbuta: false))

    static func table(_ normalizer: ArabicNormalizer) -> [UInt32] {
        (0..<UInt32(tableSize)).map { value in
            guard let folded = Unicode.Scalar(value).flatMap(normalizer.fold) else { return dropped }
            return folded.value | (ArabicTokenizer.isWordScalar(folded) ? wordFlag : 0)
        }
    }

    /// Whether `scalar` is an Arabic letter (after folding), used to tell Arabic text from other scripts.
    @inlinable
    public static func isArabicLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0621...0x063A, 0x0641...0x064A, 0x0671...0x06D3, 0x06FA...0x06FF, 0xFB50...0xFDFF, 0xFE70...0xFEFC:
            return true
        default:
            return false
        }
    }
}

/// Splits normalised text into word tokens: runs of letters and digits (Arabic or Latin); everything else separates.
public enum ArabicTokenizer {
    public static func tokens(_ normalizedText: String) -> [Substring] {
        normalizedText.unicodeScalars.split { !isWordScalar($0) }.map { Substring($0) }
    }

    /// Whether a (normalised) scalar belongs to a word: ASCII letters and digits and the Arabic letters take a
    /// fast path; other scripts are asked of Unicode (alphabetic, or a decimal digit).
    @inlinable @inline(__always)
    public static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value &- 0x30 < 10 || (value | 0x20) &- 0x61 < 26 }
        if value &- 0x0621 <= 0x064A - 0x0621 { return true }
        return isOtherWordScalar(scalar)
    }

    @usableFromInline
    static func isOtherWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
    }
}
