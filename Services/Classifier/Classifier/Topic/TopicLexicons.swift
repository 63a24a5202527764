import ArabicText
import NashraHashing

/// Word lists whose members share one feature each (`TopicFeatures.lexiconFeatures`): the places of a region
/// (`PlaceLexicon`) and the seed words of a section (`TopicSeeds`). A model learns a rare word only from the
/// few articles that use it; a list's feature is learned from every article that uses any of its words, so an
/// unseen outlet's story about a place or a subject the training outlets rarely covered still gets its weight.
enum TopicLexicons {
    /// The feature key of each light stem's hash (`TokenScanner.hash` of the stem) that is in a list.
    static let features = HashTable(
        stemTable(
            Dictionary(
                uniqueKeysWithValues: PlaceLexicon.words.map { (TokenScanner.hash("place:" + $0.key), $0.value) }
                    + TopicSeeds.words.map { (TokenScanner.hash("seed:" + $0.key), $0.value) }
            )
        ).map { ($0.key, $0.value) }
    )

    @inline(__always)
    static func feature(ofStem hash: UInt64) -> UInt64? { features[hash] }
}

/// The light stems (`LightStemmer`, hashed by `TokenScanner.hash`) of each list's words, mapped to the list's key:
/// how every word list of the classifier is looked up.
func stemTable<Key>(_ lists: [Key: String]) -> [UInt64: Key] {
    var table: [UInt64: Key] = [:]
    for (key, text) in lists {
        TokenScanner.forEachToken(in: text) { token in
            table[LightStemmer.stemHash(of: token)] = key
        }
    }
    return table
}
