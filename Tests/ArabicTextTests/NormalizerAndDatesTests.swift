import ArabicText
import Foundation
import NashraHashing
import Testing

@Suite("Arabic text") struct ArabicTextTests {
    let normalizer = ArabicNormalizer.standard

    @Test("diacritics and tatweel are removed")
    func diacriticsAndTatweel() {
        #expect(normalizer.normalize("مُحَمَّدٌ") == "محمد")
        #expect(normalizer.normalize("الســـلام") == "السلام")
        #expect(normalizer.normalize("دُرّبت") == "دربت")
    }

    @Test("hamza and alef forms fold to bare alef; yaa, taa marbuta and seated hamzas fold")
    func letterFolding() {
        #expect(normalizer.normalize("أحمد إبراهيم آمال ٱلله") == "احمد ابراهيم امال الله")
        #expect(normalizer.normalize("مستشفى") == "مستشفي")
        #expect(normalizer.normalize("مدرسة") == "مدرسه")
        #expect(ArabicNormalizer(foldTaMarbuta: false).normalize("مدرسة") == "مدرسة")
        #expect(normalizer.normalize("مسؤول رئيس") == "مسوول رييس")
    }

    @Test("Arabic-Indic and Persian digits become ASCII")
    func digits() {
        #expect(normalizer.normalize("٢٠٢٥ و ۱۴۰۴") == "2025 و 1404")
        #expect(normalizer.normalize("١٢٫٥٪") == "12٫5%")
    }

    @Test("punctuation folds and Latin is lower-cased; bidi controls vanish")
    func punctuation() {
        #expect(normalizer.normalize("قال: «نعم»، ثم سأل؟ BBC") == "قال: \"نعم\", ثم سال? bbc")
        #expect(normalizer.normalize("\u{200F}نص\u{202B}") == "نص")
    }

    @Test func tokensKeepNumbersAndLatinWords() {
        let tokens = ArabicTokenizer.tokens(normalizer.normalize("ارتفع مؤشر EGX30 بنسبة ٢٫٥٪ اليوم"))
        #expect(tokens == ["ارتفع", "موشر", "egx30", "بنسبه", "2", "5", "اليوم"])
    }

    @Test("light stemming groups a word with its prefixed and suffixed forms")
    func stemming() {
        func stem(_ word: String) -> String { String(LightStemmer.stem(Substring(normalizer.normalize(word)))) }
        #expect(stem("الانتخابات") == stem("انتخابات"))
        #expect(stem("والمباراة") == stem("مباراة"))
        #expect(stem("للمنتخب") == "منتخب")
        #expect(stem("كتب") == "كتب", "three-letter words are left alone")
        #expect(stem("bbc") == "bbc")
    }

