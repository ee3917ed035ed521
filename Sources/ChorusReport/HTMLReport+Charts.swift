import ChorusCore
import Foundation

// MARK: - SVG charts: TTFA CDF, TTFA by turn index, harness load and lateness

extension HTMLReport {
    /// One line of a chart's legend.
    struct LegendEntry {
        var label: String
        var color: String
        var dashed = false
        var area = false
    }

    /// One line of a latency chart: a cell's TTFA or TTFA audible values, sorted.
    struct LatencySeries {
        var label: String
        var color: String
        var dashed: Bool
        var values: [Double]
    }

    /// TTFA (solid) and TTFA audible (dashed) of `ok` turns per cell, with the legend that explains them.
    static func ttfaSeries(_ report: RunReport) -> (series: [LatencySeries], legend: [LegendEntry]) {
        let multi = report.cellKeys.count > 1
        let names = CellKey.shortLabels(report.cellKeys)
        var series: [LatencySeries] = []
        var legend: [LegendEntry] = []
        for (i, key) in report.cellKeys.enumerated() {
            let ok = report.sessions(in: key).flatMap(\.turns).filter { $0.outcome == .ok }
            let ttfa = ok.compactMap(\.ttfaMs).filter(\.isFinite).sorted()
            let audible = ok.compactMap(\.ttfaAudibleMs).filter(\.isFinite).sorted()
            let name = names[key] ?? key.label
            let colors = multi ? (SVGPlot.palette[i % 10], SVGPlot.palette[i % 10]) : (SVGPlot.palette[0], SVGPlot.palette[1])
            series.append(LatencySeries(label: multi ? "\(name) TTFA" : "TTFA", color: colors.0, dashed: false, values: ttfa))
            series.append(
                LatencySeries(label: multi ? "\(name) TTFA audible" : "TTFA audible", color: colors.1, dashed: true, values: audible))
            if multi { legend.append(LegendEntry(label: name, color: colors.0)) }
        }
        legend += multi
            ? [LegendEntry(label: "TTFA", color: "#888"), LegendEntry(label: "TTFA audible", color: "#888", dashed: true)]
            : [LegendEntry(label: "TTFA", color: SVGPlot.palette[0]),
               LegendEntry(label: "TTFA audible", color: SVGPlot.palette[1], dashed: true)]
        return (series.filter { !$0.values.isEmpty }, legend)
    }

    /// The cumulative distribution of TTFA and TTFA audible over `ok` turns, one pair of lines per cell.
    static func cdfChart(_ report: RunReport) -> String {
        let (series, legend) = Self.ttfaSeries(report)
        let all = series.flatMap(\.values)
        guard let lowest = all.min(), let highest = all.max() else {
            return Self.emptyChart("No TTFA was measured: no turn ended ok with agent audio.")
        }
        let xTicks = SVGPlot.ticks(Swift.min(0, lowest), highest, count: 8)
        var plot = SVGPlot(height: 360, right: 40, xDomain: xTicks.domain, yDomain: 0...100)
        let legendSVG = Self.legend(legend, plot: &plot)
        var svg = Self.svgOpen(plot, title: "Cumulative distribution of TTFA and TTFA audible over ok turns")
        svg += legendSVG
        svg += Self.yGrid(plot, ticks: [0, 25, 50, 75, 100], label: { SVGPlot.label($0) + "%" }, title: "share of ok turns")
        for (p, name) in [(50.0, "p50"), (90, "p90"), (95, "p95"), (99, "p99")] {
            let y = SVGPlot.n(plot.y(p))
            if p != 50 {
                svg += "<line class=\"ref\" x1=\"\(SVGPlot.n(plot.plotLeft))\" x2=\"\(SVGPlot.n(plot.plotRight))\" y1=\"\(y)\" y2=\"\(y)\"/>"
            }
            svg += "<text class=\"reflabel\" x=\"\(SVGPlot.n(plot.plotRight + 4))\" y=\"\(y)\" dy=\"0.32em\">\(name)</text>"
        }
        svg += Self.xAxis(plot, ticks: xTicks.values, title: "milliseconds after end of speech")
        for s in series {
            let points = stride(from: 0.0, through: 100.0, by: 0.5).map { p in
                (LatencySummary.percentile(s.values, p) ?? 0, p)
            }
            svg += "<path class=\"series\(s.dashed ? " dashed" : "")\" stroke=\"\(s.color)\" d=\"\(plot.path(points, y: plot.y))\">"
            svg += "<title>\(HTML.escape(s.label)) (n=\(s.values.count))</title></path>"
            if let p95 = LatencySummary.percentile(s.values, 95) {
                svg += "<circle class=\"dot\" fill=\"\(s.color)\" r=\"3.5\" cx=\"\(SVGPlot.n(plot.x(p95)))\" cy=\"\(SVGPlot.n(plot.y(95)))\">"
                svg += "<title>\(HTML.escape(s.label)) p95 = \(HTML.ms(p95)) ms (n=\(s.values.count))</title></circle>"
            }
        }
        return svg + "</svg>"
    }

