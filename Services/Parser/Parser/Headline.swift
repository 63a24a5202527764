import ArabicText
import Foundation
import NashraMessages

/// The headline as a reader should see it. `<title>`, `og:title` and even JSON-LD often carry the site's name
/// («عنوان الخبر - اليوم السابع», «المدينة نيوز - عنوان الخبر», «… | قناة صدى البلد»), and a reader of an
/// aggregator would see the outlet twice. A segment at either end of the headline, cut off by a separator, goes
/// when it names the site: one of the names the page and the catalog give (`og:site_name`, JSON-LD
/// `publisher.name`, `application-name`, the catalog's name, the host's name), compared folded (hamza forms,
/// spaces, case), or what the page's own `<h1>` leaves over. The remaining headline must keep two words; a
/// headline that is only a site name stays as it is.
///
/// Decided after reading how trafilatura (its title cleaning splits on separators and keeps the longest part)
/// and newspaper4k (which drops the site name when it equals `og:site_name`) do it: keeping the longest part
/// cuts real headlines that contain « - », so only a segment that is recognisably the site's name is removed.
enum Headline {
    static let separators = [
        " | ", " - ", " – ", " — ", " :: ", " || ", " » ", " « ", " › ", " ‹ ", " · ", " • ", " ـ ",
    ]

    /// `title` without the site's name at either end (at most two segments from each end).
    static func withoutSiteName(_ title: String, siteNames: [String], h1: String?) -> String {
        let names = siteNames.map(key).filter { $0.count >= 3 }
        var segments = split(title)
        guard segments.count > 1 else { return title }
        // What the page's own headline leaves over is the site's (or its section's) name.
        if let h1 = h1.map(ArticleExtractor.clean), h1.count >= 10, title != h1 {
            let texts = segments.map(\.text)
            for cut in 1..<segments.count {
                if texts[..<cut].joined() == h1 || trimSeparators(texts[cut...].joined()) == h1 { return h1 }
            }
        }
        for _ in 0..<2 {
            guard segments.count > 1 else { break }
            if let last = segments.last, namesSite(last.text, names), words(segments.dropLast()) >= 2 {
                segments.removeLast()
                continue
            }
            if let first = segments.first, namesSite(first.text, names), words(segments.dropFirst()) >= 2 {
                segments.removeFirst()
                segments[0].text = segments[0].body
                continue
            }
            break
        }
        return segments.map(\.text).joined()
    }

    /// The title cut before each separator: segments whose texts, joined, give it back (each but the first
    /// starts with its separator).
    static func split(_ title: String) -> [(text: String, body: String)] {
        var segments: [(text: String, body: String)] = []
        var rest = title[...]
        var lead = ""
        while true {
            let next = separators.compactMap { separator in rest.range(of: separator).map { ($0, separator) } }
                .min { $0.0.lowerBound < $1.0.lowerBound }
            guard let (range, separator) = next else { break }
            let body = rest[..<range.lowerBound]
            segments.append((lead + body, String(body)))
            lead = separator
            rest = rest[range.upperBound...]
        }
        segments.append((lead + rest, String(rest)))
        return segments.filter { !$0.body.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { ($0.text, $0.body) }
    }

    private static func trimSeparators(_ text: String) -> String {
        var text = text[...]
        for separator in separators where text.hasPrefix(separator) { text = text.dropFirst(separator.count) }
        return String(text)
    }

    static func words(_ segments: ArraySlice<(text: String, body: String)>) -> Int {
        segments.reduce(0) { $0 + $1.body.split(separator: " ").count }
    }

    /// Whether a segment is a site's name: equal to a name, folded; or a short segment holding one («قناة صدى
    /// البلد», «بوابة الأهرام», «Youm7.com»).
    static func namesSite(_ segment: String, _ names: [String]) -> Bool {
        let folded = key(segment)
        guard folded.count >= 3 else { return false }
        let segmentWords = segment.split(separator: " ").count
        return names.contains { name in
            folded == name || (segmentWords <= 4 && folded.contains(name))
        }
    }

    /// A name folded for comparison: Arabic normalised (hamza and alef forms, ى, ة, diacritics, tatweel), Latin
    /// lower-cased, only letters and digits kept. A domain in a segment («Youm7.com») holds the host's name, which
    /// `namesSite` finds in it.
    static func key(_ name: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in ArabicNormalizer.standard.normalize(name).unicodeScalars
        where ArabicTokenizer.isWordScalar(scalar) {
            folded.append(scalar)
        }
        return String(folded)
    }

    /// The outlet's name in a page's host (`OutletHost`).
    static func hostName(_ url: String) -> String? {
        URL(string: url)?.host.flatMap(OutletHost.name(ofHost:))
    }
}
