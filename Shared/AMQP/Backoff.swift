import Foundation

/// Exponential backoff with full jitter, for reconnecting to the broker.
public struct Backoff: Sendable {
    public var initial: Double
    public var maximum: Double
    private var attempt = 0

    public init(initial: Double = 0.2, maximum: Double = 10) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The next delay in seconds: a random value up to `initial * 2^attempt`, capped at `maximum`.
    public mutating func next() -> Double {
        let ceiling = min(maximum, initial * pow(2, Double(min(attempt, 30))))
        attempt += 1
        return Double.random(in: (ceiling / 2)...ceiling)
    }

    public mutating func reset() { attempt = 0 }
}
