import Foundation

/// Finds the date in a short Arabic text such as a byline or a page's date line: «نشر في اليوم السابع يوم
/// 23 - 11 - 2025», «الأحد، ٢٣ نوفمبر ٢٠٢٥ - ١٠:١٥ م», «23 تشرين الثاني 2025», «3 جمادى الآخرة 1447 هـ»,
/// «منذ ساعتين». Digits may be Arabic-Indic or Persian; day names and fillers are skipped.
///
/// Order of trust: a Gregorian date (day-month-year in figures, either order, or with a month name from any
/// region), then a Hijri one (converted with the Umm al-Qura calendar), then a relative one (counted back from
/// `now`, the fetch time). A time of day after the date is read too (ص/م for a.m./p.m.). No guessing: a text
/// with none of these forms gives nil, and so does a form that names an impossible day.
public enum ArabicTextDate {
    public static func find(in text: String, now: Date, timeZone: TimeZone, relative: Bool = true) -> Date? {
        let timeZone = statedOffset(in: text) ?? timeZone
        let folded = ArabicNormalizer.standard.normalize(String(text.prefix(400)))
        let tokens = Token.scan(folded)
        let allowsRelative = relative
        var hijri: Date?
        var ago: Date?
        var index = 0
        while index < tokens.count {
            if let (date, isHijri) = calendarDate(tokens, at: index, timeZone: timeZone) {
                if !isHijri { return date }
                if hijri == nil { hijri = date }
            }
            if allowsRelative, ago == nil, case .word("منذ") = tokens[index] {
                ago = Self.ago(tokens, after: index, now: now)
            }
            index += 1
        }
        return hijri ?? ago
    }

    enum Token: Equatable {
        case number(Int, digits: Int)
        case time(hour: Int, minute: Int)
        case separator
        case word(String)

        /// Numbers (with `h:mm` joined into a time), words, and the separators of figure dates (- / .).
        static func scan(_ text: String) -> [Token] {
            var raw: [Token] = []
            var word = ""
            var digits = ""
            var colons: Set<Int> = []  // positions in `raw` where a ':' follows
            func flush() {
                if !word.isEmpty { raw.append(.word(word)) }
                if !digits.isEmpty, let value = Int(digits.prefix(9)) {
                    raw.append(.number(value, digits: digits.count))
                }
                word = ""
                digits = ""
            }
            for scalar in text.unicodeScalars {
                if ("0"..."9").contains(scalar) {
                    if !word.isEmpty { flush() }
                    digits.unicodeScalars.append(scalar)
                } else if ArabicTokenizer.isWordScalar(scalar) {
                    if !digits.isEmpty { flush() }
                    word.unicodeScalars.append(scalar)
                } else {
                    flush()
                    if scalar == ":" {
                        colons.insert(raw.count - 1)
                    } else if scalar == "-" || scalar == "/" || scalar == "." {
                        raw.append(.separator)
                    }
                }
            }
            flush()
            var tokens: [Token] = []
            var index = 0
            while index < raw.count {
                if colons.contains(index), index + 1 < raw.count, case .number(let hour, let hourDigits) = raw[index],
                    hourDigits <= 2, case .number(let minute, 2) = raw[index + 1]
                {
                    tokens.append(.time(hour: hour, minute: minute))
                    index += colons.contains(index + 1) && index + 2 < raw.count ? 3 : 2  // seconds dropped
                    continue
                }
                tokens.append(raw[index])
                index += 1
            }
            return tokens
        }
    }

    /// Hijri month names, normalised; «الاخره» and «الثاني» name the same months.
    static let hijriMonths: [String: Int] = {
        let names: [(String, Int)] = [
            ("محرم", 1), ("صفر", 2), ("ربيع الاول", 3), ("ربيع الثاني", 4), ("ربيع الاخر", 4),
            ("جمادى الاولى", 5), ("جمادى الأولى", 5), ("جمادى الاخرة", 6), ("جمادى الثانية", 6), ("جمادى الآخرة", 6),
            ("رجب", 7), ("شعبان", 8), ("رمضان", 9), ("شوال", 10), ("ذو القعدة", 11), ("ذي القعدة", 11),
            ("ذو الحجة", 12), ("ذي الحجة", 12),
        ]
        var map: [String: Int] = [:]
        for (name, month) in names { map[ArabicNormalizer.standard.normalize(name)] = month }
        return map
    }()

