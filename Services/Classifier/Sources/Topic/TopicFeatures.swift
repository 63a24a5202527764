import ArabicText
import NashraHashing

/// The features of an article for the topic model: hashed into `1 << bits` buckets ("the hashing trick", as in
/// Vowpal Wabbit and scikit-learn's HashingVectorizer), so there is no vocabulary to store or to miss.
///
/// From the normalised text (`TokenScanner`, the one Arabic normaliser):
/// - word unigrams of the light stems (`LightStemmer`), stop words dropped;
/// - optionally, word bigrams of consecutive kept stems (off by default: on outlets the model never saw they
///   score the same as without, and cost a tenth of the speed; `bench/classify.sh --ablation`);
/// - character n-grams (`charGrams`, e.g. 3 and 4) of each normalised word with its boundaries marked, which
///   catch morphology the light stemmer misses (broken plurals, attached pronouns) and names spelled two ways;
/// - title words again in their own family, since a headline says more about the topic than a paragraph;
/// - with `lexiconFeatures`, one shared feature per word list for each word in it (`TopicLexicons`: the places
///   of a region, the seed words of a section).
/// Every occurrence weighs `1/sqrt(n)` for an article of `n` occurrences, so long and short articles compare.
/// Only the first `maximumTokens` words of the body count: the topic of a news story is in its opening.
public struct TopicFeatures: Sendable, Codable, Equatable {
    public var bits: Int
    public var wordBigrams: Bool
    public var charGrams: [Int]
    public var maximumTokens: Int
    public var lexiconFeatures: Bool

    public init(
        bits: Int = 20,
        wordBigrams: Bool = false,
        charGrams: [Int] = [],
        maximumTokens: Int = 400,
        lexiconFeatures: Bool = true
    ) {
        self.bits = bits
        self.wordBigrams = wordBigrams
        self.charGrams = charGrams
        self.maximumTokens = maximumTokens
        self.lexiconFeatures = lexiconFeatures
    }

    /// Model files written before a feature existed decode with it off, so they score as they were trained.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bits = try container.decode(Int.self, forKey: .bits)
        wordBigrams = try container.decode(Bool.self, forKey: .wordBigrams)
        charGrams = try container.decode([Int].self, forKey: .charGrams)
        maximumTokens = try container.decode(Int.self, forKey: .maximumTokens)
        lexiconFeatures = try container.decodeIfPresent(Bool.self, forKey: .lexiconFeatures) ?? false
    }

    public var dimension: Int { 1 << bits }

    /// The bucket indices of an article, one per occurrence (repeats allowed), written into `indices`: the
    /// headline's first, then the body's. Returns how many are the headline's.
    @discardableResult
    public func extract(title: String, text: String, into indices: inout [UInt32]) -> Int {
        var title = title
        var text = text
        title.makeContiguousUTF8()
        text.makeContiguousUTF8()
        let headline = title.utf8.withContiguousStorageIfAvailable { title in
            text.utf8.withContiguousStorageIfAvailable { text in
                extract(titleUTF8: title, textUTF8: text, into: &indices)
            }
        }
        return (headline ?? nil) ?? 0
    }

    /// The same from UTF-8 bytes (`TokenScanner.forEachToken(inUTF8:)`: what is not UTF-8 reads as U+FFFD).
    @discardableResult
    public func extract(
        titleUTF8 title: UnsafeBufferPointer<UInt8>,
        textUTF8 text: UnsafeBufferPointer<UInt8>,
        into indices: inout [UInt32]
    ) -> Int {
        indices.removeAll(keepingCapacity: true)
        let mask = UInt64(dimension - 1)
        add(title, family: 0x5449_544c, limit: 64, mask: mask, into: &indices)
        let headline = indices.count
        add(text, family: 0x424f_4459, limit: maximumTokens, mask: mask, into: &indices)
        return headline
    }

    /// The weight of each occurrence for an article of `count` occurrences.
    @inline(__always)
    public static func occurrenceWeight(_ count: Int) -> Float {
        count == 0 ? 0 : 1 / Float(count).squareRoot()
    }

    private func add(
        _ text: UnsafeBufferPointer<UInt8>,
        family: UInt64,
        limit: Int,
        mask: UInt64,
        into indices: inout [UInt32]
    ) {
        var previous: UInt64 = 0
        let titleFamily = family == 0x5449_544c
        TokenScanner.forEachToken(inUTF8: text, limit: limit) { token in
            for n in charGrams { addCharGrams(token, n: n, mask: mask, into: &indices) }
            guard !ArabicStopWords.contains(token) else { return }
            let stem = LightStemmer.stemHash(of: token)
            indices.append(UInt32(truncatingIfNeeded: mix(stem) & mask))
            if lexiconFeatures, let key = TopicLexicons.feature(ofStem: stem) {
                indices.append(UInt32(truncatingIfNeeded: mix(key) & mask))
            }
            if titleFamily { indices.append(UInt32(truncatingIfNeeded: mix(stem ^ family) & mask)) }
            if wordBigrams && previous != 0 {
                indices.append(UInt32(truncatingIfNeeded: mix(previous &* 31 ^ stem ^ 0x4247) & mask))
            }
            previous = stem
        }
    }

    /// Character n-grams of `^token$`, hashed with a rolling FNV over each window.
    @inline(__always)
    private func addCharGrams(
        _ token: UnsafeBufferPointer<Unicode.Scalar>,
        n: Int,
        mask: UInt64,
        into indices: inout [UInt32]
    ) {
        let length = token.count + 2
        guard length >= n else { return }
        for start in 0...(length - n) {
            var value = FNV1a.offsetBasis ^ UInt64(n)
            for position in start..<(start + n) {
                let scalar: UInt32 = position == 0 ? 0x5E : position == length - 1 ? 0x24 : token[position - 1].value
                value = FNV1a.mix(value, UInt64(scalar))
            }
            indices.append(UInt32(truncatingIfNeeded: mix(value) & mask))
        }
    }

    /// Every bit of the hash reaches the low bits used as a bucket.
    @inline(__always)
    private func mix(_ value: UInt64) -> UInt64 { SplitMix.finalize(value) }
}
