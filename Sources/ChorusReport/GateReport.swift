import ChorusCore

/// The outcome of `chorus gate`: a run's gates (fixed thresholds and baseline comparisons), what it was compared with
/// and anything that stops it passing whatever the gates say. The JUnit, JSON and Markdown renderers read it.
public struct GateReport: Sendable {
    /// The run gated.
    public var run: RunInfo
    /// The baseline run, when there was a baseline comparison.
    public var baseline: RunInfo?
    /// The database file the baseline came from, when not the run's own (`--baseline-db`).
    public var baselineSource: String?
    /// Every gate, fixed thresholds first.
    public var gates: [GateResult]
    /// Why the run fails whatever its gates say: it is invalid, or did not complete.
    public var runProblems: [String]
    /// How the baseline comparisons were computed.
    public var method: BaselineComparison

    public init(
        run: RunInfo, baseline: RunInfo? = nil, baselineSource: String? = nil, gates: [GateResult],
        method: BaselineComparison = BaselineComparison()
    ) {
        self.run = run
        self.baseline = baseline
        self.baselineSource = baselineSource
        self.gates = gates
        self.runProblems = Self.problems(of: run)
        self.method = method
    }

    /// Why `run` can never pass a gate: an invalid run measured the harness, an unfinished one measured too little.
    public static func problems(of run: RunInfo) -> [String] {
        var problems: [String] = []
        if !run.valid {
            problems.append("run \(run.id) is invalid: \(run.invalidReason ?? "the harness broke its lag bound")")
        }
        if run.status != .completed { problems.append("run \(run.id) did not complete (status \(run.status.rawValue))") }
        return problems
    }

    /// True when the run is sound and every gate passed (an inconclusive gate is not a pass).
    public var passed: Bool { self.runProblems.isEmpty && self.gates.allSatisfy(\.passed) }

    /// `pass` or, when it did not pass, `fail`.
    public var verdict: GateResult.Verdict { self.passed ? .pass : .fail }

    /// Gates that did not pass.
    public var failures: [GateResult] { self.gates.filter { !$0.passed } }

    /// A gate's one-line name: `ttfa.p95 [websocket/clean] vs baseline`, `errors.rate < 1% [all]`.
    public static func title(_ gate: GateResult) -> String {
        switch gate.kind {
        case .baseline: return "\(gate.metric) [\(gate.cellLabel)] vs baseline"
        case .threshold:
            return "\(gate.metric) \(gate.comparator) \(GateFormat.limit(gate.threshold, gate.metric)) [\(gate.cellLabel)]"
        }
    }

    /// A one-line verdict for a failure message: `ttfa.p95 [websocket/clean] regressed +66.3 ms (95% CI +52.9 ms to
    /// +77.9 ms), tolerance 25.0 ms`.
    public static func headline(_ gate: GateResult) -> String {
        let m = gate.metric
        let scope = "\(m) [\(gate.cellLabel)]"
        switch (gate.kind, gate.verdict) {
        case (_, .inconclusive):
            return "\(scope) inconclusive" + (gate.neededSamples.map { ": needs \($0) per run" } ?? "")
        case (.threshold, _):
            let observed = gate.observed.map { GateFormat.value($0, m) } ?? "no data"
            return "\(scope) observed \(observed), threshold \(gate.comparator) \(GateFormat.limit(gate.threshold, m))"
        case (.baseline, _):
            guard let d = gate.delta else { return "\(scope) has no data" }
            var text = "\(scope) \(gate.verdict == .fail ? "regressed" : "changed") \(GateFormat.signed(d, m))"
            if let lo = gate.ciLow, let hi = gate.ciHigh {
                text += " (95% CI \(GateFormat.signed(lo, m)) to \(GateFormat.signed(hi, m)))"
            }
            if let t = gate.tolerance { text += ", tolerance \(GateFormat.value(t, m))" }
            return text
        }
    }

    /// Everything a reader needs to judge one gate, in a sentence or two: observed, threshold, baseline, interval
    /// and p-value.
    public static func explanation(_ gate: GateResult) -> String {
        let m = gate.metric
        let observed = gate.observed.map { GateFormat.value($0, m) } ?? "no data"
        var parts = ["\(gate.verdict.rawValue.uppercased()): \(m) [\(gate.cellLabel)] observed \(observed)"]
        switch gate.kind {
        case .threshold:
            parts.append("threshold \(gate.comparator) \(GateFormat.limit(gate.threshold, m))")
        case .baseline:
            if let b = gate.baselineObserved {
                parts.append("baseline \(GateFormat.value(b, m)) (run \(gate.baselineRunId ?? "?"))")
            } else {
                parts.append("baseline run \(gate.baselineRunId ?? "?") has no data")
            }
            if let d = gate.delta { parts.append("delta \(GateFormat.signed(d, m))") }
            if let lo = gate.ciLow, let hi = gate.ciHigh {
                parts.append("95% CI [\(GateFormat.signed(lo, m)), \(GateFormat.signed(hi, m))]")
            }
            if let p = gate.pValue {
                let text = GateFormat.pValue(p)
                parts.append("Mann-Whitney p \(text.hasPrefix("<") ? text : "= " + text)")
            }
            if let t = gate.tolerance {
                parts.append("tolerance \(GateFormat.value(t, m)) (threshold \(gate.comparator) \(GateFormat.value(gate.threshold, m)))")
            }
            if let n = gate.samples, let nb = gate.baselineSamples { parts.append("n = \(n) (baseline \(nb))") }
            if let needed = gate.neededSamples { parts.append("needs \(needed) per run") }
        }
        var text = parts.joined(separator: ", ")
        if let note = gate.note { text += "; \(note)" }
        return text
    }
}
