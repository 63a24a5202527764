/// The form of text that Nashra indexes and searches: normalised (`ArabicNormalizer`), tokenised, and lightly
/// stemmed (`LightStemmer`), tokens joined by spaces. Indexing the folded form is what makes SQLite's FTS5 fold
/// Arabic, which its own `unicode61 remove_diacritics` does not: a query without diacritics, with another
/// hamza/alef/yaa/taa-marbuta form, or without «ال», finds the article.
///
/// Function words (`ArabicStopWords`, a quarter of the words of news prose) are neither indexed nor searched:
/// queries are conjunctions of terms, never phrases, so they would only slow every write and every common query.
public enum SearchText {
    /// The indexed form of a text: its stems, space-separated (one pass; UTF-8 written straight into a buffer).
    public static func indexForm(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        TokenScanner.forEachToken(in: text) { token in
            guard !ArabicStopWords.contains(token) else { return }
            if !bytes.isEmpty { bytes.append(0x20) }
            appendStem(of: token, to: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The terms of a text, in order.
    public static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        var bytes: [UInt8] = []
        TokenScanner.forEachToken(in: text) { token in
            guard !ArabicStopWords.contains(token) else { return }
            bytes.removeAll(keepingCapacity: true)
            appendStem(of: token, to: &bytes)
            terms.append(String(decoding: bytes, as: UTF8.self))
        }
        return terms
    }

    /// The hashes of the stems of a text's terms, for `containsTerm(_:of:)`.
    public static func termHashes(_ text: String) -> Set<UInt64> {
        var hashes = Set<UInt64>()
        TokenScanner.forEachToken(in: text) { token in
            if !ArabicStopWords.contains(token) { hashes.insert(LightStemmer.stemHash(of: token)) }
        }
        return hashes
    }

    /// Whether any token of `word` has its stem among `hashes` (highlighting matched words in a snippet): one
    /// pass over the word's scalars (a word fits in a small string, which needs no allocation).
    public static func containsTerm(_ word: Substring, of hashes: Set<UInt64>) -> Bool {
        var found = false
        TokenScanner.forEachToken(in: String(word)) { token in
            if !found, hashes.contains(LightStemmer.stemHash(of: token)) { found = true }
        }
        return found
    }

    /// How many of a text's tokens are terms of `hashes`: one scan of the text (a search's snippet counts each
    /// paragraph's matches this way before it splits the best one into words).
    public static func countTerms(in text: String, of hashes: Set<UInt64>) -> Int {
        var count = 0
        TokenScanner.forEachToken(in: text) { token in
            if hashes.contains(LightStemmer.stemHash(of: token)) { count += 1 }
        }
        return count
    }

    /// Appends the UTF-8 of a token's light stem.
    static func appendStem(of token: UnsafeBufferPointer<Unicode.Scalar>, to bytes: inout [UInt8]) {
        for index in LightStemmer.stemBounds(of: token) { UTF8Bytes.append(token[index], to: &bytes) }
    }

    /// An FTS5 query matching every term of `query` (each quoted, so no query syntax reaches SQLite), or nil when
    /// the query has no terms.
    public static func matchExpression(_ query: String) -> String? {
        let terms = terms(String(query.prefix(200))).prefix(12)
        guard !terms.isEmpty else { return nil }
        return terms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "") + "\"" }.joined(separator: " ")
    }
}
