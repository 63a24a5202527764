import Foundation

/// Moves the dates of a demo page by a number of seconds, in the forms the demo pages write them: RFC 822 in RSS
/// (`Wed, 25 Nov 2026 08:40:00 +0200`), ISO 8601 with an offset in Atom and meta tags
/// (`2026-11-25T08:40:00+02:00`), and the day a `<time>` element shows (`>2026-11-25</time>`). Each keeps its
/// own offset. The page is read byte for byte as ISO Latin-1 so that a windows-1256 page comes out unchanged
/// but for its dates, which are ASCII.
enum DemoDates {
    static func shift(_ page: Data, by seconds: TimeInterval) -> Data {
        guard let text = String(data: page, encoding: .isoLatin1) else { return page }
        var output = text.replacing(iso) { match in
            let (whole, _, _, _, _, _, _, sign, hours, minutes) = match.output
            let offset = (sign == "-" ? -1 : 1) * (Int(hours)! * 3600 + Int(minutes)! * 60)
            guard let date = parse(String(whole.prefix(19)), format: "yyyy-MM-dd'T'HH:mm:ss", offset: offset) else {
                return String(whole)
            }
            return format(date.addingTimeInterval(seconds), "yyyy-MM-dd'T'HH:mm:ss", offset: offset)
                + String(whole.suffix(6))
        }
        output = output.replacing(rfc822) { match in
            let (whole, stamp, sign, hours, minutes) = match.output
            let offset = (sign == "-" ? -1 : 1) * (Int(hours)! * 3600 + Int(minutes)! * 60)
            guard let date = parse(String(stamp), format: "EEE, dd MMM yyyy HH:mm:ss", offset: offset) else {
                return String(whole)
            }
            return format(date.addingTimeInterval(seconds), "EEE, dd MMM yyyy HH:mm:ss", offset: offset)
                + " \(sign)\(hours)\(minutes)"
        }
        // The day a <time> shows is the day of its (already shifted) datetime attribute.
        output = output.replacing(timeElement) { match in
            let attribute = match.output.1
            return "<time datetime=\"\(attribute)\">\(attribute.prefix(10))</time>"
        }
        return output.data(using: .isoLatin1) ?? page
    }

    nonisolated(unsafe) static let iso =
        /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})/
    nonisolated(unsafe) static let rfc822 =
        /((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}) ([+-])(\d{2})(\d{2})/
    nonisolated(unsafe) static let timeElement = /<time datetime="([^"]+)">(\d{4}-\d{2}-\d{2})<\/time>/

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
