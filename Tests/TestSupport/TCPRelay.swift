import Foundation
import NashraRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP relay on a local port to a target port, which a test can cut: every open connection is shut and new
/// ones are refused, as when a broker goes away. A real socket path, for tests of what clients do when the peer
/// vanishes, without stopping the broker that other tests share.
public final class TCPRelay: @unchecked Sendable {
    public let port: Int
    private let targetPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var open: [Int32] = []
    private var isCut = false

    /// Starts relaying connections to `127.0.0.1:targetPort`.
    public init(to targetPort: Int) throws {
        self.targetPort = targetPort
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound, listen(listener, 64) == 0 else {
            close(listener)
            throw ConfigurationError("the relay cannot listen")
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Shuts every relayed connection and stops accepting: clients see the peer gone and reconnects refused.
    public func cut() {
        lock.withLock {
            isCut = true
            // Under the lock: a pump forgets its sockets under it before closing them, so these are still open.
            for socket in open { Glibc.shutdown(socket, Int32(SHUT_RDWR)) }
        }
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            let accepted =
                connected
                && lock.withLock {
                    guard !isCut else { return false }
                    open += [client, upstream]
                    return true
                }
            guard accepted else {
                close(client)
                close(upstream)
                continue
            }
            let thread = Thread { [self] in pump(client, upstream) }
            thread.start()
        }
    }

    /// Copies bytes both ways until either side ends, then closes both (forgetting them first: a closed
    /// descriptor's number is reused, and `cut()` must not shut someone else's socket).
    private func pump(_ a: Int32, _ b: Int32) {
        defer {
            lock.withLock { open.removeAll { $0 == a || $0 == b } }
            close(a)
            close(b)
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var fds = [
                pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&fds, 2, 1000) >= 0 else { return }
            for (from, to) in [(0, 1), (1, 0)] where fds[from].revents != 0 {
                let count = read(fds[from].fd, &buffer, buffer.count)
                guard count > 0 else { return }
                var sent = 0
                while sent < count {
                    let written = buffer[sent..<count].withUnsafeBytes { write(fds[to].fd, $0.baseAddress, $0.count) }
                    guard written > 0 else { return }
                    sent += written
                }
            }
        }
    }
}