    /// TTFA by percentile on a scale that stretches the tail (p90, p99, p99.9 equally spaced), with TTFA gates.
    static func tailChart(_ report: RunReport) -> String {
        let (series, legend) = Self.ttfaSeries(report)
        let largest = series.map(\.values.count).max() ?? 0
        guard largest >= 10 else { return Self.emptyChart("Needs at least 10 ok turns with audio to show the tail.") }
        // With n values nothing past the 1 − 1/n quantile is measured, so the axis stops there.
        let reach = { (n: Int) in Swift.min(3, log10(Double(n))) }
        let gates = report.gates.filter { $0.metric.hasPrefix("ttfa.") || $0.metric.hasPrefix("ttfa_audible.") }
            .filter { $0.comparator.hasPrefix("<") && GateEvaluator.unit(of: $0.metric) == "ms" }
        let highest = (series.compactMap(\.values.last) + gates.map(\.threshold)).max() ?? 1
        let yTicks = SVGPlot.ticks(0, highest)
        var plot = SVGPlot(height: 320, xDomain: 0...reach(largest), yDomain: yTicks.domain)
        var entries = legend
        if !gates.isEmpty { entries.append(LegendEntry(label: "gate", color: "#c62828", dashed: true)) }
        let legendSVG = Self.legend(entries, plot: &plot)
        var svg = Self.svgOpen(plot, title: "TTFA by percentile, tail stretched")
        svg += legendSVG
        svg += Self.yGrid(plot, ticks: yTicks.values, label: SVGPlot.label, title: "TTFA (ms)")
        let xTicks: [(Double, String)] = [
            (0, "min"), (log10(2), "p50"), (1, "p90"), (log10(20), "p95"), (2, "p99"), (3, "p99.9"),
        ]
        svg += Self.xAxis(plot, labelled: xTicks.filter { $0.0 <= plot.xDomain.upperBound + 1e-9 }, title: "percentile")
        svg += Self.gateLines(gates, plot: plot)
        for s in series {
            let end = reach(s.values.count)
            let points = (0...240).map { k -> (Double, Double) in
                let x = end * Double(k) / 240
                return (x, LatencySummary.percentile(s.values, 100 * (1 - pow(10, -x))) ?? 0)
            }
            svg += "<path class=\"series\(s.dashed ? " dashed" : "")\" stroke=\"\(s.color)\" d=\"\(plot.path(points, y: plot.y))\">"
            svg += "<title>\(HTML.escape(s.label)) (n=\(s.values.count))</title></path>"
        }
        return svg + "</svg>"
    }

    /// Dashed lines at TTFA gate limits, labelled without overlapping, with a mark at the gated percentile.
    private static func gateLines(_ gates: [GateResult], plot: SVGPlot) -> String {
        var svg = ""
        var placed: [(y: Double, right: Double)] = []
        for gate in gates.sorted(by: { $0.threshold > $1.threshold }) {
            let y = plot.y(gate.threshold)
            let text = "\(gate.metric) \(gate.comparator) \(Fixed.trimmed(gate.threshold, 1)) ms"
            // Labels sit above their line; one that would collide moves right of the one it hits.
            let x = placed.filter { abs($0.y - y) < 14 }.map { $0.right + 16 }.max() ?? plot.plotLeft + 6
            placed.append((y, x + Double(text.count) * 6.2))
            svg += "<line class=\"gate\" x1=\"\(SVGPlot.n(plot.plotLeft))\" x2=\"\(SVGPlot.n(plot.plotRight))\" "
            svg += "y1=\"\(SVGPlot.n(y))\" y2=\"\(SVGPlot.n(y))\"/>"
            svg += "<text class=\"gatelabel\" x=\"\(SVGPlot.n(x))\" y=\"\(SVGPlot.n(y))\" dy=\"-0.4em\">\(HTML.escape(text))</text>"
            let statistic = gate.metric.split(separator: ".").last.map(String.init) ?? ""
            if statistic.hasPrefix("p"), let p = Double(statistic.dropFirst()), p > 0, p < 100 {
                let gx = log10(100 / (100 - p))
                if gx <= plot.xDomain.upperBound {
                    svg += "<circle class=\"gatemark\" r=\"4.5\" cx=\"\(SVGPlot.n(plot.x(gx)))\" cy=\"\(SVGPlot.n(y))\">"
                    svg += "<title>\(HTML.escape(text))</title></circle>"
                }
            }
        }
        return svg
    }