    /// The date that starts at `tokens[index]`, if one does: `d-m-yyyy`, `yyyy-m-d`, `d <month> yyyy`.
    static func calendarDate(_ tokens: [Token], at index: Int, timeZone: TimeZone) -> (Date, hijri: Bool)? {
        guard case .number(let first, let firstDigits) = tokens[index] else { return nil }
        func number(_ offset: Int) -> (value: Int, digits: Int)? {
            guard index + offset < tokens.count, case .number(let value, let digits) = tokens[index + offset] else {
                return nil
            }
            return (value, digits)
        }
        func isSeparator(_ offset: Int) -> Bool {
            index + offset < tokens.count && tokens[index + offset] == .separator
        }
        // Figures: d-m-yyyy or yyyy-m-d.
        if isSeparator(1), let middle = number(2), middle.digits <= 2, isSeparator(3), let last = number(4) {
            let end = index + 5
            if last.digits == 4, firstDigits <= 2 {
                return make(last.value, middle.value, first, time(tokens, from: end), timeZone).map { ($0, false) }
            }
            if firstDigits == 4, last.digits <= 2 {
                return make(first, middle.value, last.value, time(tokens, from: end), timeZone).map { ($0, false) }
            }
            return nil
        }
        // A month name of one or two words, then a four-digit year. Gregorian names may come in pairs that name
        // the same month in two regions' words: «آب/أغسطس», «كانون الثاني/يناير».
        guard firstDigits <= 2 else { return nil }
        func monthName(at start: Int) -> (name: String, end: Int)? {
            for width in [2, 1] where start + width <= tokens.count {
                var words: [String] = []
                for offset in 0..<width {
                    guard case .word(let word) = tokens[start + offset] else { break }
                    words.append(word)
                }
                guard words.count == width else { continue }
                let name = words.joined(separator: " ")
                if gregorianMonth(name) != nil || hijriMonths[name] != nil { return (name, start + width) }
            }
            return nil
        }
        guard let (name, monthEnd) = monthName(at: index + 1) else { return nil }
        var end = monthEnd
        if let month = gregorianMonth(name), end < tokens.count, tokens[end] == .separator,
            let other = monthName(at: end + 1), gregorianMonth(other.name) == month
        {
            end = other.end
        }
        guard end < tokens.count, case .number(let year, 4) = tokens[end] else { return nil }
        if let month = gregorianMonth(name) {
            return make(year, month, first, time(tokens, from: end + 1), timeZone).map { ($0, false) }
        }
        if let month = hijriMonths[name] {
            var calendar = Calendar(identifier: .islamicUmmAlQura)
            calendar.timeZone = timeZone
            let components = DateComponents(year: year, month: month, day: first)
            guard (1...30).contains(first), let date = calendar.date(from: components) else { return nil }
            return (date, true)
        }
        return nil
    }

