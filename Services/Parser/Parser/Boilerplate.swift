import ArabicText
import Foundation

/// The text-level rules of the main-text extractor: sentences and lines that are never the story whatever their
/// markup (aggregators' notices, related-links headings, credits, date and category lines), and the check that an
/// `<h1>` is the article's headline.
extension MainTextScorer {
    /// Sentences of aggregators and news sites that are never the article, whatever their markup: the report
    /// notice, "read the original", "read also", copyright and follow-us lines (short blocks only).
    static let boilerplatePhrases = PhraseSet([
        "شكرا على الإبلاغ", "شكرا على الابلاغ", "انقر هنا لقراءة الخبر", "اقرأ أيضا", "اقرأ أيضاً", "اقرا ايضا",
        "جميع الحقوق محفوظة", "تابعونا على", "للمزيد من الأخبار", "لا تعبر عن رأي", "لا تعبر بالضرورة عن رأي",
        "لا تعبّر عن رأي", "إرشادات الاستخدام", "Read more", "All rights reserved",
        // The same notices in the languages of the international outlets Nashra also follows.
        "Related Coverage", "Related Articles", "Related articles", "You may also like", "This entry was posted",
        "Lesen Sie auch", "Das könnte Sie auch interessieren", "Das könnte dich auch interessieren",
        "Das könnte Dich auch interessieren", "Verwandte Beiträge", "Verwandte Artikel", "Mehr zum Thema",
        "Weiterlesen", "weiterlesen", "Kommentare schreiben", "Lire aussi", "À lire aussi", "Artículos relacionados",
        "Leer más", "Weiterführende Links", "Weiterführender Link", "Neueste Artikel", "Externer Inhalt",
    ])

    /// Words of a site's own notices (comment policy, privacy, terms of use), which can run to a few hundred
    /// characters: CNN Arabic ends its articles with «ترحب شبكة CNN بالنقاش الحيوي والمفيد، وكي لا نضطر … إلى
    /// مراجعة التعليقات قبل نشرها. ننصحك بمراجعة إرشادات الاستخدام … سياسة الخصوصية … شروط استخدام الموقع».
    /// One of them can occur in a story (a law on privacy); a paragraph with two or more is a notice.
    static let noticePhrases = [
        "مراجعة التعليقات", "إرشادات الاستخدام", "سياسة الخصوصية", "شروط استخدام", "شروط الاستخدام",
        "بالنقاش الحيوي", "قواعد النشر", "التعليقات المنشورة", "Community Guidelines", "Privacy Policy",
        "Terms of Use", "Terms of Service",
    ]

    /// Whether a paragraph (under 600 characters) is a site's notice: two or more of `noticePhrases`.
    static func isSiteNotice(_ text: String, length: Int) -> Bool {
        guard length < 600 else { return false }
        var found = 0
        for phrase in noticePhrases where contains(text, phrase) {
            found += 1
            if found >= 2 { return true }
        }
        return false
    }

    /// How a photo credit, a caption or a date or category line starts: a short block that does is the page's
    /// metadata (the date and the images are extracted apart), not the story's text.
    static let metadataPrefixes = [
        "تصوير:", "صورة:", "الصورة:", "نشر في", "آخر تحديث", "تاريخ النشر", "Foto:", "Fotos:", "Bild:", "Photo:",
        "Photograph by", "Image:", "Credit:", "Quelle:", "(Quelle:", "(Foto:", "©", "Abbildung:", "Published:",
        "Updated:", "Publiziert:", "Aktualisiert:", "Veröffentlicht:", "Kategorie:", "Category:", "Permalink",
        "Permalien",
    ]

    /// «الأربعاء، 28 آب/أغسطس 2013، آخر تحديث 14:00»: a day name that opens a short line with a date in it.
    static func isArabicDateLine(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, (0x0627...0x064A).contains(first.value),
            arabicDayNames.contains(where: { text.hasPrefix($0) })
        else { return false }
        return ArabicTextDate.find(in: text, now: Date(), timeZone: .gmt, relative: false) != nil
    }

    static let arabicDayNames = ["الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"]

    /// Whether an `<h1>` is the article's headline, not a site's logo: it shares at least half its words with the
    /// title the page gives (publishers shorten or reword one of the two).
    static func namesArticle(_ heading: String, title: String?) -> Bool {
        guard let title, !title.isEmpty else { return true }
        let headingWords = Set(heading.split(separator: " "))
        let titleWords = Set(title.split(separator: " "))
        guard !headingWords.isEmpty else { return false }
        return headingWords.intersection(titleWords).count * 2 >= min(headingWords.count, titleWords.count)
    }

    /// Byte-wise substring test (no Foundation, no Unicode folding: the phrases are matched as written).
    static func contains(_ text: String, _ phrase: String) -> Bool {
        var text = text
        var phrase = phrase
        return text.withUTF8 { haystack in
            phrase.withUTF8 { needle in
                guard let first = needle.first, needle.count <= haystack.count else { return false }
                var index = 0
                let last = haystack.count - needle.count
                while index <= last {
                    if haystack[index] == first {
                        var offset = 1
                        while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                        if offset == needle.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }
}
