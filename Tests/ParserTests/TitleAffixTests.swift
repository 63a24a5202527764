import Parser
import Testing

/// An outlet's affix learned from its headlines: a name no page states (so `Headline` cannot know it) but that
/// the outlet puts on every headline.
@Suite("Headline affixes learned per outlet") struct TitleAffixTests {
    @Test("a suffix on most of an outlet's headlines goes from the third on; written two ways it counts once")
    func learnedSuffix() {
        let affixes = TitleAffixes()
        let served = [
            "ارتفاع أسعار الذهب في مصر اليوم - بوابة الفجر الإخبارية",
            "وزير الصحة يتفقد مستشفى الجامعة - بوابة الفجر الاخبارية",  // hamza dropped, as some pages write it
            "الأهلي يفوز على الزمالك في القمة - بوابـة الفجـر الإخبارية",  // tatweel
            "انخفاض درجات الحرارة غداً - بوابة الفجر الإخبارية",
        ]
        let shown = served.map { affixes.strip($0, outlet: "elfagr") }
        #expect(shown[0] == served[0] && shown[1] == served[1], "two headlines are not yet a pattern")
        #expect(shown[2] == "الأهلي يفوز على الزمالك في القمة")
        #expect(shown[3] == "انخفاض درجات الحرارة غداً")
        // Another outlet has learned nothing.
        #expect(affixes.strip(served[3], outlet: "other") == served[3])
    }

    @Test("a prefix learned the same way; what is left keeps its own separators")
    func learnedPrefix() {
        let affixes = TitleAffixes()
        for title in ["المدينة نيوز :: خبر أول عن الاقتصاد", "المدينة نيوز :: خبر ثان عن الرياضة"] {
            _ = affixes.strip(title, outlet: "madina")
        }
        #expect(
            affixes.strip("المدينة نيوز :: أميركا: 50 ألفاً - تقرير", outlet: "madina") == "أميركا: 50 ألفاً - تقرير"
        )
    }

    @Test("the same headline fetched again, a word on some headlines, a long segment: nothing is cut")
    func notAnAffix() {
        let affixes = TitleAffixes()
        let story = "قمة القاهرة للسلام - البيان الختامي"
        for _ in 0..<5 { #expect(affixes.strip(story, outlet: "a") == story, "one headline read five times") }

        let breaking = TitleAffixes()
        var titles = (1...6).map { "خبر رقم \($0) عن الاقتصاد المصري" }
        titles += (1...3).map { "عاجل - حادث رقم \($0) على الطريق الدائري" }
        let last = titles.map { breaking.strip($0, outlet: "b") }.last
        #expect(last == "عاجل - حادث رقم 3 على الطريق الدائري", "«عاجل» on three of nine headlines is news")

        let long = TitleAffixes()
        let tail = " - تغطية خاصة لأحداث الأسبوع في مصر والعالم العربي"
        let shown = (1...4).map { long.strip("خبر رقم \($0) اليوم" + tail, outlet: "c") }
        #expect(shown.last == "خبر رقم 4 اليوم" + tail, "eight words are not a name")
    }

    @Test("a headline that is only the affix and one word stays whole")
    func keepsTwoWords() {
        let affixes = TitleAffixes()
        for n in 1...3 { _ = affixes.strip("خبر رقم \(n) - صدى البلد", outlet: "d") }
        #expect(affixes.strip("عاجل - صدى البلد", outlet: "d") == "عاجل - صدى البلد")
    }
}
