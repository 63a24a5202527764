import Foundation

/// Moves the dates of a demo page by a number of seconds, in the forms the demo pages write them: RFC 822 in RSS
/// (`Wed, 25 Nov 2026 08:40:00 +0200`), ISO 8601 with an offset in Atom and meta tags
/// (`2026-11-25T08:40:00+02:00`), and the day a `<time>` element shows (`>2026-11-25</time>`). Each keeps its
/// own offset. The page is read byte for byte as ISO Latin-1 so that a windows-1256 page comes out unchanged
/// but for its dates, which are ASCII.
enum DemoDates {
    static func shift(_ page: Data, by seconds: TimeInterval) -> Data {
        guard let text = String(data: page, encoding: .isoLatin1) else { return page }
        var output = replacing("9999-99-99T99:99:99±99:99", in: text) { whole in
            let zone = offset(sign: whole.dropFirst(19).first, hours: whole.dropFirst(20).prefix(2), whole.suffix(2))
            guard let zone, let date = parse(String(whole.prefix(19)), format: iso, offset: zone) else { return nil }
            return format(date.addingTimeInterval(seconds), iso, offset: zone) + whole.suffix(6)
        }
        output = replacing("Aaa, 99 Aaa 9999 99:99:99 ±9999", in: output) { whole in
            let zone = offset(sign: whole.dropFirst(26).first, hours: whole.dropFirst(27).prefix(2), whole.suffix(2))
            guard weekdays.contains(String(whole.prefix(3))), let zone,
                let date = parse(String(whole.prefix(25)), format: rfc822, offset: zone)
            else { return nil }
            return format(date.addingTimeInterval(seconds), rfc822, offset: zone) + whole.suffix(6)
        }
        return timeElementsShowingTheirDay(output).data(using: .isoLatin1) ?? page
    }

    static let iso = "yyyy-MM-dd'T'HH:mm:ss"
    static let rfc822 = "EEE, dd MMM yyyy HH:mm:ss"
    static let weekdays: Set<String> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// Every stretch of `text` of the given shape (`9` a digit, `A` and `a` an upper- and lower-case ASCII letter,
    /// `±` a plus or minus sign, anything else itself) replaced by what `replace` makes of it; nil keeps it. Matched
    /// by hand: Swift's `Regex` leaves each pattern's parse tree unreachable, which LeakSanitizer reports.
    static func replacing(_ shape: String, in text: String, _ replace: (Substring) -> String?) -> String {
        let shape = Array(shape.unicodeScalars)
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if index + shape.count <= scalars.count,
                zip(shape, scalars[index..<index + shape.count]).allSatisfy(fits)
            {
                let whole = String(String.UnicodeScalarView(scalars[index..<index + shape.count]))
                if let replacement = replace(whole[...]) {
                    output.append(contentsOf: replacement.unicodeScalars)
                    index += shape.count
                    continue
                }
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }

    static func fits(_ pair: (shape: Unicode.Scalar, scalar: Unicode.Scalar)) -> Bool {
        switch pair.shape {
        case "9": ("0"..."9").contains(pair.scalar)
        case "A": ("A"..."Z").contains(pair.scalar)
        case "a": ("a"..."z").contains(pair.scalar)
        case "±": pair.scalar == "+" || pair.scalar == "-"
        default: pair.shape == pair.scalar
        }
    }

    /// Seconds east of UTC, from a sign and two-digit hours and minutes.
    static func offset(sign: Character?, hours: Substring, _ minutes: Substring) -> Int? {
        guard let sign, let hours = Int(hours), let minutes = Int(minutes) else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    /// The day a `<time datetime="…">2026-11-25</time>` shows becomes the day of its (already shifted) attribute.
    static func timeElementsShowingTheirDay(_ text: String) -> String {
        let opening = "<time datetime=\""
        var output = ""
        var rest = text[...]
        while let start = rest.range(of: opening) {
            output += rest[..<start.upperBound]
            rest = rest[start.upperBound...]
            guard let quote = rest.firstIndex(of: "\""), quote > rest.startIndex else { continue }
            let attribute = rest[..<quote]
            let after = rest[quote...].dropFirst()  // past the closing quote
            let day = after.dropFirst().prefix(10)
            guard after.hasPrefix(">"), day.count == 10,
                zip("9999-99-99".unicodeScalars, day.unicodeScalars).allSatisfy(fits),
                after.dropFirst(11).hasPrefix("</time>")
            else { continue }
            output += "\(attribute)\">\(attribute.prefix(10))</time>"
            rest = after.dropFirst(11 + "</time>".count)
        }
        return output + rest
    }

    static func parse(_ text: String, format: String, offset: Int) -> Date? {
        formatter(format, offset: offset).date(from: text)
    }

    static func format(_ date: Date, _ format: String, offset: Int) -> String {
        formatter(format, offset: offset).string(from: date)
    }

    static func formatter(_ format: String, offset: Int) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: offset)
        formatter.dateFormat = format
        return formatter
    }
}
