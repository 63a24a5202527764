import Foundation

/// Canonical form of article URLs, so that one article is fetched and stored once: lower-case scheme and
/// host, no default port, no fragment, no tracking parameters (`utm_*`, `fbclid`, `gclid`, …).
public enum URLCanonicalizer {
    static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src",
    ]

    /// The canonical URL, or nil when `text` is not an absolute http(s) URL.
    public static func canonical(_ text: String, relativeTo base: String? = nil) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let resolved: URL? =
            if let base, let baseURL = URL(string: base) {
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
        if let items = components.queryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }
            components.queryItems = kept.isEmpty ? nil : kept
        }
        return components.string
    }
}
