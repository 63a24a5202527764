import Foundation

/// Canonical form of article URLs, so that one article is fetched and stored once: lower-case scheme and
/// host, no default port, no fragment, no tracking parameters (`utm_*`, `fbclid`, `gclid`, …).
public enum URLCanonicalizer {
    static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src",
    ]

    /// The canonical URL, or nil when `text` is not an absolute http(s) URL.
    public static func canonical(_ text: String, relativeTo base: String? = nil) -> String? {
        let trimmed = escaped(text.trimmingCharacters(in: .whitespacesAndNewlines))
        let resolved: URL? =
            if let base, let baseURL = URL(string: escaped(base)) {
                URL(string: trimmed, relativeTo: baseURL)?.absoluteURL
            } else {
                URL(string: trimmed)
            }
        guard let resolved, var components = URLComponents(url: resolved, resolvingAgainstBaseURL: true),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        components.scheme = scheme
        components.host = host.lowercased()
        components.fragment = nil
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) {
            components.port = nil
        }
        if components.path.isEmpty { components.path = "/" }
        // The query is filtered as written, each parameter kept byte for byte: decoding and re-encoding it
        // (`queryItems`) lost what could not be decoded (`?id=%D8`, half a letter, became `?`), so two articles
        // became one, and a URL was not its own canonical form.
        if let query = components.percentEncodedQuery {
            let kept = query.split(separator: "&").filter { parameter in
                let name = parameter.prefix { $0 != "=" }
                let decoded = (String(name).removingPercentEncoding ?? String(name)).lowercased()
                return !decoded.hasPrefix("utm_") && !trackingParameters.contains(decoded)
            }
            components.percentEncodedQuery = kept.isEmpty ? nil : kept.joined(separator: "&")
        }
        return components.string
    }

    /// `text` with what may not stand in a URL percent-encoded as a browser encodes it (non-ASCII letters as their
    /// UTF-8 bytes, spaces, quotes, `<>{}|\^`), and every `%XX` already there left alone. Foundation's `URL(string:)`
    /// also encodes a string that holds such characters, but then encodes its `%` signs as well
    /// (`/a%20b c` became `/a%2520b%20c`, a page that does not exist), and pages do mix the two: an Arabic path
    /// written out, its query escaped. A `%` not followed by two hex digits is a `%` and becomes `%25`.
    static func escaped(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output = [UInt8]()
        output.reserveCapacity(bytes.count)
        let hex = Array("0123456789ABCDEF".utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let kept: Bool =
                if byte == UInt8(ascii: "%") {
                    index + 2 < bytes.count && isHexDigit(bytes[index + 1]) && isHexDigit(bytes[index + 2])
                } else {
                    allowed.contains(byte)
                }
            if kept {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// The ASCII bytes a URL holds as they are: letters, digits, `-._~` and the delimiters `:/?#[]@!$&'()*+,;=`.
    private static let allowed: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=".utf8)
    )
}
