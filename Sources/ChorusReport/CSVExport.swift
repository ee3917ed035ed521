import ChorusCore
import Foundation

/// The run as CSV files with a fixed, documented column order (docs/schema.md lists the same columns).
///
/// Every file has a header row, `.` decimals whatever the locale, milliseconds and percentages with 3 decimals,
/// an empty field for a missing value, CRLF line ends and RFC 4180 quoting.
public enum CSVExport {
    /// Columns of `turns(_:)`: one row per turn.
    public static let turnColumns = [
        "run_id", "session_index", "caller_index", "transport", "dialect", "codec", "network_profile", "turn_index",
        "utterance", "outcome", "eos_ms", "eos_late_ms", "ttfa_ms", "ttfa_audible_ms", "voice_to_voice_ms",
        "response_ms", "response_audio_ms", "stall_count", "stall_ms", "bargein_ms", "late_audio_ms", "early_audio_ms",
        "eos_up_delay_ms", "first_audio_down_delay_ms", "implausible", "bargein_stop_ms", "leaked_audio_ms",
        "bargein_missed",
    ]

    /// Columns of `sessions(_:)`: one row per session.
    public static let sessionColumns = [
        "run_id", "session_index", "caller_index", "transport", "dialect", "codec", "network_profile", "outcome",
        "intended_start_ms", "started_ms", "start_late_ms", "connect_ms", "ended_ms", "turns", "turns_completed",
        "error", "signalling_ms", "ice_ms", "dtls_ms", "first_media_ms", "ttfa_slope_ms_per_turn", "ttfa_slope_low",
        "ttfa_slope_high", "clock_drift_ppm",
    ]

    /// Columns of `summary(_:)`: one row for the whole run (`scope` = `all`), then one per cell (`scope` = `cell`).
    public static let summaryColumns: [String] =
        [
            "run_id", "scope", "transport", "dialect", "codec", "network_profile", "sessions", "turns", "turns_ok",
            "turns_error", "attempted_turns", "error_rate_pct", "ok_rate_pct", "stall_count", "stalls_per_min",
            "stalled_turns_pct", "implausible_turns", "late_audio_turns", "late_audio_ms",
        ]
        + RunAggregates.latencyMetrics.flatMap { metric in
            ["count", "mean_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "max_ms"].map { "\(metric.name)_\($0)" }
        }

    /// One row per turn, ordered by session index then turn index.
    public static func turns(_ report: RunReport) -> String {
        var rows: [[String]] = []
        for s in report.sessions {
            for t in s.turns {
                rows.append(
                    [
                        report.run.id, String(s.sessionIndex), String(s.callerIndex), s.transport, s.dialect, s.codec,
                        s.networkProfile, String(t.turnIndex), t.utterance, t.outcome.rawValue,
                    ]
                        + [t.eosMs, t.eosLateMs, t.ttfaMs, t.ttfaAudibleMs, t.voiceToVoiceMs, t.responseMs,
                           t.responseAudioMs].map(Self.ms)
                        + [String(t.stallCount), Self.ms(t.stallMs), Self.ms(t.bargeInMs), Self.ms(t.lateAudioMs)]
                        + [Self.ms(t.earlyAudioMs)]
                        + [Self.ms(t.eosUpDelayMs), Self.ms(t.firstAudioDownDelayMs)]
                        + [t.isImplausible(floorMs: s.ttfaFloorMs) ? "1" : "0"]
                        + [Self.ms(t.bargeInStopMs), Self.ms(t.leakedAudioMs), t.bargeInMissed.map { $0 ? "1" : "0" } ?? ""])
            }
        }
        return Self.document(header: Self.turnColumns, rows: rows)
    }

    /// One row per session, in session order.
    public static func sessions(_ report: RunReport) -> String {
        let rows = report.sessions.map { s -> [String] in
            [
                report.run.id, String(s.sessionIndex), String(s.callerIndex), s.transport, s.dialect, s.codec,
                s.networkProfile, s.outcome.rawValue, Self.ms(s.intendedStartMs), Self.ms(s.startedMs),
                Self.ms(s.startedMs - s.intendedStartMs), Self.ms(s.connectMs), Self.ms(s.endedMs),
                String(s.turns.count), String(s.turnsCompleted), s.error ?? "",
                Self.ms(s.connectPhases?.signallingMs), Self.ms(s.connectPhases?.iceMs),
                Self.ms(s.connectPhases?.dtlsMs), Self.ms(s.connectPhases?.firstMediaMs),
            ] + { (fit: TheilSen?) in [Self.ms(fit?.slope), Self.ms(fit?.low), Self.ms(fit?.high)] }(s.ttfaDrift)
                + [Self.ms(s.clockDriftPpm)]
        }
        return Self.document(header: Self.sessionColumns, rows: rows)
    }

    /// The aggregates: the whole run, then each cell.
    public static func summary(_ report: RunReport) -> String {
        var rows = [Self.summaryRow(report.run.id, scope: "all", cell: nil, report.overall)]
        for key in report.cellKeys {
            if let aggregates = report.cells[key] {
                rows.append(Self.summaryRow(report.run.id, scope: "cell", cell: key, aggregates))
            }
        }
        return Self.document(header: Self.summaryColumns, rows: rows)
    }

    /// `field` quoted per RFC 4180 when it holds a comma, a quote, or a line break.
    public static func quote(_ field: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Helpers

    private static func summaryRow(_ runId: String, scope: String, cell: CellKey?, _ a: RunAggregates) -> [String] {
        var row = [runId, scope] + (cell?.dimensions ?? ["", "", "", ""])
        row += [a.sessionCount, a.turnCount, a.okTurns, a.errorTurns, a.attemptedTurns].map { String($0) }
        row += [Self.ms(a.errorRatePct), Self.ms(a.okRatePct), String(a.stallCount), Self.ms(a.stallsPerMinute)]
        row.append(Self.ms(a.stalledTurnsPct))
        row += [String(a.implausibleTurns), String(a.lateAudioTurns), Self.ms(a.lateAudioMs)]
        for metric in RunAggregates.latencyMetrics {
            guard let s = a.latency(named: metric.name) else { continue }
            row.append(String(s.count))
            row += [s.mean, s.p50, s.p90, s.p95, s.p99, s.max].map(Self.ms)
        }
        return row
    }

    private static func ms(_ value: Double?) -> String {
        Fixed.format(value, 3, placeholder: "")
    }

    private static func document(header: [String], rows: [[String]]) -> String {
        var out = header.map(Self.quote).joined(separator: ",") + "\r\n"
        for row in rows { out += row.map(Self.quote).joined(separator: ",") + "\r\n" }
        return out
    }
}
