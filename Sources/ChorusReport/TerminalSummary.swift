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
        for (title, s) in [("TTFA", a.ttfa), ("TTFA audible", a.ttfaAudible)] {
            let values = [s.p50, s.p90, s.p95, s.p99, s.max].map { Fixed.format($0, 1, placeholder: "-") }
            lines.append(Self.pad(title, 14) + ([String(s.count)] + values).map { Self.pad($0, 9, right: true) }.joined())
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
        lines.append("")
        lines += Self.gateLines(report.gates)
        if !run.valid {
            lines.append("INVALID: \(run.invalidReason ?? "the harness broke its lag bound") — latencies measure the harness")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func gateLines(_ gates: [GateResult]) -> [String] {
        guard !gates.isEmpty else { return ["gates: none"] }
        let passed = gates.count { $0.passed }
        var lines = ["gates: \(passed)/\(gates.count) passed"]
        for gate in gates {
            let unit = GateEvaluator.unit(of: gate.metric)
            let suffix = unit.isEmpty ? "" : " \(unit)"
            let rule = "\(gate.metric) \(gate.comparator) \(Fixed.trimmed(gate.threshold, 3))\(suffix)"
            let observed = gate.observed.map { Fixed.format($0, 1) + suffix } ?? "no data"
            lines.append("  \(gate.passed ? "PASS" : "FAIL")  \(Self.pad(rule, 30))  observed \(observed)")
        }
        return lines
    }

    private static func percent(_ value: Double?) -> String {
        value.map { Fixed.format($0, 2) + " %" } ?? "-"
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: Swift.max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}
