import ChorusCore

/// The few lines printed at the end of `chorus run` and by `chorus report`: plain text, no colour, 80 columns.
public enum TerminalSummary {
    /// The summary of `report`, ending with a line break.
    public static func render(_ report: RunReport) -> String {
        let run = report.run
        let a = report.overall
        var lines: [String] = []
        lines.append("run \(run.id)  \(run.name)  \(run.status.rawValue)  \(run.valid ? "valid" : "INVALID")")
        lines.append(
            "turns ok \(a.okTurns)/\(a.attemptedTurns) attempted  errors \(Self.percent(a.errorRatePct))  sessions \(a.sessionCount)"
                + "  stalls/min \(Fixed.format(a.stallsPerMinute, 2, placeholder: "-"))")
        if a.implausibleTurns > 0 || a.lateAudioTurns > 0 {
            lines.append(
                "implausible turns \(a.implausibleTurns) (TTFA below the network's minimum)  late audio \(a.lateAudioTurns)"
                    + " turns, \(Fixed.format(a.lateAudioMs, 0)) ms (arrived after its turn ended)")
        }
        lines.append("")
        let columns = ["count", "p50", "p90", "p95", "p99", "max"]
        lines.append(Self.pad("latency (ms)", 14) + columns.map { Self.pad($0, 9, right: true) }.joined())
        var latencies = [("TTFA", a.ttfa), ("TTFA audible", a.ttfaAudible)]
        if a.bargeIns > 0 { latencies.append(("barge-in", a.bargeIn)) }
        for (title, s) in latencies {
            let values = [s.p50, s.p90, s.p95, s.p99, s.max].map { Fixed.format($0, 1, placeholder: "-") }
            lines.append(Self.pad(title, 14) + ([String(s.count)] + values).map { Self.pad($0, 9, right: true) }.joined())
        }
        if a.bargeIns > 0 {
            lines.append(
                "interruptions \(a.bargeIns)  missed \(a.bargeInsMissed) (\(Self.percent(a.bargeInMissedRatePct)))"
                    + "  leaked audio p50 \(Fixed.format(a.leakedAudio.p50, 0, placeholder: "-")) ms"
                    + " p95 \(Fixed.format(a.leakedAudio.p95, 0, placeholder: "-")) ms")
        }
        if report.cellKeys.count > 1 {
            lines.append("")
            lines.append("cells: turns ok/attempted, errors, TTFA p95 (ms)")
            let width = report.cellKeys.map(\.label.count).max() ?? 0
            for key in report.cellKeys {
                guard let c = report.cells[key] else { continue }
                let counts = Self.pad("\(c.okTurns)/\(c.attemptedTurns)", 12, right: true)
                lines.append(
                    "  \(Self.pad(key.label, width))\(counts)\(Self.pad(Self.percent(c.errorRatePct), 10, right: true))"
                        + Self.pad(Fixed.format(c.ttfa.p95, 1, placeholder: "-"), 9, right: true))
            }
        }
        let drift = DriftSummary(sessions: report.sessions)
        if drift.sessionsFitted > 0 || drift.clockDriftSessions > 0 {
            var line = "drift: "
            if let slope = drift.medianSlopeMsPerTurn {
                line += "median session slope \(Fixed.format(slope, 2)) ms/turn over \(drift.sessionsFitted) sessions"
                line += " (\(Fixed.format(drift.significantlyPositivePct, 0, placeholder: "-")) % rising)"
            }
            if let ppm = drift.clockDriftPpm {
                line += (drift.sessionsFitted > 0 ? "; " : "") + "agent clock \(Fixed.format(ppm, 1)) ppm"
            }
            lines.append("")
            lines.append(line)
        }
        lines.append("")
        lines += Self.gateLines(report.gates)
        if !run.valid {
            // Only an overloaded harness makes the latencies its own; a late or missing shard (docs/distributed.md) does not.
            let reason = run.invalidReason ?? "the harness broke its lag bound"
            let harness = run.invalidReason == nil || reason.contains("harness-limited")
            lines.append("INVALID: \(reason)" + (harness ? " — latencies measure the harness" : ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func gateLines(_ gates: [GateResult]) -> [String] {
        guard !gates.isEmpty else { return ["gates: none"] }
        let passed = gates.count { $0.passed }
        return ["gates: \(passed)/\(gates.count) passed"] + gates.map(Self.gateLine)
    }

    /// One gate: `PASS  ttfa.p95 < 900 ms [all]  observed 412.3 ms`, or for a baseline gate its explanation.
    static func gateLine(_ gate: GateResult) -> String {
        let word = gate.verdict == .inconclusive ? "INCONCLUSIVE" : gate.verdict.rawValue.uppercased()
        switch gate.kind {
        case .threshold:
            let observed = gate.observed.map { GateFormat.value($0, gate.metric) } ?? "no data"
            return "  \(word)  \(Self.pad(GateReport.title(gate), 30))  observed \(observed)"
        case .baseline:
            let explanation = GateReport.explanation(gate)
            let detail = explanation.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
            return "  \(word)  \(detail)"
        }
    }

    /// What `chorus gate` prints: the baseline, every gate, and the verdict.
    public static func render(_ report: GateReport) -> String {
        var lines = ["gate run \(report.run.id)  \(report.run.name)"]
        if let b = report.baseline {
            lines.append("baseline \(b.id)  \(b.name)\(report.baselineSource.map { "  (from \($0))" } ?? "")")
            lines.append(
                "  \(report.method.resamples) session-level bootstrap resamples (seed \(report.method.seed)), 95 % intervals;"
                    + " a gate fails on a significant regression beyond its tolerance")
        }
        lines += Self.gateLines(report.gates)
        for problem in report.runProblems { lines.append("INVALID: \(problem)") }
        lines.append(report.passed ? "gate: PASS" : "gate: FAIL")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func percent(_ value: Double?) -> String {
        value.map { Fixed.format($0, 2) + " %" } ?? "-"
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: Swift.max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}
