import Foundation

/// The WebSub links of an HTTP `Link` header (RFC 8288): `<https://hub.example/>; rel="hub",
/// <https://news.example/feed.xml>; rel="self"`. A publisher may advertise its hub there instead of in the feed.
public struct WebSubLinks: Sendable, Equatable {
    public var hub: String?
    public var selfURL: String?

    public init(header: String?, base: String) {
        guard let header else { return }
        for link in header.split(separator: ",") {
            guard let open = link.firstIndex(of: "<"), let close = link.firstIndex(of: ">"), open < close else {
                continue
            }
            let target = String(link[link.index(after: open)..<close])
            let parameters = link[link.index(after: close)...].split(separator: ";").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let rels = parameters.compactMap { parameter -> [String]? in
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].lowercased() == "rel" else { return nil }
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
                    .split(separator: " ").map(String.init)
            }.flatMap { $0 }
            guard let address = FeedParser.absolute(target, relativeTo: base) else { continue }
            if rels.contains("hub"), hub == nil { hub = address }
            if rels.contains("self"), selfURL == nil { selfURL = address }
        }
    }
}
