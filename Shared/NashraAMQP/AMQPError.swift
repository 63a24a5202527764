/// Every failure of the AMQP client, with a code that callers can match and a message that says what failed.
public struct AMQPError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        /// The URL could not be parsed.
        case invalidURL
        /// No TCP connection to the broker (refused, unreachable, timed out).
        case connectionFailed
        /// The broker refused the credentials or the virtual host.
        case loginFailed
        /// The broker closed the channel or connection (a 404 on a passive declare, a precondition failure, …).
        case closedByBroker
        /// The socket failed or a heartbeat was missed: the connection is gone.
        case connectionLost
        /// The broker negatively acknowledged a published message (publisher confirms).
        case nacked
        /// Waiting for publisher confirms took longer than allowed.
        case confirmTimeout
        /// The client was shut down while the operation was pending.
        case shutDown
    }

    public let code: Code
    public let message: String
    /// The AMQP reply code when the broker closed the channel or connection (e.g. 404, 406).
    public let replyCode: Int?

    public init(_ code: Code, _ message: String, replyCode: Int? = nil) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
    }

    public var description: String { "AMQP \(code): \(message)" }

    /// Whether reconnecting later may succeed.
    public var isTransient: Bool {
        switch code {
        case .invalidURL, .loginFailed: return false
        default: return true
        }
    }
}
