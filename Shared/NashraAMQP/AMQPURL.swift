import Foundation

/// Where and how to reach the broker, parsed from an `amqp://user:password@host:port/vhost` URL, or from several
/// separated by commas (the nodes of a cluster: a connection tries them in order, see `endpoints`).
public struct AMQPURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var virtualHost: String
    /// The other nodes of a cluster, tried in order when this one cannot be reached.
    public var alternates: [AMQPURL] = []

    /// This node, then the alternates.
    public var endpoints: [AMQPURL] {
        var primary = self
        primary.alternates = []
        return [primary] + alternates
    }

    public static let `default` = try! AMQPURL("amqp://guest:guest@127.0.0.1:5672/")

    /// - Throws: `AMQPError` with code `.invalidURL` when the scheme, port or escapes are wrong.
    public init(_ string: String) throws(AMQPError) {
        let parts = string.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var alternates: [AMQPURL] = []
        for part in parts.dropFirst() { alternates.append(try AMQPURL(node: part)) }
        try self.init(node: parts.first ?? string)
        self.alternates = alternates
    }

    /// One node's URL.
    private init(node string: String) throws(AMQPError) {
        guard string.hasPrefix("amqp://") else {
            throw AMQPError(.invalidURL, "\(Self.redact(string)) is not an amqp:// URL (amqps is not supported)")
        }
        var rest = Substring(string.dropFirst("amqp://".count))
        var userInfo: Substring?
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        var hostPort = rest
        var vhost = "/"
        if let slash = rest.firstIndex(of: "/") {
            hostPort = rest[..<slash]
            let encoded = rest[rest.index(after: slash)...]
            if !encoded.isEmpty {
                guard let decoded = Self.percentDecode(encoded) else {
                    throw AMQPError(.invalidURL, "bad percent-escape in virtual host of \(Self.redact(string))")
                }
                vhost = decoded
            }
        }
        var host = String(hostPort)
        var port = 5672
        if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard let parsed = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw AMQPError(.invalidURL, "bad port in \(Self.redact(string))")
            }
            port = parsed
        }
        self.host = host.isEmpty ? "127.0.0.1" : host
        self.port = port
        self.virtualHost = vhost
        self.user = "guest"
        self.password = "guest"
        if let userInfo {
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            self.user = Self.percentDecode(parts[0]) ?? String(parts[0])
            if parts.count > 1 { self.password = Self.percentDecode(parts[1]) ?? String(parts[1]) }
        }
    }

    /// The URL without its password, safe to log.
    public var description: String {
        let vhostPart = virtualHost == "/" ? "" : virtualHost
        return (["amqp://\(user):***@\(host):\(port)/\(vhostPart)"] + alternates.map(\.description))
            .joined(separator: ",")
    }

    static func redact(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
        return url[..<scheme.upperBound] + "***" + url[at...]
    }

    private static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
