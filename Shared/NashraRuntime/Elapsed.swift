import Foundation

/// Durations as operators read them, in every status view (`nashra status`, the status pages, scaling advice).
public enum Elapsed {
    /// "42 s", "7 min", "2.5 h".
    public static func text(_ seconds: Double) -> String {
        if seconds < 120 { return String(format: "%.0f s", seconds) }
        if seconds < 7200 { return String(format: "%.0f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}
