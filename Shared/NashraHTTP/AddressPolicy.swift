#if canImport(Glibc)
    import Glibc
#endif

/// Decides which connected IP addresses the fetcher may talk to. Private, loopback, link-local, CGNAT and other
/// special-purpose ranges are refused unless an allow-list entry (a CIDR range, an IP, or a host name) covers them:
/// a feed must not be able to make the crawler read an intranet or a cloud metadata endpoint.
public struct AddressPolicy: Sendable, Equatable {
    public private(set) var allowedRanges: [IPRange]
    public private(set) var allowedHosts: Set<String>

    /// Blocks every special-purpose range.
    public static let strict = AddressPolicy(allowedRanges: [], allowedHosts: [])

    public init(allowedRanges: [IPRange], allowedHosts: Set<String>) {
        self.allowedRanges = allowedRanges
        self.allowedHosts = allowedHosts
    }

    /// Parses `NASHRA_FETCH_ALLOW_PRIVATE`: comma- or space-separated CIDR ranges, IPs and host names.
    public init(allowList: String) {
        var ranges: [IPRange] = []
        var hosts: Set<String> = []
        for item in allowList.split(whereSeparator: { $0 == "," || $0 == " " }) {
            if let range = IPRange(String(item)) { ranges.append(range) } else { hosts.insert(item.lowercased()) }
        }
        self.init(allowedRanges: ranges, allowedHosts: hosts)
    }

    /// Whether a connection to `ip` (for a request to `host`) may go ahead.
    public func permits(ip: String, host: String?) -> Bool {
        if let host, allowedHosts.contains(host.lowercased()) { return true }
        guard let address = IPAddress(ip) else { return false }
        if allowedRanges.contains(where: { $0.contains(address) }) { return true }
        return !address.isSpecialPurpose
    }
}

/// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped into `::ffff:0:0/96`).
public struct IPAddress: Sendable, Equatable {
    public let bytes: [UInt8]

    public init?(_ text: String) {
        var v6 = in6_addr()
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            let value = UInt32(bigEndian: v4.s_addr)
            bytes =
                [UInt8](repeating: 0, count: 10) + [0xff, 0xff]
                + [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: v6) { Array($0) }
        } else {
            return nil
        }
    }

    var isMappedIPv4: Bool { bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff }

    /// Loopback, private, link-local, CGNAT, unspecified, multicast, documentation and other non-public ranges.
    public var isSpecialPurpose: Bool {
        Self.specialPurpose.contains { $0.contains(self) }
    }

    private static let specialPurpose: [IPRange] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128", "64:ff9b::/96", "100::/64", "2001:db8::/32", "fc00::/7",
        "fe80::/10", "ff00::/8",
    ].compactMap { IPRange($0) }
}

/// A CIDR range such as `127.0.0.1/32` or `fc00::/7`; a bare address is a single-address range.
public struct IPRange: Sendable, Equatable {
    public let base: IPAddress
    /// Prefix length over the 128-bit form.
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let base = IPAddress(String(parts[0])) else { return nil }
        let isV4 = !parts[0].contains(":")
        let maxLength = isV4 ? 32 : 128
        var length = maxLength
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maxLength).contains(parsed) else { return nil }
            length = parsed
        }
        self.base = base
        self.prefixLength = isV4 ? length + 96 : length
    }

    public func contains(_ address: IPAddress) -> Bool {
        var remaining = prefixLength
        for index in 0..<16 where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xff : ~(0xff >> UInt8(bits))
            if address.bytes[index] & mask != base.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }
}
