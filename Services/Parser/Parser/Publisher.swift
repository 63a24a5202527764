import Foundation

/// Who published a page, where the page says so without `og:site_name`: its logo's `alt`, its copyright line;
/// and, on an aggregator's page, the outlet it credits («نشر في اليوم السابع يوم 23 - 11 - 2025», as Masress
/// writes it), with that day.
public enum Publisher {
    /// Words a logo's `alt` adds to the name («شعار اليوم السابع», «Youm7 logo»).
    static let logoWords: Set<String> = ["شعار", "لوجو", "لوغو", "logo", "Logo", "LOGO", "الرئيسية", "موقع", "home"]

    /// The name in a logo's `alt`, nil when nothing is left but the words for a logo.
    public static func fromLogo(alt: String) -> String? {
        let words = ArticleExtractor.clean(alt).split(separator: " ").filter { !logoWords.contains(String($0)) }
        let name = words.joined(separator: " ")
        return (2...60).contains(name.count) && words.count <= 6 ? name : nil
    }

    /// The name in a copyright line: «جميع الحقوق محفوظة لـ المصري اليوم © 2025», «© 2025 مصراوي. جميع الحقوق
    /// محفوظة», «Copyright © 2025 Sky News Arabia. All rights reserved».
    public static func fromCopyright(_ line: String) -> String? {
        var text = ArticleExtractor.clean(line)
        // After «محفوظة لـ», the name follows.
        for marker in ["محفوظة لموقع", "محفوظة لـ", "محفوظة ل", "محفوظة إلى"] {
            if let range = text.range(of: marker) {
                text = String(text[range.upperBound...])
                break
            }
        }
        for phrase in [
            "جميع الحقوق محفوظة", "كل الحقوق محفوظة", "حقوق النشر محفوظة", "الحقوق محفوظة", "حقوق الطبع والنشر",
            "All rights reserved", "All Rights Reserved", "Copyright", "copyright", "(c)", "(C)", "©",
        ] {
            text = text.replacingOccurrences(of: phrase, with: "|")
        }
        // The longest piece between separators that is not a year or a range of years.
        let pieces = text.split(whereSeparator: { "|.,،-–—".contains($0) }).map { piece in
            piece.split(separator: " ").filter { word in
                !word.allSatisfy { $0.isNumber || $0 == "-" } && !["لـ", "ل", "to", "by"].contains(String(word))
            }.joined(separator: " ")
        }.filter { !$0.isEmpty }
        guard let name = pieces.max(by: { $0.count < $1.count }), (2...60).contains(name.count),
            name.split(separator: " ").count <= 6
        else { return nil }
        return name
    }

    /// The outlet an aggregator's page credits, and the day it gives: «نشر في <outlet> يوم dd - mm - yyyy». Only
    /// this form: «نشر في: 23 نوفمبر» is a date line, not a credit.
    static func credit(in line: String, timeZone: TimeZone) -> (outlet: String, day: Date?)? {
        // Most lines say neither word: a byte search spares them the scan.
        guard MainTextScorer.contains(line, " يوم "), MainTextScorer.contains(line, "في "),
            let match = CreditLine(line)
        else { return nil }
        let outlet = ArticleExtractor.clean(match.outlet)
        guard (2...60).contains(outlet.count) else { return nil }
        var day: Date?
        if (1...31).contains(match.day), (1...12).contains(match.month) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            day = calendar.date(from: DateComponents(year: match.year, month: match.month, day: match.day))
        }
        return (outlet, day)
    }
}

/// «نشر في <2 to 60 characters> يوم d - m - yyyy» (vowel marks or none, digits ASCII or Eastern Arabic,
/// the dashes with or without spaces), matched by hand on the line's scalars: the outlet is the shortest run after
/// «في» that a well-formed date follows. (A Swift `Regex` did this before; its parse tree is kept where
/// LeakSanitizer reports it, and matching by hand is faster on every line the parser tries.)
struct CreditLine {
    var outlet: String
    var day: Int
    var month: Int
    var year: Int

    init?(_ line: String) {
        let scalars = Array(line.unicodeScalars)
        var start = 0
        while let verb = scalars[start...].firstIndex(of: "ن") {
            start = verb + 1
            var index = verb + 1
            // ن ش ر, each letter with or without its vowel marks (نُشِرَ, نَشَرَ), then « في ».
            for letter in ["ش", "ر", nil] as [Unicode.Scalar?] {
                while index < scalars.count, (0x064B...0x0652).contains(scalars[index].value) { index += 1 }
                if let letter {
                    guard index < scalars.count, scalars[index] == letter else {
                        index = -1
                        break
                    }
                    index += 1
                }
            }
            guard index >= 0, Self.has(" في ", in: scalars, at: index) else { continue }
            let name = index + 4
            var end = name + 2
            while end <= min(name + 60, scalars.count) {
                if scalars[end - 1] == "\n" || scalars[end - 1] == "\r" { break }
                if Self.has(" يوم ", in: scalars, at: end), let date = Self.date(scalars, at: end + 5) {
                    outlet = String(String.UnicodeScalarView(scalars[name..<end]))
                    (day, month, year) = date
                    return
                }
                end += 1
            }
        }
        return nil
    }

    private static func has(_ text: String, in scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var index = index
        for scalar in text.unicodeScalars {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    /// `d - m - yyyy` at `index`: one or two digits, a dash with an optional space either side, again, four.
    private static func date(_ scalars: [Unicode.Scalar], at index: Int) -> (Int, Int, Int)? {
        var index = index
        func number(_ lengths: ClosedRange<Int>) -> Int? {
            var value = 0
            var count = 0
            while count < lengths.upperBound, index < scalars.count, let digit = Self.digit(scalars[index]) {
                value = value * 10 + digit
                count += 1
                index += 1
            }
            return count >= lengths.lowerBound ? value : nil
        }
        func dash() -> Bool {
            if index < scalars.count, scalars[index] == " " { index += 1 }
            guard index < scalars.count, scalars[index] == "-" else { return false }
            index += 1
            if index < scalars.count, scalars[index] == " " { index += 1 }
            return true
        }
        guard let day = number(1...2), dash(), let month = number(1...2), dash(), let year = number(4...4) else {
            return nil
        }
        return (day, month, year)
    }

    /// An ASCII or Eastern Arabic digit's value.
    private static func digit(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar.value {
        case 0x30...0x39: Int(scalar.value - 0x30)
        case 0x0660...0x0669: Int(scalar.value - 0x0660)
        default: nil
        }
    }
}
