import Foundation
import NashraHTML
import NashraMessages

/// OPML 2.0 (http://opml.org/spec2.opml), the list format every feed reader imports and exports: operators move
/// their lists of feeds in (`nashra sources import`) and out (`nashra sources export`).
///
/// Import groups the feeds of one site (by the host of `htmlUrl`, else of `xmlUrl`) into one source, named by its
/// outline's `title` or `text`, with an id from the host (`www.youm7.com` → `youm7`). Feeds the catalog already
/// follows are skipped; a new source whose id is taken gets a numbered one. The new sources are appended to the
/// sources file as YAML text, so that the file's comments and order stay as the operator wrote them.
public enum OPML {
    /// A feed in an OPML file.
    public struct Feed: Sendable, Equatable {
        public var title: String
        public var feedURL: String
        public var home: String?
    }

    public struct OPMLError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The feeds of an OPML document (outlines with `xmlUrl`, at any depth).
    public static func feeds(in data: Data) throws -> [Feed] {
        var feeds: [Feed] = []
        var sawOPML = false
        let wellFormed: Bool
        do {
            wellFormed = try HTMLDocument.walkXML(data, attributes: outlineAttributes) { event in
                guard case .start(let name, let attributes) = event else { return }
                if name.lowercased() == "opml" { sawOPML = true }
                if name.lowercased() == "outline", let feed = Self.feed(attributes) { feeds.append(feed) }
            }
        } catch {
            throw OPMLError(description: "not an OPML document: \(error)")
        }
        guard wellFormed, sawOPML else {
            throw OPMLError(
                description: "not an OPML document" + (wellFormed ? " (no <opml> root)" : ": not well-formed XML")
            )
        }
        return feeds
    }

    static let outlineAttributes: Set<String> = ["xmlUrl", "xmlurl", "htmlUrl", "htmlurl", "title", "text"]

    /// The feed an `<outline>` names, if it names an http(s) one.
    private static func feed(_ attributes: [String: String]) -> Feed? {
        guard let feed = attributes["xmlUrl"] ?? attributes["xmlurl"],
            let scheme = URL(string: feed)?.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
        let title = (attributes["title"] ?? attributes["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let home = (attributes["htmlUrl"] ?? attributes["htmlurl"]).flatMap { URL(string: $0)?.host != nil ? $0 : nil }
        return Feed(title: title, feedURL: feed, home: home)
    }

    /// The sources to add for `feeds`: the feeds `catalog` does not follow yet, one source per site.
    /// - Returns: the new sources, and how many feeds were already followed.
    public static func sources(
        for feeds: [Feed],
        adding catalog: SourceCatalog,
        pollInterval: Int,
        timezone: String?
    ) -> (sources: [Source], known: Int) {
        let followed = Set(catalog.sources.flatMap(\.feeds))
        var taken = Set(catalog.sources.map(\.id))
        var bySite: [String: Source] = [:]
        var order: [String] = []
        var known = 0
        for feed in feeds {
            guard !followed.contains(feed.feedURL), bySite.values.allSatisfy({ !$0.feeds.contains(feed.feedURL) })
            else {
                known += 1
                continue
            }
            let site = host(of: feed.home ?? feed.feedURL) ?? feed.feedURL
            if bySite[site] != nil {
                bySite[site]?.feeds.append(feed.feedURL)
                continue
            }
            var id = identifier(forHost: site)
            if taken.contains(id) {
                var number = 2
                while taken.contains("\(id)-\(number)") { number += 1 }
                id = "\(id)-\(number)"
            }
            taken.insert(id)
            order.append(site)
            bySite[site] = Source(
                id: id,
                name: feed.title.isEmpty ? site : feed.title,
                nameLatin: nil,
                home: feed.home,
                feeds: [feed.feedURL],
                pollInterval: pollInterval,
                language: nil,
                timezone: timezone,
                charset: nil,
                extraction: nil
            )
        }
        return (order.compactMap { bySite[$0] }, known)
    }

    /// The catalog as an OPML 2.0 document: one outline per feed, titled with its source's name.
    public static func document(_ catalog: SourceCatalog, title: String = "Nashra sources") -> String {
        func attribute(_ text: String) -> String { HTMLEscaping.escape(text) }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n"
        xml += "  <head><title>\(attribute(title))</title></head>\n  <body>\n"
        for source in catalog.sources {
            for feed in source.feeds {
                xml +=
                    "    <outline type=\"rss\" text=\"\(attribute(source.name))\" title=\"\(attribute(source.name))\""
                xml += " xmlUrl=\"\(attribute(feed))\""
                if let home = source.home { xml += " htmlUrl=\"\(attribute(home))\"" }
                xml += " nashraId=\"\(attribute(source.id))\"/>\n"
            }
        }
        return xml + "  </body>\n</opml>\n"
    }

    /// New sources as YAML list items, to append under the sources file's `sources:` key.
    public static func yaml(_ sources: [Source]) -> String {
        // JSON strings are YAML double-quoted scalars: any name or address is safe in them.
        func quoted(_ text: String) -> String {
            let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
        }
        var text = ""
        for source in sources {
            text += "  - id: \(quoted(source.id))\n    name: \(quoted(source.name))\n"
            if let home = source.home { text += "    home: \(quoted(home))\n" }
            text += "    feeds:\n" + source.feeds.map { "      - \(quoted($0))\n" }.joined()
            text += "    poll_interval: \(source.pollInterval)\n"
            if let timezone = source.timezone { text += "    timezone: \(quoted(timezone))\n" }
        }
        return text
    }

    static func host(of address: String) -> String? {
        URL(string: address)?.host?.lowercased()
    }

    /// The outlet's name in the host (`OutletHost`: `www.youm7.com` → `youm7`), else its first label; letters,
    /// digits and hyphens only.
    static func identifier(forHost host: String) -> String {
        let name = OutletHost.name(ofHost: host) ?? host.split(separator: ".").first.map(String.init) ?? "source"
        let cleaned = String(
            name.lowercased().unicodeScalars.filter {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains(Character($0)) || $0 == "-")
            }
        )
        return cleaned.isEmpty ? "source" : cleaned
    }
}
