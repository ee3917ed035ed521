import Foundation

/// Parses human durations used in scenarios and flags: `300ms`, `1.5s`, `2m`, `250us`, `1h`.
public enum DurationParser {
    /// Milliseconds for `text`, or nil when it is not a duration with a unit.
    public static func milliseconds(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 1), ("us", 0.001), ("µs", 0.001), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            let number = s.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value.isFinite else { return nil }
            return value * scale
        }
        return nil
    }

    /// A range `1s..3s` (or a single duration, meaning a range of one value), in milliseconds.
    public static func range(_ text: String) -> ClosedRange<Double>? {
        let parts = text.components(separatedBy: "..")
        if parts.count == 1, let v = milliseconds(parts[0]) { return v...v }
        guard parts.count == 2, let a = milliseconds(parts[0]), let b = milliseconds(parts[1]), a <= b else {
            return nil
        }
        return a...b
    }
}
