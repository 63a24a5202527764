/// The form of text that Nashra indexes and searches: normalised (`ArabicNormalizer`), tokenised, and lightly
/// stemmed (`LightStemmer`), tokens joined by spaces. Indexing the folded form is what makes SQLite's FTS5 fold
/// Arabic, which its own `unicode61 remove_diacritics` does not: a query without diacritics, with another
/// hamza/alef/yaa/taa-marbuta form, or without «ال», finds the article.
public enum SearchText {
    /// The indexed form of a text.
    public static func indexForm(_ text: String) -> String {
        terms(text).joined(separator: " ")
    }

    /// The terms of a text, in order.
    public static func terms(_ text: String) -> [String] {
        ArabicTokenizer.tokens(ArabicNormalizer.standard.normalize(text)).map { String(LightStemmer.stem($0)) }
    }

    /// An FTS5 query matching every term of `query` (each quoted, so no query syntax reaches SQLite), or nil when
    /// the query has no terms.
    public static func matchExpression(_ query: String) -> String? {
        let terms = terms(String(query.prefix(200))).prefix(12)
        guard !terms.isEmpty else { return nil }
        return terms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "") + "\"" }.joined(separator: " ")
    }
}
