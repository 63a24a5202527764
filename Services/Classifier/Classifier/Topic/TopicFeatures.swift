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

    /// The bucket indices of an article, one per occurrence (repeats allowed), written into `scratch.indices`:
    /// the headline's first, then the body's. Returns how many are the headline's.
    @discardableResult
    public func extract(title: String, text: String, into scratch: inout FeatureScratch) -> Int {
        var title = title
        var text = text
        title.makeContiguousUTF8()
        text.makeContiguousUTF8()
        let headline = title.utf8.withContiguousStorageIfAvailable { title in
            text.utf8.withContiguousStorageIfAvailable { text in
                extract(titleUTF8: title, textUTF8: text, into: &scratch)
            }
        }
        return (headline ?? nil) ?? 0
    }

    /// The same from UTF-8 bytes (`TokenScanner.forEachToken(inUTF8:)`: what is not UTF-8 reads as U+FFFD).
    @discardableResult
    public func extract(
        titleUTF8 title: UnsafeBufferPointer<UInt8>,
        textUTF8 text: UnsafeBufferPointer<UInt8>,
        into scratch: inout FeatureScratch
    ) -> Int {
        scratch.prepare(for: self)
        add(title, title: true, limit: 64, into: &scratch)
        let headline = scratch.indices.count
        add(text, title: false, limit: maximumTokens, into: &scratch)
        return headline
    }

    /// The weight of each occurrence for an article of `count` occurrences.
    @inline(__always)
    public static func occurrenceWeight(_ count: Int) -> Float {
        count == 0 ? 0 : 1 / Float(count).squareRoot()
    }

    static let titleFamily: UInt64 = 0x5449_544c

    private func add(_ text: UnsafeBufferPointer<UInt8>, title: Bool, limit: Int, into scratch: inout FeatureScratch) {
        var previous: UInt64 = 0
        let mask = UInt64(dimension - 1)
        let charGrams = charGrams
        scratch.withParts { indices, memo in
            TokenScanner.forEachToken(inUTF8: text, limit: limit) { token in
                for n in charGrams { addCharGrams(token, n: n, mask: mask, into: &indices) }
                let word = memo.word(token, features: self)
                guard !word.isStopWord else { return }
                indices.append(word.stemBucket)
                if word.listBucket != WordBuckets.none { indices.append(word.listBucket) }
                if title { indices.append(word.titleBucket) }
                if wordBigrams && previous != 0 {
                    indices.append(UInt32(truncatingIfNeeded: mix(previous &* 31 ^ word.stem ^ 0x4247) & mask))
                }
                previous = word.stem
            }
        }
    }

    /// The buckets of one word: computed from its light stem (`LightStemmer`) and the word lists.
    func buckets(of token: UnsafeBufferPointer<Unicode.Scalar>, hash: UInt64) -> WordBuckets {
        guard !ArabicStopWords.contains(hash: hash, count: token.count) else {
            return WordBuckets(key: hash, isStopWord: true)
        }
        let mask = UInt64(dimension - 1)
        let stem = LightStemmer.stemHash(of: token)
        var list = WordBuckets.none
        if lexiconFeatures, let key = TopicLexicons.feature(ofStem: stem) {
            list = UInt32(truncatingIfNeeded: mix(key) & mask)
        }
        return WordBuckets(
            key: hash,
            stem: stem,
            stemBucket: UInt32(truncatingIfNeeded: mix(stem) & mask),
            listBucket: list,
            titleBucket: UInt32(truncatingIfNeeded: mix(stem ^ Self.titleFamily) & mask),
            isStopWord: false
        )
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

/// A word's feature buckets, as `TopicFeatures` adds them for each occurrence.
struct WordBuckets: Sendable {
    static let none = UInt32.max

    /// The word's `TokenScanner.hash`.
    var key: UInt64
    /// The light stem's hash (for bigrams).
    var stem: UInt64 = 0
    var stemBucket: UInt32 = 0
    /// The bucket of the word list the stem is in, or `none`.
    var listBucket: UInt32 = none
    var titleBucket: UInt32 = 0
    var isStopWord = false
}

/// Scratch space for `TopicFeatures.extract`, reused from one article to the next: the indices of the last
/// article, and a memo of each word's buckets keyed by the word's 64-bit hash. A news vocabulary is Zipfian (the
/// 32,768 slots of the memo hold the words of most occurrences), so a word seen before costs one lookup instead of
/// the stop-word test, the light stemmer, the word lists and three hashes. A slot holds one word; a word whose
/// slot another took is computed again. Not shared between threads: each loop keeps its own.
public struct FeatureScratch: Sendable {
    public fileprivate(set) var indices: [UInt32] = []
    private var memo: WordMemo

    /// `memo: false` for a single article, where filling the memo would cost more than it saves.
    public init(memo: Bool = true) {
        indices.reserveCapacity(2048)
        self.memo = WordMemo(slots: memo ? 1 << 15 : 0)
    }

    fileprivate mutating func prepare(for features: TopicFeatures) {
        indices.removeAll(keepingCapacity: true)
        memo.prepare(for: features)
    }

    fileprivate mutating func withParts(_ body: (inout [UInt32], inout WordMemo) -> Void) {
        body(&indices, &memo)
    }
}

/// The memo of `FeatureScratch`: a direct-mapped table (slot = low bits of the word's hash).
private struct WordMemo: Sendable {
    private var slots: [WordBuckets]
    /// The features the memo's buckets belong to (a scratch used with another model starts again).
    private var features: TopicFeatures?

    init(slots count: Int) {
        slots = Array(repeating: WordBuckets(key: 0), count: count)
    }

    mutating func prepare(for features: TopicFeatures) {
        guard !slots.isEmpty, self.features != features else { return }
        for index in slots.indices { slots[index] = WordBuckets(key: 0) }
        self.features = features
    }

    @inline(__always)
    mutating func word(_ token: UnsafeBufferPointer<Unicode.Scalar>, features: TopicFeatures) -> WordBuckets {
        let hash = TokenScanner.hash(token)
        guard !slots.isEmpty else { return features.buckets(of: token, hash: hash) }
        let slot = Int(truncatingIfNeeded: hash ^ hash >> 32) & (slots.count - 1)
        if slots[slot].key == hash && hash != 0 { return slots[slot] }
        let buckets = features.buckets(of: token, hash: hash)
        slots[slot] = buckets
        return buckets
    }
}
