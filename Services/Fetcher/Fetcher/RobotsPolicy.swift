import Foundation

/// The rules of one host's robots.txt for our user agent, per RFC 9309: the group whose user-agent line matches
/// our product token (case-insensitive, longest match), else the `*` group; the longest matching `Allow` or
/// `Disallow` path wins, `Allow` on a tie; `*` and `$` patterns; percent-encoding normalised.
/// `Crawl-delay` (not in the RFC, widely used) is honoured up to `maximumCrawlDelay` seconds.
public struct RobotsPolicy: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var allow: Bool
        public var pattern: String
    }

    public var rules: [Rule]
    public var crawlDelay: Double?
    public var sitemaps: [String]

    /// RFC 9309 §2.3.1.3: a 4xx answer means no restrictions.
    public static let allowAll = RobotsPolicy(rules: [], crawlDelay: nil, sitemaps: [])
    /// RFC 9309 §2.3.1.4: a 5xx answer or an unreachable server means complete disallow.
    public static let disallowAll = RobotsPolicy(
        rules: [Rule(allow: false, pattern: "/")],
        crawlDelay: nil,
        sitemaps: []
    )
    public static let maximumCrawlDelay = 30.0
    /// The parser reads at most this much (RFC 9309 §2.5: at least 500 KiB).
    public static let maximumBytes = 512 * 1024

    public init(rules: [Rule], crawlDelay: Double?, sitemaps: [String]) {
        self.rules = rules
        self.crawlDelay = crawlDelay
        self.sitemaps = sitemaps
    }

    /// The policy for a fetch of robots.txt that answered `status` with `body`.
    public static func from(status: Int, body: Data, userAgent: String) -> RobotsPolicy {
        switch status {
        case 200..<300: return parse(String(decoding: body.prefix(maximumBytes), as: UTF8.self), userAgent: userAgent)
        case 400..<500: return .allowAll
        default: return .disallowAll
        }
    }

    /// Parses robots.txt text for the product token of `userAgent` (e.g. `NashraBot` of `NashraBot/0.1 (+…)`).
    public static func parse(_ text: String, userAgent: String) -> RobotsPolicy {
        let token = String(userAgent.prefix { $0.isLetter || $0 == "-" || $0 == "_" }).lowercased()
        var groups: [(agents: [String], rules: [Rule], delay: Double?)] = []
        var sitemaps: [String] = []
        var current: (agents: [String], rules: [Rule], delay: Double?)?
        var lastWasAgent = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "user-agent":
                if !lastWasAgent {
                    if let group = current { groups.append(group) }
                    current = ([], [], nil)
                }
                current?.agents.append(value.lowercased())
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                guard current != nil else { continue }
                // An empty Disallow allows everything: it adds no rule.
                if !value.isEmpty { current?.rules.append(Rule(allow: key == "allow", pattern: normalize(value))) }
            case "crawl-delay":
                lastWasAgent = false
                if let delay = Double(value), delay >= 0 { current?.delay = min(delay, maximumCrawlDelay) }
            case "sitemap":
                sitemaps.append(value)
            default:
                lastWasAgent = false
            }
        }
        if let group = current { groups.append(group) }
        // Every group naming our token applies (merged); else every `*` group.
        var chosen = groups.filter { group in group.agents.contains { !token.isEmpty && $0 == token } }
        if chosen.isEmpty { chosen = groups.filter { $0.agents.contains("*") } }
        return RobotsPolicy(
            rules: chosen.flatMap(\.rules),
            crawlDelay: chosen.compactMap(\.delay).max(),
            sitemaps: sitemaps
        )
    }

    /// Whether the path (with query) of `url` may be fetched. robots.txt itself is always allowed.
    public func allows(_ url: String) -> Bool {
        guard let components = URLComponents(string: url) else { return false }
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { path += "?" + query }
        if path == "/robots.txt" { return true }
        path = Self.normalize(path)
        var best: Rule?
        var bestLength = -1
        for rule in rules where Self.matches(rule.pattern, path) {
            let length = rule.pattern.count
            if length > bestLength || (length == bestLength && rule.allow) {
                best = rule
                bestLength = length
            }
        }
        return best?.allow ?? true
    }

    /// Upper-cases percent escapes and decodes those of unreserved characters, so `/a%7e` matches `/a~`.
    static func normalize(_ path: String) -> String {
        var output = ""
        var scalars = Array(path.unicodeScalars)[...]
        while let first = scalars.first {
            if first == "%", scalars.count >= 3,
                let value = UInt8(String(String.UnicodeScalarView(scalars.dropFirst().prefix(2))), radix: 16)
            {
                let character = Character(Unicode.Scalar(value))
                if character.isLetter && value < 128 || character.isNumber && value < 128 || "-._~".contains(character)
                {
                    output.append(character)
                } else {
                    output += String(format: "%%%02X", value)
                }
                scalars = scalars.dropFirst(3)
            } else if first.value > 127 {
                for byte in String(first).utf8 { output += String(format: "%%%02X", byte) }
                scalars = scalars.dropFirst()
            } else {
                output.unicodeScalars.append(first)
                scalars = scalars.dropFirst()
            }
        }
        return output
    }

    /// Matches a robots pattern (`*` any run, `$` at its end the end of the path) against a path: a pattern
    /// without `$` need only match a prefix, which is the same as matching all of the path with a `*` after it.
    /// The glob is matched in one pass that, on a mismatch, moves only the most recent `*` one byte on (what
    /// Google's robots.txt matcher and shells do), so a hostile file's `/*a*a*a*a*b` against a long path costs
    /// at most pattern × path steps, never the exponential number of a naive recursive match.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        let star = UInt8(ascii: "*")
        var p = Array(pattern.utf8)
        if p.last == UInt8(ascii: "$") { p.removeLast() } else { p.append(star) }
        let s = Array(path.utf8)
        var i = 0
        var j = 0
        var lastStar: Int?
        var resume = 0
        while j < s.count {
            if i < p.count, p[i] == star {
                lastStar = i
                i += 1
                resume = j
            } else if i < p.count, p[i] == s[j] {
                i += 1
                j += 1
            } else if let lastStar {
                i = lastStar + 1
                resume += 1
                j = resume
            } else {
                return false
            }
        }
        while i < p.count, p[i] == star { i += 1 }
        return i == p.count
    }
}
