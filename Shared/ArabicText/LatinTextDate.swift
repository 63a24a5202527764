import Foundation

/// Dates written in the text of a page's date line in Latin script, for the international outlets Nashra also
/// follows (the Arabic forms are `ArabicTextDate`'s): `28.07.2019`, `2019-07-28`, `28. Juli 2019`, `28 July 2019`,
/// `July 28, 2019`, `Jul 28th, 2019`, `28 juillet 2019`, `1er mars 2020`. Day precision: noon of that day in the
/// publisher's time zone. Numeric dates with slashes are left alone (28/07 and 07/28 cannot be told apart).
public enum LatinTextDate {
    /// The first date in `line`, or nil.
    public static func find(in line: String, timeZone: TimeZone, now: Date = Date()) -> Date? {
        guard line.utf8.count < 400 else { return nil }
        let range = NSRange(line.startIndex..., in: line)
        var best: (location: Int, date: Date)?
        for (pattern, order) in patterns {
            guard let match = pattern.firstMatch(in: line, range: range) else { continue }
            guard best == nil || match.range.location < best!.location else { continue }
            func group(_ index: Int) -> String? {
                Range(match.range(at: index), in: line).map { String(line[$0]) }
            }
            guard let first = group(1), let second = group(2), let third = group(3) else { continue }
            let parts: (year: String, month: String, day: String)
            switch order {
            case .dayMonthYear: parts = (third, second, first)
            case .yearMonthDay: parts = (first, second, third)
            case .monthDayYear: parts = (third, first, second)
            }
            let month = Int(parts.month) ?? monthNumber(parts.month)
            guard let year = Int(parts.year), let month, let day = Int(parts.day),
                let date = NewsDateParser.noon(year: year, month: month, day: day, timeZone: timeZone, now: now)
            else { continue }
            best = (match.range.location, date)
        }
        return best?.date
    }

    enum Order { case dayMonthYear, yearMonthDay, monthDayYear }

    /// Month names and their abbreviations in English, German and French, lower-cased, accents as written and
    /// without them.
    static let months: [String: Int] = {
        let names: [[String]] = [
            ["january", "jan", "januar", "jänner", "janvier"],
            ["february", "feb", "februar", "février", "fevrier", "févr", "fevr"],
            ["march", "mar", "märz", "maerz", "mars"],
            ["april", "apr", "avril", "avr"],
            ["may", "mai"],
            ["june", "jun", "juni", "juin"],
            ["july", "jul", "juli", "juillet", "juil"],
            ["august", "aug", "août", "aout"],
            ["september", "sep", "sept"],
            ["october", "oct", "oktober", "okt", "octobre"],
            ["november", "nov", "novembre"],
            ["december", "dec", "dezember", "dez", "décembre", "decembre", "déc"],
        ]
        var table: [String: Int] = [:]
        for (index, forms) in names.enumerated() { for form in forms { table[form] = index + 1 } }
        table["septembre"] = 9
        return table
    }()

    static func monthNumber(_ name: String) -> Int? {
        months[name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))]
    }

    static let patterns: [(NSRegularExpression, Order)] = {
        let names = months.keys.sorted { $0.count > $1.count }.map { NSRegularExpression.escapedPattern(for: $0) }
        let month = "(" + names.joined(separator: "|") + ")\\.?"
        let year = "((?:19|20)\\d{2})(?!\\d)"
        let sources: [(String, Order)] = [
            ("(?<![\\d.])(\\d{1,2})\\.\\s?(\\d{1,2})\\.\\s?" + year, .dayMonthYear),
            ("(?<!\\d)((?:19|20)\\d{2})-(\\d{2})-(\\d{2})(?!\\d)", .yearMonthDay),
            ("(?<![\\d.])(\\d{1,2})(?:\\.|er|st|nd|rd|th)?\\s+" + month + ",?\\s+" + year, .dayMonthYear),
            ("(?<![\\p{L}])" + month + "\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+" + year, .monthDayYear),
        ]
        return sources.map { (try! NSRegularExpression(pattern: $0.0, options: [.caseInsensitive]), $0.1) }
    }()
}