    /// Median TTFA of `ok` turns per turn index with its interquartile band, its p95 (dashed) and the Theil–Sen line
    /// through every turn (dotted), one colour per cell: shows drift.
    static func turnIndexChart(_ report: RunReport) -> (svg: String, drift: [(String, Double)]) {
        let multi = report.cellKeys.count > 1
        let names = CellKey.shortLabels(report.cellKeys)
        var lines: [(label: String, color: String, points: [TurnPoint], fit: TheilSen?)] = []
        for (i, key) in report.cellKeys.enumerated() {
            let sessions = report.sessions(in: key)
            let points = Self.turnPoints(sessions)
            if !points.isEmpty {
                lines.append(
                    (multi ? names[key] ?? key.label : "median TTFA", SVGPlot.palette[i % 10], points,
                     DriftSummary(sessions: sessions).pooled))
            }
        }
        let maxIndex = lines.flatMap { $0.points.map(\.index) }.max() ?? 0
        guard maxIndex > 0 else {
            return (Self.emptyChart("Needs ok turns at two or more turn indices to show TTFA across a session."), [])
        }
        let xTicks = SVGPlot.ticks(0, Double(maxIndex), count: Swift.min(maxIndex + 1, 12), integer: true)
        let yTicks = SVGPlot.ticks(0, lines.flatMap { $0.points.map(\.p95) }.max() ?? 1)
        var plot = SVGPlot(height: 300, xDomain: xTicks.domain, yDomain: yTicks.domain)
        var legend = lines.map { LegendEntry(label: $0.label, color: $0.color) }
        let neutral = multi ? "#888" : SVGPlot.palette[0]
        legend.append(LegendEntry(label: "interquartile range", color: neutral, area: true))
        legend.append(LegendEntry(label: "p95", color: neutral, dashed: true))
        let legendSVG = Self.legend(legend, plot: &plot)
        var svg = Self.svgOpen(plot, title: "Median TTFA by turn index")
        svg += legendSVG
        svg += Self.yGrid(plot, ticks: yTicks.values, label: SVGPlot.label, title: "TTFA (ms)")
        svg += Self.xAxis(plot, ticks: xTicks.values, title: "turn index within the session")
        for line in lines {
            let band = line.points.map { (Double($0.index), $0.q3) } + line.points.reversed().map { (Double($0.index), $0.q1) }
            svg += "<path class=\"band\" fill=\"\(line.color)\" d=\"\(plot.path(band, y: plot.y))Z\"/>"
        }
        for line in lines {
            let p95 = line.points.map { (Double($0.index), $0.p95) }
            svg += "<path class=\"series dashed\" stroke=\"\(line.color)\" d=\"\(plot.path(p95, y: plot.y))\"/>"
            if let fit = line.fit, let first = line.points.first, let last = line.points.last {
                let ends = [Double(first.index), Double(last.index)].map { ($0, fit.intercept + fit.slope * $0) }
                svg += "<path class=\"series dotted\" stroke=\"\(line.color)\" d=\"\(plot.path(ends, y: plot.y))\">"
                svg += "<title>\(HTML.escape(line.label)): Theil–Sen \(Fixed.format(fit.slope, 2)) ms/turn "
                svg += "(95 % \(Fixed.format(fit.low, 2))…\(Fixed.format(fit.high, 2)))</title></path>"
            }
            let median = line.points.map { (Double($0.index), $0.median) }
            svg += "<path class=\"series\" stroke=\"\(line.color)\" d=\"\(plot.path(median, y: plot.y))\"/>"
            for p in line.points {
                svg += "<circle class=\"dot\" fill=\"\(line.color)\" r=\"3\" cx=\"\(SVGPlot.n(plot.x(Double(p.index))))\" cy=\"\(SVGPlot.n(plot.y(p.median)))\">"
                svg += "<title>\(HTML.escape(line.label)), turn \(p.index): median \(HTML.ms(p.median)) ms, "
                svg += "IQR \(HTML.ms(p.q1))–\(HTML.ms(p.q3)) ms, n=\(p.count)</title></circle>"
            }
        }
        let drift = lines.compactMap { line in Self.theilSen(line.points).map { (line.label, $0) } }
        return (svg + "</svg>", drift)
    }

