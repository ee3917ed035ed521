import ChorusCore

/// Numbers of gate reports with their units: latencies to 0.1 ms, rates to 0.01 %, MOS to 0.01.
enum GateFormat {
    static func decimals(_ metric: String) -> Int {
        switch GateEvaluator.unit(of: metric) {
        case "ms", "ms/turn": return 1
        case "": return metric.hasSuffix(".count") ? 0 : 2
        default: return 2
        }
    }

    /// `412.3 ms`, `0.25 %`, `3.91`.
    static func value(_ v: Double, _ metric: String) -> String {
        Self.withUnit(Fixed.format(v, Self.decimals(metric)), metric)
    }

    /// `+72.2 ms`, `-0.10`.
    static func signed(_ v: Double, _ metric: String) -> String {
        let text = Fixed.format(v, Self.decimals(metric))
        return Self.withUnit(text.hasPrefix("-") ? text : "+" + text, metric)
    }

    /// A limit as written: `900 ms`, `1 %`.
    static func limit(_ v: Double, _ metric: String) -> String {
        Self.withUnit(Fixed.trimmed(v, 3), metric)
    }

    /// A p-value to two significant figures, `< 0.0001` below that.
    static func pValue(_ p: Double) -> String {
        if p < 0.0001 { return "< 0.0001" }
        return p >= 0.01 ? Fixed.format(p, 2) : Fixed.format(p, 4)
    }

    private static func withUnit(_ text: String, _ metric: String) -> String {
        let unit = GateEvaluator.unit(of: metric)
        return unit.isEmpty ? text : "\(text) \(unit)"
    }
}
