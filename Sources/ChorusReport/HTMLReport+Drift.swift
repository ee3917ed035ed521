import ChorusCore

// MARK: - Long-session drift: per-cell table, soak chart

extension HTMLReport {
    /// One row per cell: session slopes, TTFA by turn bucket, the turn where p95 crosses the gate, clock drift.
    static func driftTable(_ report: RunReport) -> String {
        let threshold = DriftSummary.ttfaP95Threshold(report.gates)
        let rows = report.cellKeys.map { key in
            (key, DriftSummary(sessions: report.sessions(in: key), ttfaP95ThresholdMs: threshold))
        }
        guard rows.contains(where: { $0.1.sessionsFitted > 0 || $0.1.clockDriftSessions > 0 }) else {
            return "<p class=\"empty\">Needs sessions of \(SessionResult.minimumDriftTurns) or more ok turns "
                + "(latency drift) or with enough received media (clock drift).</p>"
        }
        var html = Self.cellsHead(
            "<th>sessions fitted</th><th class=\"hi\">slope ms/turn</th><th>rising</th><th>pooled (95 %)</th>"
                + "<th>p95 &gt; \(threshold.map { HTML.ms($0) } ?? "gate") at turn</th><th class=\"hi\">clock ppm</th>")
        for (key, d) in rows {
            html += Self.cellRow(key) + "<td>\(d.sessionsFitted)</td>"
            html += "<td class=\"hi\">\(Self.signed(d.medianSlopeMsPerTurn, 2))</td>"
            html += "<td>\(Fixed.format(d.significantlyPositivePct, 0, placeholder: "—"))\(d.significantlyPositivePct == nil ? "" : " %")</td>"
            if let fit = d.pooled {
                html += "<td>\(Self.signed(fit.slope, 2))<span class=\"sub\">\(Fixed.format(fit.low, 2))…\(Fixed.format(fit.high, 2))</span></td>"
            } else {
                html += "<td>—</td>"
            }
            html += "<td>\(d.firstTurnOverThreshold.map(String.init) ?? "—")</td>"
            var clock = Self.signed(d.clockDriftPpm, 1)
            if let range = d.clockDriftRange, d.clockDriftSessions > 1 {
                clock += "<span class=\"sub\">\(Fixed.format(range.lowerBound, 0))…\(Fixed.format(range.upperBound, 0)), "
                clock += "n=\(d.clockDriftSessions)</span>"
            }
            html += "<td class=\"hi\">\(clock)</td></tr>"
        }
        html += "</tbody></table><h3>TTFA p50 / p95 (ms) by turn number</h3>"
        html += Self.cellsHead(DriftSummary.bucketRanges.map { "<th>\($0.label)</th>" }.joined())
        for (key, d) in rows {
            html += Self.cellRow(key)
            for range in DriftSummary.bucketRanges {
                if let b = d.buckets.first(where: { $0.label == range.label }) {
                    html += "<td>\(HTML.ms(b.ttfa.p50))<span class=\"sub\">\(HTML.ms(b.ttfa.p95))</span></td>"
                } else {
                    html += "<td>—</td>"
                }
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// Resident memory (left axis) and the rolling TTFA p95 of the last minute (right axis) over the run: a soak
    /// run's memory must stay flat while its latency does.
    static func soakChart(_ report: RunReport) -> String {
        let samples = report.samples.filter { $0.rssMB > 0 }
        guard let first = samples.first, let last = samples.last, last.tMs > first.tMs else {
            return Self.emptyChart("No memory samples were recorded for this run.")
        }
        let turns = report.sessions.flatMap(\.turns).compactMap { t -> (Double, Double)? in
            guard t.outcome == .ok, let eos = t.eosMs, let ttfa = t.ttfaMs else { return nil }
            return (eos + ttfa, ttfa)
        }.sorted { $0.0 < $1.0 }
        let windowMs = 60_000.0
        var rolling: [(Double, Double)] = []
        var lower = 0
        var upper = 0
        for sample in samples {
            while upper < turns.count, turns[upper].0 <= sample.tMs { upper += 1 }
            while lower < upper, turns[lower].0 < sample.tMs - windowMs { lower += 1 }
            guard upper > lower else { continue }
            let window = turns[lower..<upper].map(\.1).sorted()
            if let p95 = LatencySummary.percentile(window, 95) { rolling.append((sample.tMs / 1000, p95)) }
        }
        let xTicks = SVGPlot.ticks(first.tMs / 1000, last.tMs / 1000, count: 9)
        let left = SVGPlot.ticks(0, samples.map(\.rssMB).max() ?? 1)
        let right = Self.rightAxis(sharing: left.values, max: rolling.map(\.1).max() ?? 1)
        var plot = SVGPlot(height: 260, right: 56, xDomain: xTicks.domain, yDomain: left.domain)
        let colors = (rss: SVGPlot.palette[2], p95: SVGPlot.palette[3])
        let legendSVG = Self.legend(
            [
                LegendEntry(label: "resident memory (MB)", color: colors.rss),
                LegendEntry(label: "TTFA p95 of the last minute (ms)", color: colors.p95, dashed: true),
            ], plot: &plot)
        var svg = Self.svgOpen(plot, title: "Memory and rolling TTFA p95 over the run")
        svg += legendSVG
        svg += Self.yGrid(plot, ticks: left.values, label: SVGPlot.label, title: "RSS (MB)")
        svg += Self.rightLabels(plot, axis: right, title: "TTFA p95 (ms)")
        svg += Self.xAxis(plot, ticks: xTicks.values, title: "seconds since the run started")
        let rss = samples.map { ($0.tMs / 1000, $0.rssMB) }
        svg += "<path class=\"series\" stroke=\"\(colors.rss)\" d=\"\(plot.path(rss, y: plot.y))\"/>"
        if !rolling.isEmpty {
            let rightY = { (v: Double) in plot.y(v, domain: right.domain) }
            svg += "<path class=\"series dashed\" stroke=\"\(colors.p95)\" d=\"\(plot.path(rolling, y: rightY))\"/>"
        }
        return svg + "</svg>"
    }

    private static func signed(_ value: Double?, _ digits: Int) -> String {
        guard let value else { return "—" }
        return (value >= 0 ? "+" : "") + Fixed.format(value, digits)
    }
}
