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
        // Most lines say neither word: a byte search spares them the pattern.
        guard MainTextScorer.contains(line, " يوم "), MainTextScorer.contains(line, "في "),
            let match = line.firstMatch(of: creditPattern)
        else { return nil }
        let outlet = ArticleExtractor.clean(String(match.output.1))
        guard (2...60).contains(outlet.count) else { return nil }
        var day: Date?
        if let dayNumber = number(match.output.2), let month = number(match.output.3),
            let year = number(match.output.4), (1...31).contains(dayNumber), (1...12).contains(month)
        {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            day = calendar.date(from: DateComponents(year: year, month: month, day: dayNumber))
        }
        return (outlet, day)
    }

    nonisolated(unsafe) static let creditPattern =
        /نُ?شِ?رَ? في (.{2,60}?) يوم ([0-9٠-٩]{1,2}) ?- ?([0-9٠-٩]{1,2}) ?- ?([0-9٠-٩]{4})/

    /// A number in ASCII or Eastern Arabic digits.
    static func number(_ text: Substring) -> Int? {
        Int(
            String(
                text.unicodeScalars.map { scalar in
                    (0x0660...0x0669).contains(scalar.value)
                        ? Character(Unicode.Scalar(scalar.value - 0x0660 + 0x30)!) : Character(scalar)
                }
            )
        )
    }
}
