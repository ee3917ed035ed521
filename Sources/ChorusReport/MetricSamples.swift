import ChorusCore

/// The values behind a gate metric, one array per session, and the metric's value over a set of sessions.
///
/// Latencies are those of `ok` turns (connect time: one value per connected session); `mos` and `loss.effective`
/// one value per session (agent → caller); rates one 0-or-100 value per counted event, so their mean is the rate
/// in percent: `errors.rate` and `turns.ok_rate` count attempted turns (docs/metrics.md), `stalls.rate` turns that
/// received reply audio.
public enum MetricSamples {
    /// The values of `metric` in each of `sessions`, in order; empty arrays for sessions without any.
    public static func perSession(_ metric: GateMetric, _ sessions: [SessionResult]) -> [[Double]] {
        sessions.map { Self.values(metric, $0) }
    }

    /// The value of `metric` over `sessions`; nil when there is no data.
    public static func observed(_ metric: GateMetric, _ sessions: [SessionResult]) -> Double? {
        switch metric.statistic {
        case .perMinute: return RunAggregates(sessions: sessions).stallsPerMinute
        case .slope: return HTMLReport.theilSen(HTMLReport.turnPoints(sessions))
        case .medianSessionSlope: return DriftSummary(sessions: sessions).medianSlopeMsPerTurn
        case .count: return Double(sessions.reduce(0) { $0 + Self.values(metric, $1).count })
        case .min: return sessions.flatMap { Self.values(metric, $0) }.min()
        case .max: return sessions.flatMap { Self.values(metric, $0) }.max()
        case .mean, .rate, .percentile:
            var pooled = sessions.flatMap { Self.values(metric, $0) }
            return ClusterBootstrap.statistic(of: &pooled, Self.bootstrapStatistic(metric) ?? .mean)
        }
    }

    /// The statistic a bootstrap resamples for `metric`; nil for metrics a baseline cannot compare.
    public static func bootstrapStatistic(_ metric: GateMetric) -> ClusterBootstrap.Statistic? {
        switch metric.statistic {
        case .percentile(let p): return .percentile(p)
        case .mean, .rate: return .mean
        case .min, .max, .count, .perMinute, .slope, .medianSessionSlope: return nil
        }
    }

    /// What one value of `metric` is, for messages: `turns`, or `sessions` for per-session metrics.
    public static func noun(_ metric: GateMetric) -> String {
        ["connect", "mos", "loss"].contains(metric.family) ? "sessions" : "turns"
    }

    /// Zero-based index of turn 21, where `drift.p95_by_turn_21plus` starts counting.
    static let lateTurnIndex = 20

    private static func values(_ metric: GateMetric, _ session: SessionResult) -> [Double] {
        switch metric.family {
        case "connect": return session.connectMs.map { [$0] } ?? []
        case "mos": return session.network.filter { $0.direction == "down" }.compactMap(\.mos)
        case "loss": return session.network.filter { $0.direction == "down" }.compactMap(\.effectiveLossPct)
        case "errors", "turns":
            let hit: (Outcome) -> Bool = metric.family == "errors" ? { $0.isError } : { $0 == .ok }
            if session.turns.isEmpty && session.outcome.isError { return [hit(session.outcome) ? 100 : 0] }
            return session.turns.filter { $0.outcome != .interrupted }.map { hit($0.outcome) ? 100 : 0 }
        case "stalls":
            return session.turns.filter { ($0.responseAudioMs ?? 0) > 0 }.map { $0.stallCount > 0 ? 100 : 0 }
        case "bargein":
            // Every interrupting turn, whatever became of its own answer: the interruption happened.
            if metric.statistic == .rate { return session.turns.compactMap(\.bargeInMissed).map { $0 ? 100 : 0 } }
            return session.turns.compactMap(\.bargeInMs)
        default:
            let field: (TurnResult) -> Double?
            switch metric.family {
            case "ttfa_audible": field = \.ttfaAudibleMs
            case "voice_to_voice": field = \.voiceToVoiceMs
            case "response": field = \.responseMs
            default: field = \.ttfaMs
            }
            // `drift.p95_by_turn_21plus`: TTFA of the 21st turn of a session and later.
            let firstIndex = metric.family == "drift" ? Self.lateTurnIndex : 0
            return session.turns.filter { $0.outcome == .ok && $0.turnIndex >= firstIndex }.compactMap(field)
                .filter { !$0.isNaN }
        }
    }
}
