import Foundation

/// Parses the date forms news pages and feeds use. No guessing: anything not understood gives nil.
/// Digits may be Arabic-Indic or Persian (they are folded first).
public enum NewsDateParser {
    /// ISO 8601 / RFC 3339 (`2025-11-23T10:15:00+02:00`, `…Z`, `2025-11-23 10:15`, `2025-11-23`) or RFC 822
    /// (`Sun, 23 Nov 2025 10:15:00 +0200`, `… GMT`). A time without an offset is read in `timeZone`.
    public static func parse(_ text: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> Date? {
        let folded = ArabicNormalizer.standard.normalize(text).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !folded.isEmpty, folded.count < 80 else { return nil }
        if let first = folded.unicodeScalars.first, ("0"..."9").contains(first),
            let date = iso8601(folded, timeZone: timeZone)
        {
            return date
        }
        return rfc822(folded, timeZone: timeZone)
    }

    /// The day a URL's path states: `/2019/04/30/…`, `/2019/4/30`, `/2019-04-30-…`, `/2019_04_30…`, a year from 1990
    /// to next year, a real day of that month. Noon of that day in `timeZone`, so that the day reads the same in
    /// every time zone within eleven hours of it. Nil when the path states no full date (a year and a month are
    /// not a day).
    public static func fromURL(_ url: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!, now: Date = Date())
        -> Date?
    {
        // The path: after the host, before the query or fragment (read by hand: publishers' URLs may carry
        // Arabic unencoded, which URLComponents refuses).
        var path = Substring(url)
        if let scheme = path.range(of: "://") { path = path[scheme.upperBound...].drop { $0 != "/" } }
        let segments = path.prefix { $0 != "?" && $0 != "#" }.split(separator: "/").map(String.init)
        func day(_ year: Int?, _ month: Int?, _ day: Int?) -> Date? {
            guard let year, let month, let day else { return nil }
            return noon(year: year, month: month, day: day, timeZone: timeZone, now: now)
        }
        func number(_ text: Substring, digits: ClosedRange<Int>) -> Int? {
            guard digits.contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(text)
        }
        for index in segments.indices {
            let segment = segments[index]
            if index + 2 < segments.count, let year = number(segment[...], digits: 4...4),
                let date = day(
                    year,
                    number(segments[index + 1][...], digits: 1...2),
                    number(segments[index + 2].prefix { $0.isNumber }, digits: 1...2)
                )
            {
                return date
            }
            // 2019-04-30 or 2019_04_30 at the start of a segment.
            let parts = segment.split(maxSplits: 3, whereSeparator: { $0 == "-" || $0 == "_" })
            if parts.count >= 3, let year = number(parts[0], digits: 4...4),
                let date = day(year, number(parts[1], digits: 2...2), number(parts[2], digits: 2...2))
            {
                return date
            }
            // 29-10-2021: day first, as Europe and the Arab world write it, and only when the day cannot be a
            // month (10-11-2021 could be either, and is left alone).
            if parts.count >= 3, let year = number(parts[2].prefix(4), digits: 4...4),
                parts[2].count == 4 || !(parts[2].dropFirst(4).first?.isNumber ?? false),
                let first = number(parts[0], digits: 2...2), first > 12,
                let date = day(year, number(parts[1], digits: 2...2), first)
            {
                return date
            }
        }
        return nil
    }

    /// Noon of a day stated without a time, in `timeZone`: a real day (no 31 April) of a year from 1990 to next
    /// year; nil otherwise.
    static func noon(year: Int, month: Int, day: Int, timeZone: TimeZone, now: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard (1990...(calendar.component(.year, from: now) + 1)).contains(year), (1...12).contains(month),
            (1...31).contains(day),
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)),
            calendar.component(.day, from: date) == day
        else { return nil }
        return date
    }

    private static func iso8601(_ text: String, timeZone: TimeZone) -> Date? {
        var scanner = DigitScanner(text)
        guard let year = scanner.number(digits: 4), scanner.skip("-"), let month = scanner.number(digits: 2),
            scanner.skip("-"), let day = scanner.number(digits: 2)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var zone: TimeZone? = nil
        if scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") {
            guard let h = scanner.number(digits: 2), scanner.skip(":"), let m = scanner.number(digits: 2) else {
                return nil
            }
            hour = h
            minute = m
            if scanner.skip(":") {
                guard let s = scanner.number(digits: 2) else { return nil }
                second = s
                // A fraction after a point or a comma, or after a colon as some publishers write milliseconds
                // (`22:06:08:684Z`).
                if scanner.skip(".") || scanner.skip(",") || scanner.skip(":") { _ = scanner.digits() }
            }
            _ = scanner.skip(" ")  // `2024-04-30 16:17:29 +02:00`, as some CMSs write JSON-LD
            zone = scanner.zone()
        }
        guard scanner.atEnd else { return nil }
        return make(year, month, day, hour, minute, second, zone ?? timeZone)
    }

    static let months = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
        "nov": 11, "dec": 12,
    ]

    /// Arabic month names, normalised (alef and hamza folded, ة→ه), as written across the Arab world: Egyptian and
    /// Gulf (يناير …), Levantine and Iraqi (كانون الثاني …), Algerian and Tunisian (جانفي …), Moroccan (يوليوز …).
    static let arabicMonths: [String: Int] = {
        let names: [(String, Int)] = [
            ("يناير", 1), ("فبراير", 2), ("مارس", 3), ("ابريل", 4), ("مايو", 5), ("يونيو", 6), ("يونيه", 6),
            ("يوليو", 7), ("يوليه", 7), ("اغسطس", 8), ("سبتمبر", 9), ("اكتوبر", 10), ("نوفمبر", 11), ("ديسمبر", 12),
            ("كانون الثاني", 1), ("شباط", 2), ("اذار", 3), ("نيسان", 4), ("ايار", 5), ("حزيران", 6), ("تموز", 7),
            ("اب", 8), ("ايلول", 9), ("تشرين الاول", 10), ("تشرين الثاني", 11), ("كانون الاول", 12),
            ("جانفي", 1), ("فيفري", 2), ("افريل", 4), ("ماي", 5), ("جوان", 6), ("جويليه", 7), ("اوت", 8),
            ("يوليوز", 7), ("غشت", 8), ("شتنبر", 9), ("نونبر", 11), ("دجنبر", 12),
        ]
        var map: [String: Int] = [:]
        for (name, month) in names { map[ArabicNormalizer.standard.normalize(name)] = month }
        return map
    }()

    private static func rfc822(_ text: String, timeZone: TimeZone) -> Date? {
        var text = text.replacingOccurrences(of: ",", with: " ")
        // Two-word Levantine months become one token before splitting.
        for (name, month) in arabicMonths where name.contains(" ") {
            text = text.replacingOccurrences(of: name, with: "m\(month)")
        }
        var parts = text.split(separator: " ").map(String.init)
        if let first = parts.first, Int(first) == nil { parts.removeFirst() }  // day name
        func month(_ token: String) -> Int? {
            if token.hasPrefix("m"), let number = Int(token.dropFirst()) { return number }
            return months[String(token.prefix(3))] ?? arabicMonths[token]
        }
        guard parts.count >= 3, let day = Int(parts[0]), let month = month(parts[1]), var year = Int(parts[2])
        else { return nil }
        if year < 100 { year += year < 50 ? 2000 : 1900 }
        var hour = 0
        var minute = 0
        var second = 0
        if parts.count >= 4 {
            let time = parts[3].split(separator: ":").compactMap { Int($0) }
            guard time.count >= 2 else { return nil }
            hour = time[0]
            minute = time[1]
            second = time.count > 2 ? time[2] : 0
        }
        var zone: TimeZone? = nil
        if parts.count >= 5 {
            var scanner = DigitScanner(parts[4])
            zone = scanner.zone() ?? TimeZone(abbreviation: parts[4].uppercased())
            guard zone != nil else { return nil }
        }
        return make(year, month, day, hour, minute, second, zone ?? timeZone)
    }

    static func make(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ zone: TimeZone) -> Date? {
        guard (1...12).contains(mo), (1...31).contains(d), (0...23).contains(h), (0...59).contains(mi),
            (0...60).contains(s), (1900...2200).contains(y)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == d
        else { return nil }
        return date
    }
}

