import Foundation

/// A pass/fail rule from a scenario's `thresholds:` section, like `ttfa.p95: "< 900ms"` or `errors.rate: "< 1%"`,
/// for the whole run or, under `thresholds.cells`, for one cell.
public struct Threshold: Sendable, Codable, Hashable {
    /// Comparison between the observed value and the limit.
    public enum Comparator: String, Sendable, Codable, CaseIterable {
        case lessThan = "<", lessOrEqual = "<=", greaterThan = ">", greaterOrEqual = ">="

        /// Whether `observed` satisfies the rule against `limit`.
        public func holds(_ observed: Double, _ limit: Double) -> Bool {
            switch self {
            case .lessThan: return observed < limit
            case .lessOrEqual: return observed <= limit
            case .greaterThan: return observed > limit
            case .greaterOrEqual: return observed >= limit
            }
        }
    }

    /// `metric.statistic`, e.g. `ttfa.p95`, `errors.rate` (`GateMetric`).
    public var metric: String
    public var comparator: Comparator
    /// The limit in the metric's unit: milliseconds for latencies, percent for rates.
    public var limit: Double
    /// The cell the rule applies to (`websocket/very-bad`); nil for the whole run.
    public var cell: String?

    public init(metric: String, comparator: Comparator, limit: Double, cell: String? = nil) {
        self.metric = metric
        self.comparator = comparator
        self.limit = limit
        self.cell = cell
    }

    /// Latency metrics a threshold can name, each with the statistics of `LatencySummary`.
    public static let latencyMetrics = GateMetric.latencyFamilies
    /// Rate metrics, in percent.
    public static let rateMetrics = ["errors.rate", "turns.ok_rate", "stalls.rate", "loss.effective"]

    /// Parses one rule; on failure returns a message saying what was expected.
    ///
    /// Latencies take a duration (`< 900ms`, `< 1.2s`), rates a percentage (`< 1%`), `drift.slope` a duration per
    /// turn (`< 2ms`), and MOS, counts and stalls per minute a plain number (`> 3.5`).
    public static func parse(metric: String, rule: String, cell: String? = nil) -> Result<Threshold, ThresholdError> {
        let parsed: GateMetric
        switch GateMetric.parse(metric) {
        case .success(let m): parsed = m
        case .failure(let e): return .failure(e)
        }
        let text = rule.trimmingCharacters(in: .whitespaces)
        guard let comparator = Comparator.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
            .first(where: { text.hasPrefix($0.rawValue) })
        else {
            return .failure(ThresholdError("'\(rule)' has no comparator (expected e.g. \"< 900ms\", \"<= 1%\" or \"> 3.5\")"))
        }
        let valueText = text.dropFirst(comparator.rawValue.count).trimmingCharacters(in: .whitespaces)
        guard let limit = Self.limit(valueText, unit: parsed.unit) else {
            let expected: String
            switch parsed.unit {
            case .percent: expected = "a percentage like \"< 1%\""
            case .milliseconds: expected = "a duration like \"< 900ms\" or \"< 1.2s\""
            case .msPerTurn: expected = "a duration per turn like \"< 2ms\""
            case .perMinute, .none: expected = "a number like \"> 3.5\""
            }
            return .failure(ThresholdError("'\(rule)': \(metric) takes \(expected)"))
        }
        return .success(Threshold(metric: metric, comparator: comparator, limit: limit, cell: cell))
    }

    /// A limit in `unit`: `1%` for percent, `900ms`/`1.2s` for milliseconds, a plain number otherwise.
    static func limit(_ text: String, unit: GateMetric.Unit) -> Double? {
        switch unit {
        case .percent:
            guard text.hasSuffix("%"), let v = Double(text.dropLast().trimmingCharacters(in: .whitespaces)) else {
                return nil
            }
            return v
        case .milliseconds, .msPerTurn:
            return DurationParser.milliseconds(text)
        case .perMinute, .none:
            return Double(text).flatMap { $0.isFinite ? $0 : nil }
        }
    }
}

/// Why a threshold rule could not be read.
public struct ThresholdError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
