import ChorusCore

/// Long-session drift over a set of sessions (a run or one cell): how TTFA moves with the turn index, and how the
/// agent's media clock ran against the caller's (docs/metrics.md, "Drift").
public struct DriftSummary: Sendable, Hashable {
    /// TTFA of `ok` turns whose 1-based turn number falls in `turns`.
    public struct Bucket: Sendable, Hashable {
        /// `1–5`, `6–10`, `11–20`, `21–50`, `51+`.
        public var label: String
        /// 1-based turn numbers.
        public var turns: ClosedRange<Int>
        public var ttfa: LatencySummary
    }

    /// The turn-number buckets, 1-based.
    public static let bucketRanges: [(label: String, turns: ClosedRange<Int>)] = [
        ("1–5", 1...5), ("6–10", 6...10), ("11–20", 11...20), ("21–50", 21...50), ("51+", 51...Int.max),
    ]
    /// Fewest TTFA values at one turn index before its p95 counts for `firstTurnOverThreshold`.
    public static let minimumPerTurn = 5

    /// Sessions with a fitted TTFA slope (at least `SessionResult.minimumDriftTurns` ok turns).
    public var sessionsFitted: Int
    /// Median over sessions of the per-session Theil–Sen slope of TTFA, ms per turn (`drift.slope_ms_per_turn`).
    public var medianSlopeMsPerTurn: Double?
    /// Percent of fitted sessions whose slope interval lies wholly above zero.
    public var significantlyPositivePct: Double?
    /// Median over sessions of the voice-to-voice slope, ms per turn; nil where voice-to-voice is not measured.
    public var medianVoiceToVoiceSlopeMsPerTurn: Double?
    /// One Theil–Sen line through every ok turn (turn index, TTFA) pooled, with its interval: the chart's line.
    public var pooled: TheilSen?
    /// TTFA by turn-number bucket; buckets without turns are absent.
    public var buckets: [Bucket]
    /// The TTFA p95 limit the run is gated on (`ttfa.p95`), when it has one.
    public var thresholdMs: Double?
    /// The first 1-based turn number whose TTFA p95 (over sessions, at least `minimumPerTurn` values) exceeds
    /// `thresholdMs`; nil when none does or there is no threshold.
    public var firstTurnOverThreshold: Int?
    /// Sessions with a clock-drift estimate.
    public var clockDriftSessions: Int
    /// Median over sessions of the agent's clock drift, ppm (+ its clock runs fast).
    public var clockDriftPpm: Double?
    /// Smallest and largest session estimate, ppm.
    public var clockDriftRange: ClosedRange<Double>?

    /// Summarises `sessions`; `ttfaP95ThresholdMs` is the run's `ttfa.p95` limit, if any.
    public init(sessions: [SessionResult], ttfaP95ThresholdMs: Double? = nil) {
        let fits = sessions.compactMap(\.ttfaDrift)
        self.sessionsFitted = fits.count
        self.medianSlopeMsPerTurn = Self.median(fits.map(\.slope))
        self.significantlyPositivePct =
            fits.isEmpty ? nil : Double(fits.count { $0.isSignificantlyPositive }) * 100 / Double(fits.count)
        self.medianVoiceToVoiceSlopeMsPerTurn = Self.median(sessions.compactMap(\.voiceToVoiceDrift).map(\.slope))
        var byIndex: [Int: [Double]] = [:]
        for turn in sessions.lazy.flatMap(\.turns) where turn.outcome == .ok {
            if let v = turn.ttfaMs, v.isFinite { byIndex[turn.turnIndex, default: []].append(v) }
        }
        self.pooled = TheilSen.fit(byIndex.flatMap { index, values in values.map { (Double(index), $0) } })
        self.buckets = Self.bucketRanges.compactMap { range in
            let values = byIndex.filter { range.turns.contains($0.key + 1) }.flatMap(\.value)
            return values.isEmpty ? nil : Bucket(label: range.label, turns: range.turns, ttfa: LatencySummary(values))
        }
        self.thresholdMs = ttfaP95ThresholdMs
        self.firstTurnOverThreshold = ttfaP95ThresholdMs.flatMap { limit in
            byIndex.keys.sorted().first { index in
                let values = byIndex[index, default: []]
                return values.count >= Self.minimumPerTurn && (LatencySummary(values).p95 ?? 0) > limit
            }.map { $0 + 1 }
        }
        let ppm = sessions.compactMap(\.clockDriftPpm).filter(\.isFinite)
        self.clockDriftSessions = ppm.count
        self.clockDriftPpm = Self.median(ppm)
        self.clockDriftRange = ppm.min().flatMap { low in ppm.max().map { low...$0 } }
    }

    /// The `ttfa.p95` limit among `gates` (the run-wide one), for `init`.
    public static func ttfaP95Threshold(_ gates: [GateResult]) -> Double? {
        gates.first { $0.metric == "ttfa.p95" && $0.cell == nil && $0.kind == .threshold }?.threshold
    }

    static func median(_ values: [Double]) -> Double? {
        LatencySummary.percentile(values.sorted(), 50)
    }
}
