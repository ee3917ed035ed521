import ChorusCore
import Foundation

/// The run as one self-contained HTML page: inline CSS and SVG charts, nothing fetched, every input escaped.
///
/// Sections: header and validity, headline tiles, TTFA distribution chart, latency summary, gates, outcomes,
/// cells (when the run has several), TTFA by turn index, long-session drift (per cell), soak (memory and rolling p95,
/// runs of two minutes or more), harness load and lateness, and the scenario as run.
public enum HTMLReport {
    /// The complete HTML document for `report`.
    public static func render(_ report: RunReport) -> String {
        let run = report.run
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<meta name=\"generator\" content=\"chorus \(HTML.escape(run.harnessVersion))\">\n"
        html += "<title>\(HTML.escape(run.name)) · Chorus run \(HTML.escape(run.id))</title>\n"
        html += "<style>\n\(Self.styleSheet)</style>\n</head>\n<body>\n<main>\n"
        html += Self.header(run)
        html += Self.validity(run)
        html += Self.tiles(report)
        html += Self.section(
            "Time to first audio", id: "ttfa",
            note: "Share of ok turns whose first agent audio (solid) or first audible agent audio (dashed) "
                + "arrived within a given time after the caller finished speaking. Dots mark p95.",
            body: Self.cdfChart(report))
        html += Self.section(
            "TTFA tail", id: "tail",
            note: "TTFA at each percentile, on a scale that gives p90, p99 and p99.9 the same room; "
                + "dashed red lines are the run's TTFA gates.",
            body: Self.tailChart(report))
        html += Self.section("Latency summary", id: "summary", note: "Milliseconds; ok turns and connected sessions.",
                             body: Self.summaryTable(report.overall))
        html += Self.connectPhasesSection(report)
        html += Self.bargeInSection(report)
        html += Self.section("Gates", id: "gates", note: nil, body: Self.gatesTable(report.gates))
        html += Self.section("Outcomes", id: "outcomes", note: nil, body: Self.outcomesBlock(report.overall))
        if report.cellKeys.count > 1 {
            html += Self.section(
                "Cells", id: "cells",
                note: "One row per network profile and transport (with its dialect and codec), transports of a profile "
                    + "side by side; the TTFA charts above draw one line per cell. ↓ agent → caller, ↑ caller → agent.",
                body: Self.cellsTables(report))
        }
        let drift = Self.turnIndexChart(report)
        html += Self.section(
            "TTFA across a session", id: "drift",
            note: "Median TTFA of ok turns at each turn index, with the middle half of turns shaded, p95 dashed and "
                + "the Theil–Sen line through every turn dotted. A rising line is drift." + Self.driftNote(drift.drift),
            body: drift.svg)
        html += Self.section(
            "Long-session drift", id: "long-drift",
            note: "Per session, the Theil–Sen slope of TTFA against turn index with its 95 % rank interval (the median "
                + "over the cell's fitted sessions); 'rising' is the share of sessions whose whole interval is above "
                + "zero; 'pooled' one line through every ok turn; the first turn whose TTFA p95 exceeds the ttfa.p95 "
                + "gate. TTFA p50 / p95 by turn "
                + "number (1-based). Clock drift: how fast the agent's media clock ran against the caller's "
                + "(+ fast), median over sessions, from the lower envelope of media time against arrival.",
            body: Self.driftTable(report))
        if let first = report.samples.first, let last = report.samples.last, last.tMs - first.tMs >= 120_000 {
            html += Self.section(
                "Soak", id: "soak",
                note: "Resident memory of the harness and the TTFA p95 of the last minute, over the run. "
                    + "Both flat: the harness holds no per-turn state and the agent does not degrade.",
                body: Self.soakChart(report))
        }
        html += Self.section(
            "Harness", id: "harness",
            note: "How busy the harness was and how late it sent frames against its own schedule. "
                + "Lateness here is the harness's, not the agent's.",
            body: Self.harnessChart(report))
        html += Self.scenario(run)
        html += "<footer>Chorus \(HTML.escape(run.harnessVersion)) · times in milliseconds · "
        html += "TTFA is measured from the send of the frame holding the last speech sample (docs/metrics.md)</footer>\n"
        return html + "</main>\n</body>\n</html>\n"
    }

    // MARK: - Page parts

    private static func header(_ run: RunInfo) -> String {
        var meta: [(String, String)] = [
            ("run", "<code>\(HTML.escape(run.id))</code>"),
            ("status", "<span class=\"badge status-\(run.status.rawValue)\">\(run.status.rawValue)</span>"),
            ("started", HTML.escape(run.startedAt)),
            ("ended", HTML.escape(run.endedAt ?? "—")),
        ]
        if let duration = Self.duration(from: run.startedAt, to: run.endedAt) { meta.append(("duration", duration)) }
        meta.append(("host", HTML.escape(run.host)))
        meta.append(("harness", HTML.escape(run.harnessVersion)))
        if let commit = run.gitCommit { meta.append(("commit", "<code>\(HTML.escape(commit))</code>")) }
        var html = "<header class=\"top\">\n<div class=\"brand\">Chorus · run report</div>\n"
        html += "<h1>\(HTML.escape(run.name))</h1>\n<dl class=\"meta\">"
        for (key, value) in meta { html += "<div><dt>\(key)</dt><dd>\(value)</dd></div>" }
        return html + "</dl>\n</header>\n"
    }

