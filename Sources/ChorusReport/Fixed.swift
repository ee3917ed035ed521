/// Locale-independent fixed-point formatting: `.` decimals, no grouping, for CSV, HTML and SVG alike.
enum Fixed {
    /// `value` rounded to `decimals` places, e.g. `format(12.3456, 3)` is `12.346`; empty for NaN or infinity.
    static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        // Past 2^53 a Double has no fraction to show anyway.
        guard scaled < 9.0e15 else { return String(value) }
        let units = Int64(scaled)
        let divisor = Int64(scale)
        let whole = String(units / divisor)
        let sign = value < 0 && units != 0 ? "-" : ""
        guard decimals > 0 else { return sign + whole }
        let fraction = String(units % divisor)
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// `value` formatted, or `placeholder` when nil.
    static func format(_ value: Double?, _ decimals: Int, placeholder: String) -> String {
        value.map { Self.format($0, decimals) } ?? placeholder
    }

    /// `value` with at most `decimals` places and no trailing zeros: `900`, `0.5`, `12.25`.
    static func trimmed(_ value: Double, _ decimals: Int) -> String {
        var text = Self.format(value, decimals)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
