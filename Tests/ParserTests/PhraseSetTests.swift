import Testing

@testable import Parser

/// The one-pass phrase matcher the extractor asks of every short text node, and the date-label check beside it.
@Suite("Phrases found in one pass, date labels trimmed by hand") struct PhraseSetTests {
    let phrases = PhraseSet(["نشر", "نُشر", "بتاريخ", "آخر تحديث", "Published", "Stand:", "©"])

    @Test("a phrase anywhere, with diacritics as written, Arabic letters that share a first byte kept apart")
    func finds() {
        #expect(phrases.occurs(in: "نُشر في ٢٣ نوفمبر ٢٠٢٥"))
        #expect(phrases.occurs(in: "الخبر كما ورد بتاريخ ٢٣-١١-٢٠٢٥"))
        #expect(phrases.occurs(in: "القاهرة - آخر تحديث"))
        #expect(phrases.occurs(in: "Stand: 03.11.2021"))
        #expect(phrases.occurs(in: "© 2025"))
        // «ن» and «ب», «آ» and «ت» begin with the same UTF-8 byte: only a whole phrase counts.
        #expect(!phrases.occurs(in: "بتاري"))
        #expect(!phrases.occurs(in: "آخر تحدي"))
        #expect(!phrases.occurs(in: "نـشـر"))  // tatweel between the letters: not the phrase as written
        #expect(!phrases.occurs(in: "published"))  // case as written
        #expect(!phrases.occurs(in: ""))
        #expect(!PhraseSet([]).occurs(in: "نشر"))
    }

    @Test("the same answers as one byte-wise search per phrase, on every cut of a real line")
    func agreesWithSearchingEachPhrase() {
        let line = "نُشر بتاريخ ٢٣ نوفمبر ٢٠٢٥ - آخر تحديث: Published Stand: ©"
        let list = ["نشر", "نُشر", "بتاريخ", "آخر تحديث", "Published", "Stand:", "©", "٢٠٢٥ -"]
        let set = PhraseSet(list)
        let scalars = Array(line.unicodeScalars)
        for start in scalars.indices {
            for end in start...scalars.count {
                var text = ""
                text.unicodeScalars.append(contentsOf: scalars[start..<end])
                #expect(set.occurs(in: text) == list.contains { MainTextScorer.contains(text, $0) }, "\(text)")
            }
        }
    }

    @Test("a label alone in its element, white space and no-break spaces around it; not a label with its date")
    func dateLabels() {
        #expect(ArticleExtractor.isDateLabel("تاريخ النشر:"))
        #expect(ArticleExtractor.isDateLabel("\n   تاريخ النشر:  "))
        #expect(ArticleExtractor.isDateLabel("\u{00A0}Datum\u{00A0}"))
        #expect(ArticleExtractor.isDateLabel("\tالتاريخ\n"))
        #expect(!ArticleExtractor.isDateLabel("تاريخ النشر: ٢٣ نوفمبر ٢٠٢٥"))
        #expect(!ArticleExtractor.isDateLabel("   \n "))
        #expect(!ArticleExtractor.isDateLabel(""))
        #expect(!ArticleExtractor.isDateLabel(String(repeating: " ", count: 60) + "Datum"))
    }
}
