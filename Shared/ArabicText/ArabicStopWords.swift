import NashraHashing

/// Arabic function words that carry no topic: prepositions, conjunctions, pronouns, demonstratives, relatives,
/// auxiliaries and the reporting verbs of news prose ("قال", "اضاف", "وفق"). Listed in their normalised form
/// (alef forms folded, ى → ي, ة → ه) so that a token from `TokenScanner` is looked up as is.
/// The classifier drops them from word features, and search neither indexes nor searches them (`SearchText`).
public enum ArabicStopWords {
    public static let words: Set<String> = Set(
        """
        في من الي علي عن مع عند لدي منذ حتي خلال بين ضد نحو حول دون عبر لدى بعد قبل امام خلف فوق تحت وراء
        و ف ثم او ام بل لكن لكن لا لم لن ما ماذا متي اين كيف كم هل اذا اذ ان انه انها انهم كان كانت كانوا يكون تكون
        ليس ليست لست قد لقد سوف سي هو هي هم هن هما انت انتم انا نحن اياه اياها له لها لهم لنا لي به بها بهم
        فيه فيها فيهم منه منها منهم عليه عليها عليهم اليه اليها اليهم عنه عنها عنهم معه معها
        هذا هذه هذان هاتان هولاء ذلك تلك اولئك هناك هنا الذي التي الذين اللذان اللتان اللواتي اللاتي
        كل بعض غير سوي جميع ايضا فقط حيث عندما بينما كما مثل لان لكي كي حين اي ايه اما الا الا
        قال قالت يقول تقول اضاف اضافت وفق وفقا بحسب حسب اكد اكدت اشار اشارت اوضح اوضحت ذكر ذكرت
        وقال وقالت واضاف واضافت واكد واشار واوضح وذكر وكان وكانت وهو وهي وهم ولا ولم ولن وقد وفي ومن وعلي والي
        عام اليوم امس يوم الان تم يتم ذات مدي
        """.split(whereSeparator: \.isWhitespace).map(String.init)
    )

    @usableFromInline static let hashes = HashTable(members: words.map { TokenScanner.hash($0) })

    /// Whether a normalised token (from `TokenScanner`) is a stop word.
    @inlinable
    public static func contains(_ token: UnsafeBufferPointer<Unicode.Scalar>) -> Bool {
        token.count <= 7 && hashes.contains(TokenScanner.hash(token))
    }

    /// The same for a token of `count` scalars whose `TokenScanner.hash` is known.
    @inlinable
    public static func contains(hash: UInt64, count: Int) -> Bool {
        count <= 7 && hashes.contains(hash)
    }
}
