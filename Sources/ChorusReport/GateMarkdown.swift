import ChorusCore

/// A gate report as a compact Markdown table for a CI job summary or a pull-request comment.
///
/// One row per gate and cell: ✅ pass, ❌ fail, ⚠️ inconclusive; deltas against the baseline carry ▲ (up) or ▼ (down).
public enum GateMarkdown {
    /// The Markdown text, ending with a line break.
    public static func render(_ report: GateReport) -> String {
        let headline = report.passed ? "✅ passed" : "❌ failed"
        var lines = ["### Chorus gate \(headline): `\(report.run.name)`", ""]
        var about = "Run `\(report.run.id)`"
        if let b = report.baseline {
            about += " against baseline `\(b.id)`"
            if let source = report.baselineSource { about += " from `\(source)`" }
        }
        let passed = report.gates.count { $0.passed }
        lines.append(about + " — \(passed)/\(report.gates.count) gates passed.")
        for problem in report.runProblems { lines += ["", "> ❌ \(problem)"] }
        guard !report.gates.isEmpty else { return (lines + ["", "No gates were checked."]).joined(separator: "\n") + "\n" }
        lines += ["", "| | metric | cell | run | baseline | Δ | 95 % CI | p | limit |", "|---|---|---|---|---|---|---|---|---|"]
        for g in report.gates {
            let m = g.metric
            let status = g.verdict == .pass ? "✅" : g.verdict == .fail ? "❌" : "⚠️"
            let observed = g.observed.map { GateFormat.value($0, m) } ?? "no data"
            let baseline = g.baselineObserved.map { GateFormat.value($0, m) } ?? ""
            var delta = ""
            if let d = g.delta {
                let signed = GateFormat.signed(d, m)
                let zero = !signed.contains(where: { ("1"..."9").contains($0) })
                delta = (zero ? "" : signed.hasPrefix("-") ? "▼ " : "▲ ") + signed
                if let b = g.baselineObserved, b != 0 {
                    let relative = Fixed.format(d / abs(b) * 100, 1)
                    delta += " (\(relative.hasPrefix("-") ? relative : "+" + relative) %)"
                }
            }
            let interval = g.ciLow.flatMap { lo in g.ciHigh.map { "\(GateFormat.signed(lo, m)) … \(GateFormat.signed($0, m))" } } ?? ""
            let p = g.pValue.map(GateFormat.pValue) ?? ""
            var limit: String
            switch g.kind {
            case .threshold: limit = "\(g.comparator) \(GateFormat.limit(g.threshold, m))"
            case .baseline: limit = g.tolerance.map { "Δ \(g.comparator.first == ">" ? "≥ -" : "≤ +")\(GateFormat.value($0, m))" } ?? ""
            }
            if g.verdict == .inconclusive, let needed = g.neededSamples { limit += " (needs \(needed) per run)" }
            let cells = [status, "`\(m)`", g.cellLabel, observed, baseline, delta, interval, p, limit]
            lines.append("| " + cells.map(Self.cell).joined(separator: " | ") + " |")
        }
        let notes = report.gates.filter { $0.verdict == .inconclusive }.compactMap { g in g.note.map { "`\(g.metric)` [\(g.cellLabel)]: \($0)" } }
        if !notes.isEmpty { lines += [""] + notes.map { "- ⚠️ \($0)" } }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text safe inside a table cell.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