    /// The offset a date line states after its time, «14:00 (GMT+0400)», «UTC+3», «GMT -05:30», if it does.
    static func statedOffset(in text: String) -> TimeZone? {
        let head = String(text.prefix(400))
        let marker = [
            head.range(of: "GMT", options: .caseInsensitive), head.range(of: "UTC", options: .caseInsensitive),
        ]
        .compactMap { $0 }.min { $0.lowerBound < $1.lowerBound }
        guard let marker else { return nil }
        var rest = head[marker.upperBound...].unicodeScalars.drop { $0 == " " }[...]
        guard let sign = rest.first, sign == "+" || sign == "-" else { return nil }
        rest = rest.dropFirst()
        // Digits of any script (Arabic-Indic too), a colon allowed between hours and minutes.
        var digits: [Int] = []
        for scalar in rest where digits.count < 4 {
            if scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue {
                digits.append(Int(value))
            } else if scalar != ":" {
                break
            }
        }
        let hours: Int
        let minutes: Int
        switch digits.count {
        case 1: (hours, minutes) = (digits[0], 0)
        case 2: (hours, minutes) = (digits[0] * 10 + digits[1], 0)
        case 4: (hours, minutes) = (digits[0] * 10 + digits[1], digits[2] * 10 + digits[3])
        default: return nil
        }
        guard hours <= 14, minutes < 60 else { return nil }
        return TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60))
    }

    /// The Gregorian month a (normalised) month name means: Arabic names of every region, or English.
    static func gregorianMonth(_ name: String) -> Int? {
        NewsDateParser.arabicMonths[name] ?? NewsDateParser.months[String(name.prefix(3))]
    }

    /// A time of day within the three tokens after a date, with «ص»/«م» (or am/pm) read.
    static func time(_ tokens: [Token], from start: Int) -> (hour: Int, minute: Int)? {
        for index in start..<min(tokens.count, start + 3) {
            guard case .time(var hour, let minute) = tokens[index] else { continue }
            if index + 1 < tokens.count, case .word(let marker) = tokens[index + 1] {
                let evening = ["م", "مساء", "pm"].contains(marker)
                let morning = ["ص", "صباحا", "am"].contains(marker)
                if evening, hour < 12 { hour += 12 }
                if morning, hour == 12 { hour = 0 }
            }
            return (hour, minute)
        }
        return nil
    }

    /// The Gregorian date, through the one date builder (`NewsDateParser.make`: ranges checked, no rollover).
    static func make(_ year: Int, _ month: Int, _ day: Int, _ time: (hour: Int, minute: Int)?, _ zone: TimeZone)
        -> Date?
    {
        NewsDateParser.make(year, month, day, time?.hour ?? 0, time?.minute ?? 0, 0, zone)
    }

    /// Units of «منذ …»: singular, dual and plural forms (a count of 0: the number is given), normalised.
    static let units: [String: (seconds: Double, count: Int)] = Dictionary(
        uniqueKeysWithValues: unitNames.map { (ArabicNormalizer.standard.normalize($0.key), $0.value) }
    )
    static let unitNames: [String: (seconds: Double, count: Int)] = [
        "ثانيه": (1, 1), "ثانيتين": (1, 2), "ثانيتان": (1, 2), "ثواني": (1, 0), "ثوان": (1, 0),
        "دقيقه": (60, 1), "دقيقتين": (60, 2), "دقيقتان": (60, 2), "دقائق": (60, 0),
        "ساعه": (3600, 1), "ساعتين": (3600, 2), "ساعتان": (3600, 2), "ساعات": (3600, 0),
        "يوم": (86400, 1), "يومين": (86400, 2), "يومان": (86400, 2), "ايام": (86400, 0),
        "اسبوع": (604_800, 1), "اسبوعين": (604_800, 2), "اسبوعان": (604_800, 2), "اسابيع": (604_800, 0),
    ]

    /// «منذ ساعتين», «منذ 5 ساعات», «منذ حوالي ساعة»: `now` less that much.
    static func ago(_ tokens: [Token], after index: Int, now: Date) -> Date? {
        var position = index + 1
        if position < tokens.count, case .word(let filler) = tokens[position],
            ["حوالي", "نحو", "قرابه"].contains(filler)
        {
            position += 1
        }
        var count: Int?
        if position < tokens.count, case .number(let value, _) = tokens[position] {
            count = value
            position += 1
        }
        guard position < tokens.count, case .word(let word) = tokens[position], let unit = units[word] else {
            return nil
        }
        let amount = count ?? unit.count
        guard amount > 0, amount < 10_000 else { return nil }
        return now.addingTimeInterval(-Double(amount) * unit.seconds)
    }
}