    /// Active sessions (left axis) and the harness's send lateness and event-loop lag p99 (right axis) over time.
    static func harnessChart(_ report: RunReport) -> String {
        let samples = report.samples
        guard let first = samples.first, let last = samples.last else {
            return Self.emptyChart("No harness samples were recorded for this run.")
        }
        let start = Swift.min(0, first.tMs / 1000), end = Swift.max(last.tMs / 1000, start + 1)
        // Time ends where the run ended, not at the next round tick.
        let xTicks = SVGPlot.ticks(start, end, count: 9).values.filter { $0 <= end + 1e-9 }
        let left = SVGPlot.ticks(0, Double(samples.map(\.activeSessions).max() ?? 1), integer: true)
        let lateMax = samples.map { Swift.max($0.sendLateP99Us, $0.loopLagP99Us) / 1000 }.max() ?? 1
        let right = Self.rightAxis(sharing: left.values, max: lateMax)
        var plot = SVGPlot(height: 300, right: 56, xDomain: start...end, yDomain: left.domain)
        let colors = (active: SVGPlot.palette[0], late: SVGPlot.palette[3], lag: SVGPlot.palette[1])
        let legendSVG = Self.legend(
            [
                LegendEntry(label: "active sessions", color: colors.active, area: true),
                LegendEntry(label: "send lateness p99 (ms)", color: colors.late),
                LegendEntry(label: "event-loop lag p99 (ms)", color: colors.lag, dashed: true),
            ], plot: &plot)
        var svg = Self.svgOpen(plot, title: "Active sessions and harness lateness over time")
        svg += legendSVG
        svg += Self.yGrid(plot, ticks: left.values, label: SVGPlot.label, title: "active sessions")
        svg += Self.rightLabels(plot, axis: right, title: "p99 lateness (ms)")
        svg += Self.xAxis(plot, ticks: xTicks, title: "seconds since the run started")
        let active = samples.map { ($0.tMs / 1000, Double($0.activeSessions)) }
        let area = active + [(last.tMs / 1000, 0), (first.tMs / 1000, 0)]
        svg += "<path class=\"band\" fill=\"\(colors.active)\" d=\"\(plot.path(area, y: plot.y))Z\"/>"
        svg += "<path class=\"series\" stroke=\"\(colors.active)\" d=\"\(plot.path(active, y: plot.y))\"/>"
        let rightY = { (v: Double) in plot.y(v, domain: right.domain) }
        let late = samples.map { ($0.tMs / 1000, $0.sendLateP99Us / 1000) }
        let lag = samples.map { ($0.tMs / 1000, $0.loopLagP99Us / 1000) }
        svg += "<path class=\"series dashed\" stroke=\"\(colors.lag)\" d=\"\(plot.path(lag, y: rightY))\"/>"
        svg += "<path class=\"series\" stroke=\"\(colors.late)\" d=\"\(plot.path(late, y: rightY))\"/>"
        return svg + "</svg>"
    }

    // MARK: - Pieces

    struct TurnPoint {
        var index: Int
        var median: Double
        var q1: Double
        var q3: Double
        var p95: Double
        var count: Int
    }

    static func turnPoints(_ sessions: [SessionResult]) -> [TurnPoint] {
        var byIndex: [Int: [Double]] = [:]
        for turn in sessions.lazy.flatMap(\.turns) where turn.outcome == .ok {
            if let v = turn.ttfaMs, v.isFinite { byIndex[turn.turnIndex, default: []].append(v) }
        }
        return byIndex.keys.sorted().map { index in
            let sorted = byIndex[index, default: []].sorted()
            return TurnPoint(
                index: index, median: LatencySummary.percentile(sorted, 50) ?? 0,
                q1: LatencySummary.percentile(sorted, 25) ?? 0, q3: LatencySummary.percentile(sorted, 75) ?? 0,
                p95: LatencySummary.percentile(sorted, 95) ?? 0, count: sorted.count)
        }
    }

    /// The median of pairwise slopes of the per-turn medians (ms per turn); robust to one odd turn.
    static func theilSen(_ points: [TurnPoint]) -> Double? {
        guard points.count >= 3 else { return nil }
        let used = points.prefix(200)
        var slopes: [Double] = []
        for (i, a) in used.enumerated() {
            for b in used.dropFirst(i + 1) {
                slopes.append((b.median - a.median) / Double(b.index - a.index))
            }
        }
        return LatencySummary.percentile(slopes.sorted(), 50)
    }
}
