import ChorusCore

// MARK: - Tables: latency summary, gates, outcomes, cells

extension HTMLReport {
    static func summaryTable(_ a: RunAggregates) -> String {
        var html = "<table class=\"num\"><thead><tr><th>metric</th><th>count</th><th>p50</th><th>p90</th>"
        html += "<th class=\"hi\">p95</th><th>p99</th><th>max</th></tr></thead><tbody>"
        for metric in RunAggregates.latencyMetrics {
            guard let s = a.latency(named: metric.name) else { continue }
            html += "<tr><th>\(metric.title)</th><td>\(s.count)</td><td>\(HTML.ms(s.p50))</td><td>\(HTML.ms(s.p90))</td>"
            html += "<td class=\"hi\">\(HTML.ms(s.p95))</td><td>\(HTML.ms(s.p99))</td><td>\(HTML.ms(s.max))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func gatesTable(_ gates: [GateResult]) -> String {
        guard !gates.isEmpty else { return "<p class=\"empty\">No gates were checked for this run.</p>" }
        let hasBaseline = gates.contains { $0.baselineRunId != nil }
        var html = "<table class=\"num gates\"><thead><tr><th>metric</th><th>rule</th><th>observed</th>"
        html += hasBaseline ? "<th>baseline</th>" : ""
        html += "<th class=\"c\">result</th></tr></thead><tbody>"
        for gate in gates {
            let unit = GateEvaluator.unit(of: gate.metric)
            let suffix = unit.isEmpty ? "" : " \(unit)"
            let rule = "\(gate.comparator) \(Fixed.trimmed(gate.threshold, 3))\(suffix)"
            let observed = gate.observed.map { Fixed.format($0, 1) + suffix } ?? "no data"
            let scope = gate.cell.map { " <small>\(HTML.escape($0))</small>" } ?? ""
            html += "<tr class=\"\(gate.passed ? "pass" : "fail")\"><th><code>\(HTML.escape(gate.metric))</code>\(scope)</th>"
            html += "<td>\(HTML.escape(rule))</td><td>\(HTML.escape(observed))</td>"
            if hasBaseline { html += "<td><code>\(HTML.escape(gate.baselineRunId ?? "—"))</code></td>" }
            let word = gate.verdict == .inconclusive ? "INCONCLUSIVE" : gate.passed ? "PASS" : "FAIL"
            html += "<td><span class=\"badge \(gate.passed ? "good" : "bad")\">\(word)</span></td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func outcomesBlock(_ a: RunAggregates) -> String {
        let present = Outcome.allCases.filter { a.turnOutcomes[$0] != nil || a.sessionOutcomes[$0] != nil }
        guard !present.isEmpty else { return "<p class=\"empty\">No sessions were recorded.</p>" }
        var html = ""
        if a.turnCount > 0 {
            html += "<div class=\"stack\" role=\"img\" aria-label=\"turn outcomes\">"
            for outcome in present {
                guard let n = a.turnOutcomes[outcome], n > 0 else { continue }
                let pct = Double(n) / Double(a.turnCount) * 100
                html += "<span class=\"o-\(outcome.rawValue)\" style=\"width:\(Fixed.format(pct, 3))%\" "
                html += "title=\"\(outcome.rawValue): \(n) turns (\(Fixed.format(pct, 1)) %)\"></span>"
            }
            html += "</div>"
        }
        html += "<table class=\"num\"><thead><tr><th>outcome</th><th>turns</th><th>% of turns</th><th>sessions</th>"
        html += "<th>% of sessions</th></tr></thead><tbody>"
        for outcome in present {
            let turns = a.turnOutcomes[outcome] ?? 0
            let sessions = a.sessionOutcomes[outcome] ?? 0
            html += "<tr><th><span class=\"chip o-\(outcome.rawValue)\"></span>\(outcome.rawValue)</th>"
            html += "<td>\(turns)</td><td>\(HTML.share(turns, of: a.turnCount))</td>"
            html += "<td>\(sessions)</td><td>\(HTML.share(sessions, of: a.sessionCount))</td></tr>"
        }
        html += "<tr class=\"total\"><th>all</th><td>\(a.turnCount)</td><td></td><td>\(a.sessionCount)</td><td></td></tr>"
        html += "</tbody></table>"
        html += "<p class=\"note\">Error rate \(HTML.percent(a.errorRatePct)) of \(a.attemptedTurns) attempted turns"
        if a.sessionsFailedBeforeFirstTurn > 0 {
            let n = a.sessionsFailedBeforeFirstTurn
            html += " (including \(n) session\(n == 1 ? "" : "s") that failed before \(n == 1 ? "its" : "their") first turn)"
        }
        return html + "; interrupted turns are not counted as attempted.</p>"
    }

    /// The cells side by side in two tables that each fit the page: what the caller waited for, then what the network
    /// did to the audio.
    static func cellsTables(_ report: RunReport) -> String {
        let cells = report.cellKeys.compactMap { key in report.cells[key].map { (key, $0) } }
        var html = "<h3>Latency</h3>"
        html += Self.cellsHead(
            "<th>sessions</th><th>turns ok</th><th>errors</th><th>TTFA p50</th><th class=\"hi\">TTFA p95</th>"
                + "<th>TTFA p99</th><th>audible p95</th><th>v2v p95</th><th>connect p95</th><th>stalls / min</th>")
        for (key, c) in cells {
            html += Self.cellRow(key)
            html += "<td>\(c.sessionCount)</td><td>\(c.okTurns) / \(c.attemptedTurns)</td><td>\(HTML.percent(c.errorRatePct))</td>"
            html += "<td>\(HTML.ms(c.ttfa.p50))</td><td class=\"hi\">\(HTML.ms(c.ttfa.p95))</td><td>\(HTML.ms(c.ttfa.p99))</td>"
            html += "<td>\(HTML.ms(c.ttfaAudible.p95))</td><td>\(HTML.ms(c.voiceToVoice.p95))</td>"
            html += "<td>\(HTML.ms(c.connect.p95))</td><td>\(Fixed.format(c.stallsPerMinute, 2, placeholder: "—"))</td></tr>"
        }
        html += "</tbody></table><h3>Network</h3>"
        html += Self.cellsHead(
            "<th>effective loss ↓</th><th>loss ↑</th><th>jitter ↓ (ms)</th><th>MOS</th>")
        for (key, c) in cells {
            html += Self.cellRow(key)
            html += "<td>\(HTML.percent(c.effectiveLossDownPct))</td><td>\(HTML.percent(c.lossUpPct))</td>"
            html += "<td>\(HTML.ms(c.jitterDownMs))</td><td>\(Fixed.format(c.mosDown, 2, placeholder: "—"))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    // Dialect and codec go under the transport, not in columns of their own, so the latency half fits a sheet of paper.
    static func cellsHead(_ metrics: String) -> String {
        "<table class=\"num compact cells\"><thead><tr><th>transport<span class=\"sub\">dialect · codec</span></th>"
            + "<th class=\"l\">network</th>\(metrics)</tr></thead><tbody>"
    }

    static func cellRow(_ key: CellKey) -> String {
        let sub = HTML.escape("\(key.dialect) · \(key.codec)")
        return "<tr><th>\(HTML.escape(key.transport))<span class=\"sub\">\(sub)</span></th>"
            + "<th>\(HTML.escape(key.networkProfile))</th>"
    }

    /// A compact table with one row per cell (short labels, sorted): `head` is the header cells after "cell", `row`
    /// the data cells of one cell's values.
    static func perCellTable<Value>(_ byCell: [CellKey: Value], head: String, row: (Value) -> String) -> String {
        let keys = byCell.keys.sorted()
        let labels = CellKey.shortLabels(keys)
        var table = "<table class=\"num compact\"><thead><tr><th class=\"l\">cell</th>\(head)</tr></thead><tbody>"
        for key in keys {
            guard let value = byCell[key] else { continue }
            table += "<tr><th class=\"l\">\(HTML.escape(labels[key] ?? key.label))</th>\(row(value))</tr>"
        }
        return table + "</tbody></table>"
    }
}
