/// The outlet's own name in a host: the label before the domain's ending, past generic subdomains and second-level
/// endings. `www.youm7.com` → `youm7`, `news.masrawy.com.eg` → `masrawy`, `arabic.cnn.com` → `cnn`. The parser
/// takes it for one of the names a headline may carry; the OPML import makes a source's id of it.
public enum OutletHost {
    static let generic: Set<String> = [
        "www", "m", "amp", "ar", "arabic", "news", "feeds", "feed", "rss", "com", "co", "net", "org", "gov", "edu",
    ]

    /// Nil when the host has no such label (an address, `localhost`).
    public static func name(ofHost host: String) -> String? {
        let labels = host.lowercased().split(separator: ".").map(String.init)
        return labels.dropLast().last { !generic.contains($0) && $0.count > 2 }
    }
}