/// A cursor over ASCII text for the date parser.
private struct DigitScanner {
    let scalars: [Unicode.Scalar]
    var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    var atEnd: Bool { index >= scalars.count }

    mutating func skip(_ literal: Unicode.Scalar) -> Bool {
        guard index < scalars.count, scalars[index] == literal else { return false }
        index += 1
        return true
    }

    mutating func number(digits count: Int) -> Int? {
        guard index + count <= scalars.count else { return nil }
        var value = 0
        for offset in 0..<count {
            let scalar = scalars[index + offset]
            guard ("0"..."9").contains(scalar) else { return nil }
            value = value * 10 + Int(scalar.value - 48)
        }
        index += count
        return value
    }

    mutating func digits() -> Int? {
        var value: Int? = nil
        while index < scalars.count, ("0"..."9").contains(scalars[index]) {
            value = (value ?? 0) &* 10 &+ Int(scalars[index].value - 48)
            index += 1
        }
        return value
    }

    /// `Z`, `+02:00`, `+0200`, `-05`, `GMT`/`UT`/`UTC`.
    mutating func zone() -> TimeZone? {
        guard index < scalars.count else { return nil }
        if skip("Z") || skip("z") { return TimeZone(secondsFromGMT: 0) }
        let rest = String(String.UnicodeScalarView(scalars[index...])).uppercased()
        if ["GMT", "UT", "UTC"].contains(rest) {
            index = scalars.count
            return TimeZone(secondsFromGMT: 0)
        }
        let sign: Int
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = number(digits: 2) else { return nil }
        _ = skip(":")
        let minutes = number(digits: 2) ?? 0
        return TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60))
    }
}
