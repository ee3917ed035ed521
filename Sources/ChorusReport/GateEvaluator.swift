import ChorusCore

/// Checks a run against its fixed thresholds (`ttfa.p95 < 900ms`, `errors.rate < 1%`, `mos.p05 > 3.5`), for the
/// whole run or one cell.
///
/// Metrics and units: `GateMetric`. A rule for a cell (`Threshold.cell`, `websocket/very-bad` or a profile name)
/// gives one result per matching cell. A metric with no data, or a cell with no session, has no observed value and
/// fails its gate.
public enum GateEvaluator {
    /// One result per threshold and matching cell, in order.
    /// - Parameter baselineRunId: stored with each result when the thresholds came from a baseline run.
    public static func evaluate(_ thresholds: [Threshold], report: RunReport, baselineRunId: String? = nil)
        -> [GateResult]
    {
        thresholds.flatMap { threshold -> [GateResult] in
            guard let selector = threshold.cell else {
                return [Self.result(threshold, report.sessions, cell: nil, baselineRunId: baselineRunId)]
            }
            let keys = report.cellKeys.filter { $0.matches(selector) }
            guard !keys.isEmpty else {
                var missing = Self.result(threshold, [], cell: selector, baselineRunId: baselineRunId)
                missing.note = "the run has no session in cell \(selector)"
                return [missing]
            }
            return keys.map { Self.result(threshold, report.sessions(in: $0), cell: $0.name, baselineRunId: baselineRunId) }
        }
    }

    private static func result(_ threshold: Threshold, _ sessions: [SessionResult], cell: String?, baselineRunId: String?)
        -> GateResult
    {
        let observed = (try? GateMetric.parse(threshold.metric).get()).flatMap { MetricSamples.observed($0, sessions) }
        return GateResult(
            metric: threshold.metric, comparator: threshold.comparator.rawValue, threshold: threshold.limit,
            observed: observed, passed: observed.map { threshold.comparator.holds($0, threshold.limit) } ?? false,
            baselineRunId: baselineRunId, cell: cell, note: observed == nil ? "no data" : nil)
    }

    /// The unit a metric's threshold and observed value are in: `ms`, `%`, `ms/turn`, `/min`, or empty.
    public static func unit(of metric: String) -> String {
        (try? GateMetric.parse(metric).get())?.unitSuffix ?? "ms"
    }
}