    private static func validity(_ run: RunInfo) -> String {
        if run.valid {
            return "<p class=\"valid\">Valid run: the harness kept to its schedule, so these latencies are the agent's.</p>\n"
        }
        let reason = HTML.escape(run.invalidReason ?? "the harness broke its lag bound")
        return "<div class=\"invalid\" role=\"alert\"><strong>INVALID: \(reason)</strong>"
            + "<span>The harness fell behind its own schedule; latencies in this report measure the harness, "
            + "not the agent. Re-run with fewer callers or on a quieter machine.</span></div>\n"
    }

    private static func tiles(_ report: RunReport) -> String {
        let a = report.overall
        let passed = report.gates.count { $0.passed }
        var tiles: [(label: String, value: String, unit: String, tone: String)] = [
            ("turns ok", "\(a.okTurns)", "/ \(a.attemptedTurns)", a.okTurns == a.attemptedTurns ? "" : "warn"),
            ("error rate", Fixed.format(a.errorRatePct, 2, placeholder: "—"), "%", (a.errorTurns > 0) ? "warn" : ""),
            ("TTFA p50", HTML.ms(a.ttfa.p50), "ms", ""),
            ("TTFA p95", HTML.ms(a.ttfa.p95), "ms", ""),
            ("TTFA audible p95", HTML.ms(a.ttfaAudible.p95), "ms", ""),
            ("voice-to-voice p95", HTML.ms(a.voiceToVoice.p95), "ms", ""),
            ("stalls", Fixed.format(a.stallsPerMinute, 2, placeholder: "—"), "/ min", a.stallCount > 0 ? "warn" : ""),
            // A TTFA below the network's physical minimum is a measurement bug; audio after its turn ended is counted
            // on that turn, never as a later turn's answer (docs/metrics.md).
            ("implausible TTFA", "\(a.implausibleTurns)", "turns", a.implausibleTurns > 0 ? "bad" : ""),
            ("late audio", "\(a.lateAudioTurns)", "turns · \(Fixed.format(a.lateAudioMs / 1000, 1)) s", ""),
        ]
        if !report.gates.isEmpty {
            tiles.append(("gates passed", "\(passed)", "/ \(report.gates.count)", passed == report.gates.count ? "good" : "bad"))
        }
        var html = "<section class=\"tiles\">"
        for t in tiles {
            html += "<div class=\"tile \(t.tone)\"><div class=\"label\">\(t.label)</div>"
            html += "<div class=\"value\">\(t.value)<span class=\"unit\">\(t.unit)</span></div></div>"
        }
        return html + "</section>\n"
    }

    static func section(_ title: String, id: String, note: String?, body: String) -> String {
        var html = "<section class=\"card\" id=\"\(id)\">\n<h2>\(HTML.escape(title))</h2>\n"
        if let note { html += "<p class=\"note\">\(HTML.escape(note))</p>\n" }
        return html + body + "\n</section>\n"
    }

    private static func driftNote(_ drift: [(String, Double)]) -> String {
        guard !drift.isEmpty else { return "" }
        let parts = drift.map { name, slope in
            (drift.count > 1 ? "\(name): " : "") + (slope >= 0 ? "+" : "") + Fixed.format(slope, 1) + " ms/turn"
        }
        return " Drift (Theil–Sen slope of the medians): " + parts.joined(separator: "; ") + "."
    }

    private static func scenario(_ run: RunInfo) -> String {
        var html = "<section class=\"card\" id=\"scenario\">\n<h2>Scenario as run</h2>\n"
        html += "<details><summary>Scenario YAML</summary><pre>\(HTML.escape(run.scenarioYAML))</pre></details>\n"
        html += "<details><summary>Resolved configuration (JSON)</summary><pre>\(HTML.escape(run.configJSON))</pre></details>\n"
        return html + "</section>\n"
    }

    /// `1 h 02 m`, `3 m 07 s` or `12.4 s` between two ISO 8601 instants; nil when either is missing or unreadable.
    static func duration(from start: String, to end: String?) -> String? {
        guard let end, let a = Self.date(start), let b = Self.date(end), b >= a else { return nil }
        let seconds = b.timeIntervalSince(a)
        if seconds < 60 { return Fixed.format(seconds, 1) + " s" }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h) h \(two(m)) m" : "\(m) m \(two(s)) s"
    }

    private static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = formatter.date(from: text) { return d }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
