import Foundation
import Synchronization

/// Dates as the source's readers read them: each article's in its own time zone (`StoredArticle.timeZone`: the
/// catalog's zone of its source, or the offset its page gave), everything else in the site's (Cairo by default).
/// An article published at 00:30 in Cairo is of that day on every page, feed and API answer, not of the day
/// before as UTC would have it; one published at 03:01 in Dubai shows 03:01.
extension ReaderSite {
    /// The calendar of a zone identifier, the site's when it is nil or unknown.
    func calendar(for zone: String?) -> Calendar {
        guard let zone, zone != displayTimeZone.identifier else { return calendar }
        return Self.zoneCalendars.calendar(zone) ?? calendar
    }

    func timeZone(for zone: String?) -> TimeZone { calendar(for: zone).timeZone }

    /// `dd - mm - yyyy`, as Masress writes it.
    public func displayDate(_ date: Date, zone: String? = nil) -> String {
        let parts = calendar(for: zone).dateComponents([.day, .month, .year], from: date)
        return String(format: "%02d - %02d - %04d", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
    }

    /// The date and the time of day (`dd - mm - yyyy hh:mm`).
    func displayDateTime(_ date: Date, zone: String? = nil) -> String {
        let parts = calendar(for: zone).dateComponents([.day, .month, .year, .hour, .minute], from: date)
        return String(
            format: "%02d - %02d - %04d %02d:%02d",
            parts.day ?? 0,
            parts.month ?? 0,
            parts.year ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0
        )
    }

    /// ISO 8601 with the offset of the article's zone (`<time datetime>`, JSON-LD, the API, JSON Feed).
    func iso(_ date: Date, zone: String?) -> String { Self.iso(date, in: timeZone(for: zone)) }

    /// RFC 822 with the zone's offset (`Sat, 05 Dec 2026 09:10:00 +0200`), as RSS 2.0 writes dates. From the
    /// zone's calendar, made once (`zoneCalendars`): a formatter a feed item would cost more than the item.
    func rfc822(_ date: Date, zone: String?) -> String {
        let calendar = calendar(for: zone)
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let offset = calendar.timeZone.secondsFromGMT(for: date) / 60
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d %@%02d%02d",
            days[((parts.weekday ?? 1) - 1) % 7],
            parts.day ?? 0,
            months[((parts.month ?? 1) - 1) % 12],
            parts.year ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0,
            parts.second ?? 0,
            offset < 0 ? "-" : "+",
            abs(offset) / 60,
            abs(offset) % 60
        )
    }

    /// Calendars of the zones met so far, made once each (a site follows a few dozen zones at most; past 256
    /// distinct identifiers, which only a broken catalog would give, new ones are made per call).
    static let zoneCalendars = ZoneCalendars()
}

final class ZoneCalendars: Sendable {
    private let calendars = Mutex<[String: Calendar]>([:])

    func calendar(_ identifier: String) -> Calendar? {
        if let known = calendars.withLock({ $0[identifier] }) { return known }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendars.withLock { if $0.count < 256 { $0[identifier] = calendar } }
        return calendar
    }
}
