import ChorusCore

/// One caller turn paired with the agent's account of it.
public struct TruthPair: Sendable, Hashable {
    /// The TTFA the caller measured, milliseconds.
    public var measuredMs: Double
    /// The agent's record of the same turn.
    public var truth: TruthRecord
    /// When the caller sent its end of speech (`t_eos`), on the monotonic clock.
    public var callerEosNs: Int64

    /// The harness's error for this turn: measured TTFA − the agent's latency.
    public var errorMs: Double { self.measuredMs - self.truth.latencyMs }
    /// How long after the caller sent its end of speech the agent took it in: the wire plus the agent's own
    /// backlog. When this grows, the agent (not the harness) is behind.
    public var eosArrivalMs: Double { Double(self.truth.eosReceivedNs - self.callerEosNs) / 1e6 }
    /// How long after the agent sent its first audio the caller took it in: the wire plus the caller's own
    /// backlog, the harness's part of `errorMs` (which is `eosArrivalMs + firstAudioArrivalMs`).
    public var firstAudioArrivalMs: Double { self.errorMs - self.eosArrivalMs }
}

/// Pairs callers' turns with the reference agent's ground truth.
public enum TruthJoin {
    /// How far apart the caller's end of speech and the agent's may be and still be the same turn.
    public static let windowNs: Int64 = 1_000_000_000

    /// Pairs each measured turn with the agent's record in the same session (`<runId>-<sessionIndex>`) whose end of
    /// speech is nearest the caller's, within `windowNs`.
    ///
    /// Joined by time, not by turn index: an agent whose VAD splits one utterance in two logs an extra turn, which
    /// would shift every later index; matched by time, only the split turn's own record is passed over.
    /// - Parameter originNs: the run's start on the monotonic clock (what `TurnResult.eosMs` counts from).
    public static func pairs(sessions: [SessionResult], truth: [TruthRecord], runId: String, originNs: Int64)
        -> [TruthPair]
    {
        var bySession: [String: [TruthRecord]] = [:]
        for t in truth { bySession[t.session, default: []].append(t) }
        var pairs: [TruthPair] = []
        for s in sessions {
            guard let records = bySession["\(runId)-\(s.sessionIndex)"] else { continue }
            for turn in s.turns {
                guard let ttfa = turn.ttfaMs, let eosMs = turn.eosMs else { continue }
                let eosNs = originNs + Int64((eosMs * 1e6).rounded())
                let nearest = records.min { abs($0.eosReceivedNs - eosNs) < abs($1.eosReceivedNs - eosNs) }
                guard let t = nearest, abs(t.eosReceivedNs - eosNs) <= Self.windowNs else { continue }
                pairs.append(TruthPair(measuredMs: ttfa, truth: t, callerEosNs: eosNs))
            }
        }
        return pairs
    }
}
