import Foundation

/// A pass/fail rule from a scenario's `thresholds:` section, like `ttfa.p95: "< 900ms"` or `errors.rate: "< 1%"`.
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

    /// `metric.statistic`, e.g. `ttfa.p95`, `errors.rate`.
    public var metric: String
    public var comparator: Comparator
    /// The limit in the metric's unit: milliseconds for latencies, percent for rates.
    public var limit: Double

    public init(metric: String, comparator: Comparator, limit: Double) {
        self.metric = metric
        self.comparator = comparator
        self.limit = limit
    }

    /// Latency metrics a threshold can name, each with the statistics of `LatencySummary`.
    public static let latencyMetrics = ["ttfa", "ttfa_audible", "voice_to_voice", "response", "connect"]
    /// Rate metrics, in percent.
    public static let rateMetrics = ["errors.rate", "turns.ok_rate", "stalls.rate"]

    /// Parses one rule; on failure returns a message saying what was expected.
    public static func parse(metric: String, rule: String) -> Result<Threshold, ThresholdError> {
        let isRate = Self.rateMetrics.contains(metric)
        if !isRate {
            let parts = metric.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, Self.latencyMetrics.contains(parts[0]),
                LatencySummary.statisticNames.contains(parts[1])
            else {
                let known = Self.latencyMetrics.map { "\($0).p95" } + Self.rateMetrics
                return .failure(ThresholdError("unknown metric '\(metric)' (expected one of \(known.joined(separator: ", ")); statistics: \(LatencySummary.statisticNames.joined(separator: ", ")))"))
            }
        }
        let text = rule.trimmingCharacters(in: .whitespaces)
        guard let comparator = Comparator.allCases.sorted(by: { $0.rawValue.count > $1.rawValue.count })
            .first(where: { text.hasPrefix($0.rawValue) })
        else {
            return .failure(ThresholdError("'\(rule)' has no comparator (expected e.g. \"< 900ms\" or \"<= 1%\")"))
        }
        let valueText = text.dropFirst(comparator.rawValue.count).trimmingCharacters(in: .whitespaces)
        if isRate {
            guard valueText.hasSuffix("%"), let v = Double(valueText.dropLast()) else {
                return .failure(ThresholdError("'\(rule)': a rate takes a percentage like \"< 1%\""))
            }
            return .success(Threshold(metric: metric, comparator: comparator, limit: v))
        }
        guard let ms = DurationParser.milliseconds(valueText) else {
            return .failure(ThresholdError("'\(rule)': a latency takes a duration like \"< 900ms\" or \"< 1.2s\""))
        }
        return .success(Threshold(metric: metric, comparator: comparator, limit: ms))
    }
}

/// Why a threshold rule could not be read.
public struct ThresholdError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
