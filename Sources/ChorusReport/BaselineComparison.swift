import ChorusCore

/// Compares a run with a baseline run, metric by metric, overall and per cell, telling a regression from noise.
///
/// For each rule and scope: the difference of the statistic (run − baseline) with a 95 % session-level bootstrap
/// interval, and a one-sided Mann–Whitney U p-value for "the run is worse". The gate **fails** only when the
/// regression is significant (the interval lies wholly on the worse side of zero) **and** its estimate is larger
/// than the tolerance. A scope with fewer values than the statistic needs (`GateMetric.minimumSamples`) or fewer
/// than `minimumSessions` sessions in either run is **inconclusive**, with the number needed; never a pass.
///
/// Scopes: one per cell (`transport/profile`) present in the run, plus the whole run when it has several cells.
public struct BaselineComparison: Sendable {
    /// Bootstrap resamples per comparison.
    public var resamples: Int
    /// Two-sided confidence of the reported interval; a regression is significant at (1 − confidence) / 2, one-sided.
    public var confidence: Double
    /// Seeds every bootstrap (mixed with the metric and cell, so each comparison draws its own stream).
    public var seed: UInt64
    /// Sessions each run needs in a scope: a cluster bootstrap of fewer has nothing to resample.
    public static let minimumSessions = 5

    public init(resamples: Int = 2000, confidence: Double = 0.95, seed: UInt64 = 1) {
        self.resamples = resamples
        self.confidence = confidence
        self.seed = seed
    }

    /// One result per rule and scope, rules in order, the whole run before its cells.
    /// - Parameter baselineSource: the database file the baseline was read from, when not the run's own.
    public func compare(_ rules: [RegressionRule], run: RunReport, baseline: RunReport, baselineSource: String? = nil)
        -> [GateResult]
    {
        var scopes: [(cell: String?, run: [SessionResult], baseline: [SessionResult]?)] = []
        if run.cellKeys.count != 1 { scopes.append((nil, run.sessions, baseline.sessions)) }
        let baselineCells = Dictionary(grouping: baseline.sessions) { CellKey($0).name }
        for key in run.cellKeys {
            scopes.append((key.name, run.sessions(in: key), baselineCells[key.name]))
        }
        return rules.flatMap { rule in
            scopes.map { scope in
                var result = self.compare(rule, cell: scope.cell, run: scope.run, baseline: scope.baseline ?? [])
                result.baselineRunId = baseline.run.id
                result.baselineSource = baselineSource
                if scope.baseline == nil {
                    result.verdict = .inconclusive
                    result.passed = false
                    result.note = "the baseline run has no session in cell \(scope.cell ?? "all")"
                }
                return result
            }
        }
    }

    /// The comparison of one metric in one scope.
    func compare(_ rule: RegressionRule, cell: String?, run: [SessionResult], baseline: [SessionResult]) -> GateResult {
        guard let metric = try? GateMetric.parse(rule.metric).get(), let statistic = MetricSamples.bootstrapStatistic(metric)
        else {
            return GateResult(
                metric: rule.metric, comparator: "<=", threshold: 0, observed: nil, passed: false, cell: cell,
                kind: .baseline, verdict: .fail, note: "\(rule.metric) cannot be compared with a baseline")
        }
        let a = MetricSamples.perSession(metric, baseline).filter { !$0.isEmpty }
        let b = MetricSamples.perSession(metric, run).filter { !$0.isEmpty }
        let nA = a.reduce(0) { $0 + $1.count }, nB = b.reduce(0) { $0 + $1.count }
        let observed = MetricSamples.observed(metric, run)
        let baselineValue = MetricSamples.observed(metric, baseline)
        let tolerance = rule.tolerance.amount(baseline: baselineValue ?? 0)
        // Which way is worse: up for latencies and error rates, down for MOS and the ok rate.
        let worse: Double = metric.higherIsBetter ? -1 : 1
        var result = GateResult(
            metric: rule.metric, comparator: metric.higherIsBetter ? ">=" : "<=",
            threshold: (baselineValue ?? 0) + worse * tolerance, observed: observed, passed: false, cell: cell,
            kind: .baseline, verdict: .inconclusive, baselineObserved: baselineValue,
            delta: observed.flatMap { o in baselineValue.map { o - $0 } }, tolerance: tolerance, samples: nB,
            baselineSamples: nA)
        let needed = metric.minimumSamples
        let noun = MetricSamples.noun(metric)
        guard nA >= needed, nB >= needed, a.count >= Self.minimumSessions, b.count >= Self.minimumSessions else {
            result.neededSamples = needed
            result.note = "too few \(noun) for \(rule.metric): each run needs ≥ \(needed) \(noun) in ≥ \(Self.minimumSessions)"
                + " sessions; this run has \(nB) in \(b.count), the baseline \(nA) in \(a.count)"
            return result
        }
        let bootstrap = ClusterBootstrap(
            resamples: self.resamples, confidence: self.confidence, seed: self.seed ^ FNV1a.hash("\(rule.metric)|\(cell ?? "")"))
        guard let interval = bootstrap.difference(baseline: a, candidate: b, statistic: statistic) else { return result }
        let test = MannWhitneyU(
            baseline: Array(a.joined()), candidate: Array(b.joined()), alternative: metric.higherIsBetter ? .less : .greater)
        result.delta = interval.estimate
        result.ciLow = interval.low
        result.ciHigh = interval.high
        result.pValue = test?.pValue
        let regression = worse * interval.estimate
        let significant = metric.higherIsBetter ? interval.high < 0 : interval.low > 0
        let improved = metric.higherIsBetter ? interval.low > 0 : interval.high < 0
        result.verdict = significant && regression > tolerance ? .fail : .pass
        result.passed = result.verdict == .pass
        if significant {
            result.note = regression > tolerance
                ? "significant regression larger than the tolerance"
                : "significant regression within the tolerance"
        } else {
            result.note = improved ? "significant improvement" : "no significant regression"
        }
        return result
    }
}
