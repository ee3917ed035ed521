/// One gate checked against a run: a row of the `gates` table.
///
/// Two kinds share the row. A **threshold** compares the run's value with a fixed limit (`ttfa.p95 < 900ms`).
/// A **baseline** gate compares the run with a baseline run: the difference of the statistic with its bootstrap
/// interval and a Mann–Whitney p-value; it fails only for a significant regression larger than its tolerance
/// (docs/ci.md). A gate whose sample is too small is `inconclusive`, which is never a pass.
public struct GateResult: Sendable, Codable, Hashable {
    /// Where the rule came from.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A fixed limit from the scenario's `thresholds:`.
        case threshold
        /// A comparison with a baseline run (`thresholds.baseline`, `chorus gate --baseline`).
        case baseline
    }

    /// What the gate decided.
    public enum Verdict: String, Sendable, Codable, CaseIterable {
        case pass, fail
        /// Too little data to decide (too few turns for the percentile, a cell missing from the baseline).
        case inconclusive
    }

    /// `metric.statistic`, e.g. `ttfa.p95`, `errors.rate`.
    public var metric: String
    /// `<`, `<=`, `>`, `>=`: the observed value must satisfy it against `threshold`.
    public var comparator: String
    /// The limit in the metric's unit. For a baseline gate, the baseline's value plus the tolerance in the
    /// direction of a regression: the level a significant regression must pass to fail the gate.
    public var threshold: Double
    /// The run's value; nil when the metric had no data.
    public var observed: Double?
    /// True only for `verdict == .pass`.
    public var passed: Bool
    /// The baseline run a baseline gate compared with.
    public var baselineRunId: String?
    /// The cell the gate looked at (`websocket/clean`); nil for the whole run.
    public var cell: String?
    public var kind: Kind
    public var verdict: Verdict
    /// The baseline run's value of the metric (baseline gates).
    public var baselineObserved: Double?
    /// `observed − baselineObserved` (baseline gates).
    public var delta: Double?
    /// Lower end of the 95 % session-level bootstrap interval of `delta`.
    public var ciLow: Double?
    /// Upper end of the 95 % session-level bootstrap interval of `delta`.
    public var ciHigh: Double?
    /// One-sided Mann–Whitney U p-value for "the run is worse than the baseline".
    public var pValue: Double?
    /// The regression a baseline gate tolerates, in the metric's unit.
    public var tolerance: Double?
    /// Values the statistic was computed from in this run (turns, or sessions for per-session metrics).
    public var samples: Int?
    /// Values in the baseline run.
    public var baselineSamples: Int?
    /// Values each run needs for this statistic; set when the gate is inconclusive for lack of data.
    public var neededSamples: Int?
    /// The database file the baseline run was read from, when not the run's own.
    public var baselineSource: String?
    /// Why the verdict is what it is, in a sentence, when the numbers alone do not say.
    public var note: String?

    /// A gate result; `passed` follows `verdict`, which defaults to pass or fail from `passed`.
    public init(
        metric: String, comparator: String, threshold: Double, observed: Double?, passed: Bool,
        baselineRunId: String? = nil, cell: String? = nil, kind: Kind = .threshold, verdict: Verdict? = nil,
        baselineObserved: Double? = nil, delta: Double? = nil, ciLow: Double? = nil, ciHigh: Double? = nil,
        pValue: Double? = nil, tolerance: Double? = nil, samples: Int? = nil, baselineSamples: Int? = nil,
        neededSamples: Int? = nil, baselineSource: String? = nil, note: String? = nil
    ) {
        let verdict = verdict ?? (passed ? .pass : .fail)
        self.metric = metric
        self.comparator = comparator
        self.threshold = threshold
        self.observed = observed
        self.passed = verdict == .pass
        self.baselineRunId = baselineRunId
        self.cell = cell
        self.kind = kind
        self.verdict = verdict
        self.baselineObserved = baselineObserved
        self.delta = delta
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.pValue = pValue
        self.tolerance = tolerance
        self.samples = samples
        self.baselineSamples = baselineSamples
        self.neededSamples = neededSamples
        self.baselineSource = baselineSource
        self.note = note
    }

    /// The cell for people: its name, or `all` for the whole run.
    public var cellLabel: String { self.cell ?? "all" }
}
