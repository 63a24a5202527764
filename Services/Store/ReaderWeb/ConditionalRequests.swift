import Foundation
import HTTPTypes
import Hummingbird
import NashraHashing
import Synchronization

/// Conditional GET for every page and feed: each response carries an `ETag` (a hash of its bytes, set by
/// `ReaderSite.respond`) and a `Last-Modified`, the moment this server first answered that address with those
/// bytes; a request whose `If-None-Match` names the current tag (or, without one, whose `If-Modified-Since` is
/// no earlier) gets 304 and no body. The tag follows the bytes, so a page changes its validators the moment an
/// article arrives, is removed or has an image hidden: a cache in front can never keep serving what the site no
/// longer shows beyond its short `max-age`.
///
/// Why validators from the bytes rather than from the store's last write time: a page's bytes change for reasons
/// the write time does not see (an image hidden by readers, a story gaining an outlet), and a store-wide time
/// would invalidate every page on each write. The first-seen times are kept for at most `capacity` addresses.
public struct ConditionalRequests<Context: RequestContext>: RouterMiddleware {
    private let seen = FirstSeen()
    private let capacity: Int

    public init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    /// When each address was first answered with its current tag.
    private final class FirstSeen: Sendable {
        let times = Mutex<[String: (tag: String, since: Date)]>([:])
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        guard request.method == .get || request.method == .head, response.status == .ok,
            let tag = response.headers[.eTag]
        else { return response }
        let key = request.uri.description
        let now = Date()
        let since = seen.times.withLock { seen -> Date in
            if let known = seen[key], known.tag == tag { return known.since }
            if seen.count >= capacity { seen.removeAll(keepingCapacity: true) }
            seen[key] = (tag, now)
            return now
        }
        response.headers[.lastModified] = Self.httpDate(since)
        if Self.isFresh(request.headers, tag: tag, lastModified: since) {
            var headers = HTTPFields()
            for name in [HTTPField.Name.eTag, .lastModified, .cacheControl] { headers[name] = response.headers[name] }
            return Response(status: .notModified, headers: headers)
        }
        return response
    }

    /// Whether the client's copy is current: `If-None-Match` decides when present (`*` or a list of tags, weak or
    /// strong); otherwise `If-Modified-Since`, to the second.
    static func isFresh(_ headers: HTTPFields, tag: String, lastModified: Date) -> Bool {
        if let match = headers[.ifNoneMatch] {
            return match.split(separator: ",").contains {
                let candidate = $0.trimmingCharacters(in: .whitespaces)
                return candidate == "*" || candidate == tag || candidate == "W/" + tag
            }
        }
        if let text = headers[.ifModifiedSince], let date = parseHTTPDate(text) {
            return lastModified.timeIntervalSince1970.rounded(.down) <= date.timeIntervalSince1970
        }
        return false
    }

    static func httpDate(_ date: Date) -> String { HTTPDate.format(date) }

    static func parseHTTPDate(_ text: String) -> Date? { HTTPDate.parse(text) }
}

/// RFC 9110's IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), written and read without a `DateFormatter` (one a
/// request would cost more than the rest of a 304).
enum HTTPDate {
    static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (day, time) = (seconds.floorDivided(by: 86_400), seconds.floorModulo(86_400))
        let (year, month, dayOfMonth) = civil(fromDays: day)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[day.floorModulo(7)]), \(two(dayOfMonth)) \(months[month - 1]) \(year) "
            + "\(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60)) GMT"
    }

    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
            let month = months.firstIndex(of: String(parts[2])), (1...31).contains(day), (1970...9999).contains(year)
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]), (0..<61).contains(clock[2])
        else { return nil }
        let days = daysFromCivil(year: year, month: month + 1, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]))
    }

    /// Days since 1970-01-01 of a Gregorian date, and back (Howard Hinnant's civil-date algorithms).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int {
    fileprivate func floorDivided(by divisor: Int) -> Int {
        (self >= 0 ? self : self - divisor + 1) / divisor
    }

    fileprivate func floorModulo(_ divisor: Int) -> Int {
        self - floorDivided(by: divisor) * divisor
    }
}

/// The entity tag of a response body: FNV-1a over its bytes, quoted.
public enum EntityTag {
    public static func of(_ bytes: some Sequence<UInt8>) -> String {
        var hash = FNV1a.offsetBasis
        for byte in bytes { hash = FNV1a.mix(hash, UInt64(byte)) }
        return "\"" + String(hash, radix: 16) + "\""
    }
}
