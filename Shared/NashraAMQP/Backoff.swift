import Foundation

/// Exponential backoff with "equal jitter": the n-th delay (0-based) is drawn uniformly from the upper half of
/// `min(maximum, initial × 2ⁿ)`. Half the delay is guaranteed, so retries never hammer, and the random half
/// spreads clients that failed together. The one backoff of the project: broker reconnects, publish retries,
/// the store's held batch, the frontier's fetch retries and broken feeds' polls.
public struct Backoff: Sendable {
    public var initial: Double
    public var maximum: Double
    private var attempt = 0

    public init(initial: Double = 0.2, maximum: Double = 10) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The next delay in seconds.
    public mutating func next() -> Double {
        defer { attempt += 1 }
        return Self.delay(attempt: attempt, initial: initial, maximum: maximum)
    }

    public mutating func reset() { attempt = 0 }

    /// The delay before retry `attempt` (0 for the first retry), in seconds.
    public static func delay(attempt: Int, initial: Double, maximum: Double) -> Double {
        let ceiling = min(maximum, initial * pow(2, Double(min(max(0, attempt), 60))))
        return Double.random(in: (ceiling / 2)...ceiling)
    }
}