    @Test("dates: ISO 8601 with offsets, RFC 822, Eastern Arabic digits; no guessing")
    func dates() throws {
        let utc = TimeZone(identifier: "UTC")!
        let expected = try #require(NewsDateParser.parse("2025-11-23T08:15:00Z"))
        #expect(NewsDateParser.parse("2025-11-23T10:15:00+02:00") == expected)
        #expect(NewsDateParser.parse("Sun, 23 Nov 2025 10:15:00 +0200") == expected)
        #expect(NewsDateParser.parse("Sun, 23 Nov 2025 08:15:00 GMT") == expected)
        #expect(NewsDateParser.parse("٢٠٢٥-١١-٢٣T١٠:١٥:٠٠+٠٢:٠٠") == expected)
        #expect(NewsDateParser.parse("2025-11-23 10:15", timeZone: TimeZone(identifier: "Africa/Cairo")!) == expected)
        #expect(NewsDateParser.parse("2025-02-30", timeZone: utc) == nil, "no such day")
        // RFC 822 written in Arabic locales: day and month names, Eastern Arabic digits.
        #expect(NewsDateParser.parse("الأحد، ٢٣ نوفمبر ٢٠٢٥ ١٠:١٥:٠٠ +٠٢٠٠") == expected)
        #expect(NewsDateParser.parse("الأحد, 23 تشرين الثاني 2025 10:15:00 +0200") == expected)
        #expect(NewsDateParser.parse("23 نونبر 2025 08:15:00 GMT") == expected)
        #expect(NewsDateParser.parse("الأحد 23 جانفي 2025 08:15:00 GMT") != nil)
        #expect(
            NewsDateParser.parse("23 أغسطس 2025", timeZone: utc) == NewsDateParser.parse("2025-08-23", timeZone: utc)
        )
        #expect(NewsDateParser.parse("منذ قليل") == nil)
        #expect(NewsDateParser.parse("") == nil)
        // As publishers' JSON-LD writes them: milliseconds after a colon, a space before the offset.
        #expect(NewsDateParser.parse("2025-11-23T08:15:00:684Z")?.timeIntervalSince(expected) == 0.0)
        #expect(NewsDateParser.parse("2025-11-23 10:15:00 +02:00") == expected)
        #expect(NewsDateParser.parse("٢٠٢٥-١١-٢٣ ١٠:١٥:٠٠ +٠٢:٠٠") == expected)
        #expect(NewsDateParser.parse("2025-11-23T10:15:00 x") == nil)
    }

    @Test("dates in URL paths: full dates only, real days, years in range; noon in the publisher's zone")
    func urlDates() throws {
        let cairo = TimeZone(identifier: "Africa/Cairo")!
        let now = Date(timeIntervalSince1970: 1_764_000_000)  // November 2025
        let noon = try #require(NewsDateParser.parse("2025-11-23T12:00:00+02:00"))
        for url in [
            "https://www.youm7.com/story/2025/11/23/وزير-الصحة-يتفقد/7212345",
            "https://www.youm7.com/story/2025/11/23",
            "https://masrawy.com/news/2025-11-23-وزير_الصحة",
            "https://example.com/archive/2025_11_23_health.html",
            "https://example.com/2025/11/23-health?page=2",
            "https://weisser-ring.example/meldungen/23-11-2025",  // day first, the day past 12
            "https://example.com/news/23_11_2025-health.html",
        ] {
            #expect(NewsDateParser.fromURL(url, timeZone: cairo, now: now) == noon, "\(url)")
        }
        #expect(
            NewsDateParser.fromURL("https://blog.example/2019/4/3/post", timeZone: .gmt, now: now)
                == NewsDateParser.parse("2019-04-03T12:00:00Z")
        )
        for url in [
            "https://www.almasryalyoum.com/news/details/3712345",  // an id, not a date
            "https://example.com/2025/11/health-plan",  // a month is not a day
            "https://example.com/2025/02/30/x",  // no such day
            "https://example.com/1800/01/01/x", "https://example.com/2031/01/01/x",  // out of range
            "https://example.com/news?date=2025/11/23",  // the query is not the path
            "https://example.com/20251123/x",  // eight digits may be an id
            "https://example.com/news/10-11-2025",  // the 10th of November or the 11th of October: left alone
            "https://example.com/news/23-11-20251",  // not a year
        ] {
            #expect(NewsDateParser.fromURL(url, timeZone: cairo, now: now) == nil, "\(url)")
        }
    }

    @Test("Latin-script date lines: numeric with dots, ISO, English, German and French month names; no slashes")
    func latinDates() throws {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        let day = try #require(NewsDateParser.parse("2019-07-28T12:00:00+02:00"))
        for line in [
            "28.07.2019 07:49 Uhr", "Aktualisiert: 28.7.2019", "2019-07-28", "Veröffentlicht am 28. Juli 2019",
            "Sonntag, 28. Juli 2019", "July 28, 2019", "Posted on Jul 28th, 2019 by admin", "28 July 2019",
            "publié le 28 juillet 2019", "Stand: 28. JULI 2019",
        ] {
            #expect(LatinTextDate.find(in: line, timeZone: berlin, now: now) == day, "\(line)")
        }
        for line in ["07/28/2019", "28/07/2019", "Version 1.2.3", "31.02.2019", "28.07.1850", "Juli 2019", "Mai"] {
            #expect(LatinTextDate.find(in: line, timeZone: berlin, now: now) == nil, "\(line)")
        }
        // The first date of a line is the one read.
        #expect(
            LatinTextDate.find(in: "1. März 2020, aktualisiert 3. März 2020", timeZone: .gmt, now: now)
                == NewsDateParser.parse("2020-03-01T12:00:00Z")
        )
    }

    @Test("the streaming scanner sees the same tokens as normalise-then-tokenise, on real Arabic")
    func scannerMatchesTokenizer() {
        let text = "أعلنَ وزيرُ الماليّة المصــري، يوم ٢٣ نوفمبر، أنّ التضخّم بلغ 12.5% في «مصر»؛ وقال: ‏EGX30 ارتفع"
        var scanned: [String] = []
        TokenScanner.forEachToken(in: text) { scanned.append(String(String.UnicodeScalarView($0))) }
        #expect(scanned == ArabicTokenizer.tokens(normalizer.normalize(text)).map(String.init))
        #expect(scanned.contains("الماليه") && scanned.contains("المصري") && scanned.contains("23"))
        var long: [Int] = []
        TokenScanner.forEachToken(in: String(repeating: "ب", count: 500) + " نص") { long.append($0.count) }
        #expect(long == [TokenScanner.maximumTokenLength, 2], "an endless word is cut, the next word survives")
        // Every UTF-8 length (Latin, Arabic, Persian digits and a zero-width non-joiner, CJK, an emoji), as the
        // scanner decodes the bytes itself; and `limit` stops it.
        let mixed = "café نشرة‌ ۱۲۳ 北京 تـــم 😀 word"
        var all: [String] = []
        TokenScanner.forEachToken(in: mixed) { all.append(String(String.UnicodeScalarView($0))) }
        #expect(all == ArabicTokenizer.tokens(normalizer.normalize(mixed)).map(String.init))
        var first: [String] = []
        TokenScanner.forEachToken(in: mixed, limit: 3) { first.append(String(String.UnicodeScalarView($0))) }
        #expect(first == Array(all.prefix(3)))
    }

    @Test("bytes that are not UTF-8 read as U+FFFD, as String repairs them; nothing is read past the end")
    func scannerOnBadBytes() {
        func tokens(_ bytes: [UInt8]) -> [String] {
            var found: [String] = []
            bytes.withUnsafeBufferPointer { buffer in
                TokenScanner.forEachToken(inUTF8: buffer) { found.append(String(String.UnicodeScalarView($0))) }
            }
            return found
        }
        let word = Array("نشرة".utf8)
        for bad: [UInt8] in [
            [0xFF], [0x80], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xED, 0xA0, 0x80],
        ] {
            let bytes = word + bad + Array(" خبر".utf8)
            #expect(
                tokens(bytes)
                    == ArabicTokenizer.tokens(normalizer.normalize(String(decoding: bytes, as: UTF8.self))).map(
                        String.init
                    ),
                "\(bad)"
            )
            #expect(tokens(word + bad).first == "نشره", "a sequence cut short at the end: \(bad)")
        }
    }

    @Test("the hash table answers as a dictionary would, collisions and misses included")
    func hashTable() {
        let entries = (0..<500).map { (TokenScanner.hash("word\($0)"), UInt64($0)) } + [(0, 7), (1 << 29, 8)]
        let table = HashTable(entries)
        let dictionary = Dictionary(entries, uniquingKeysWith: { $1 })
        #expect(table.count == dictionary.count)
        for (key, value) in dictionary { #expect(table[key] == value) }
        for index in 500..<1_000 { #expect(table[TokenScanner.hash("word\(index)")] == nil) }
        let members = HashTable(members: [3, 5])
        #expect(members.contains(3) && members.contains(5) && !members.contains(4))
    }

    @Test("stop words: function words and reporting verbs in every written form")
    func stopWords() {
        func isStop(_ word: String) -> Bool {
            var result = false
            TokenScanner.forEachToken(in: word) { result = ArabicStopWords.contains($0) }
            return result
        }
        for word in ["في", "إلى", "على", "الذى", "الَّذي", "هذه", "وقال", "أكد", "عن", "لكنّ"] {
            #expect(isStop(word), "\(word)")
        }
        for word in ["المنتخب", "البورصة", "انتخابات", "مصر"] { #expect(!isStop(word), "\(word)") }
    }

    @Test("the stemmer's bounds agree with its string form")
    func stemBounds() {
        for word in ["الانتخابات", "والمباراة", "للمنتخب", "كتب", "بالمدرسة", "معلوماتهم", "bbc"] {
            let normalized = normalizer.normalize(word)
            let scalars = Array(normalized.unicodeScalars)
            let bounds = scalars.withUnsafeBufferPointer { LightStemmer.stemBounds(of: $0) }
            #expect(
                String(String.UnicodeScalarView(scalars[bounds])) == String(LightStemmer.stem(Substring(normalized)))
            )
        }
    }

    @Test("snippet highlighting matches words by their folded stems, punctuation and diacritics included")
    func containsTerm() {
        let terms = SearchText.termHashes("الانتخابات البرلمانيه")
        for word in ["انتخابات،", "الإنْتِخابات", "«والانتخـابات»", "البرلمانية.", "والبرلمانيه"] {
            #expect(SearchText.containsTerm(Substring(word), of: terms), "\(word)")
        }
        for word in ["الحكومة", "٢٠٢٥", ""] { #expect(!SearchText.containsTerm(Substring(word), of: terms), "\(word)") }
        #expect(SearchText.termHashes("٢٠٢٥") == SearchText.termHashes("2025"))
    }

    @Test("function words are neither indexed nor searched; the words around them are")
    func searchSkipsStopWords() {
        let form = SearchText.indexForm("وقال الوزير في القاهرة إنه لن يستقيل")
        #expect(form.split(separator: " ") == SearchText.terms("الوزير القاهرة يستقيل").map { Substring($0) })
        #expect(SearchText.terms("في من على") == [])
        #expect(SearchText.matchExpression("في") == nil)
    }

    @Test("Arabic text dates: bylines, month names of every region, Eastern digits, a.m./p.m., Hijri, «منذ»")
    func textDates() throws {
        let cairo = try #require(TimeZone(identifier: "Africa/Cairo"))
        let now = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24T16:00:00Z
        func find(_ text: String) -> String? {
            ArabicTextDate.find(in: text, now: now, timeZone: cairo).map {
                $0.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
            }
        }
        #expect(find("نشر في اليوم السابع يوم 23 - 11 - 2025") == "2025-11-22T22:00:00")
        #expect(find("الأحد، ٢٣ نوفمبر ٢٠٢٥ - ١٠:١٥ م") == "2025-11-23T20:15:00")
        #expect(find("السبت ۲۲ نوفمبر ۲۰۲۵ 09:05 ص") == "2025-11-22T07:05:00")
        #expect(find("الأحد 23 تشرين الثاني 2025") == "2025-11-22T22:00:00")
        #expect(find("الخميس 23 جانفي 2025") == "2025-01-22T22:00:00")
        #expect(find("تاريخ النشر: 2025/11/23 10:15") == "2025-11-23T08:15:00")
        #expect(find("آخر تحديث 23.11.2025 - 14:30") == "2025-11-23T12:30:00")
        #expect(find("الجمعة 1 رمضان 1446هـ") == "2025-02-28T22:00:00", "Hijri, by the Umm al-Qura calendar")
        #expect(
            find("الاثنين 3 جمادى الآخرة 1447 هـ الموافق 24 نوفمبر 2025") == "2025-11-23T22:00:00",
            "the Gregorian date wins over the Hijri one"
        )
        #expect(find("الأربعاء، 28 آب/أغسطس 2013") == "2013-08-27T22:00:00", "a month named twice, Levant/Egypt")
        #expect(find("5 كانون الثاني/يناير 2020") == "2020-01-04T22:00:00")
        #expect(
            find("الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)") == "2013-08-28T10:00:00",
            "the offset the line states wins over the source's zone"
        )
        #expect(find("١٢ مارس ٢٠٢٤ ١٠:٣٠ م UTC+٠٣:٠٠") == "2024-03-12T19:30:00")
        #expect(find("28 آب/مارس 2013") == nil, "two names of different months: no date")
        #expect(find("منذ ساعتين") == "2025-11-24T14:00:00")
        #expect(find("منذ 5 دقائق") == "2025-11-24T15:55:00")
        #expect(find("منذ يومين") == "2025-11-22T16:00:00")
        #expect(find("نُشر منذ حوالي ساعة") == "2025-11-24T15:00:00")
        for text in ["نشر في اليوم السابع", "31 - 02 - 2025", "منذ زمن بعيد", "في عام 2025", "", "٢٣ ١١ ٢٠٢٥"] {
            #expect(find(text) == nil, "no date in «\(text)»: none, not a guess")
        }
    }
}
