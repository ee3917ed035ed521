import ChorusCore

/// Checks a run against its thresholds (`ttfa.p95 < 900ms`, `errors.rate < 1%`).
///
/// Latency metrics (`ttfa`, `ttfa_audible`, `voice_to_voice`, `response`, `connect`) take any statistic of
/// `LatencySummary` and are in milliseconds. Rates are in percent: `errors.rate` (failed / attempted turns),
/// `turns.ok_rate` (ok / attempted turns) and `stalls.rate` (turns that stalled / turns that received reply audio).
/// A metric with no data has no observed value and fails its gate.
public enum GateEvaluator {
    /// One result per threshold, in order.
    /// - Parameter baselineRunId: stored with each result when the thresholds came from a baseline run.
    public static func evaluate(_ thresholds: [Threshold], report: RunReport, baselineRunId: String? = nil)
        -> [GateResult]
    {
        thresholds.map { threshold in
            let observed = Self.observed(threshold.metric, in: report.overall)
            return GateResult(
                metric: threshold.metric, comparator: threshold.comparator.rawValue, threshold: threshold.limit,
                observed: observed, passed: observed.map { threshold.comparator.holds($0, threshold.limit) } ?? false,
                baselineRunId: baselineRunId)
        }
    }

    /// The value of `metric` (`ttfa.p95`, `errors.rate`, …) in `aggregates`; nil when it has no data or is unknown.
    public static func observed(_ metric: String, in aggregates: RunAggregates) -> Double? {
        switch metric {
        case "errors.rate": return aggregates.errorRatePct
        case "turns.ok_rate": return aggregates.okRatePct
        case "stalls.rate": return aggregates.stalledTurnsPct
        default:
            let parts = metric.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let summary = aggregates.latency(named: parts[0]) else { return nil }
            return summary.value(named: parts[1])
        }
    }

    /// The unit a metric's threshold and observed value are in: `%`, `ms`, or empty for counts.
    public static func unit(of metric: String) -> String {
        if Threshold.rateMetrics.contains(metric) { return "%" }
        return metric.hasSuffix(".count") ? "" : "ms"
    }
}
