import ChorusCore

/// One caller turn paired with the agent's account of it.
public struct TruthPair: Sendable, Hashable {
    /// The TTFA the caller measured, milliseconds.
    public var measuredMs: Double
    /// The agent's record of the same turn.
    public var truth: TruthRecord
    /// When the caller sent its end of speech (`t_eos`), on the monotonic clock.
    public var callerEosNs: Int64
    /// What the harness's impaired link added to the end of speech on its way to the agent (0 on a clean link).
    public var upDelayMs: Double = 0
    /// What it added to the agent's first audio on its way back.
    public var downDelayMs: Double = 0

    /// The TTFA the agent's own account predicts: its latency plus the delays the link gave the two frames.
    public var expectedMs: Double { self.truth.latencyMs + self.upDelayMs + self.downDelayMs }
    /// The harness's error for this turn: measured TTFA − expected TTFA.
    public var errorMs: Double { self.measuredMs - self.expectedMs }
    /// How long after the link delivered the end of speech the agent took it in: the loopback wire plus the
    /// agent's own backlog. When this grows, the agent (not the harness) is behind.
    public var eosArrivalMs: Double { Double(self.truth.eosReceivedNs - self.callerEosNs) / 1e6 - self.upDelayMs }
    /// How long after the agent sent its first audio the caller took it in: the wire plus the caller's own
    /// backlog, the harness's part of `errorMs` (which is `eosArrivalMs + firstAudioArrivalMs`).
    public var firstAudioArrivalMs: Double { self.errorMs - self.eosArrivalMs }
}

/// Pairs callers' turns with the reference agent's ground truth.
public enum TruthJoin {
    /// How far apart the instant the caller heard the reply and the agent's send of it (plus the link's delay) may be
    /// and still be the same reply.
    public static let windowNs: Int64 = 1_000_000_000

    /// Pairs each measured turn with the agent's record in the same session (`<runId>-<sessionIndex>`) of the reply
    /// the caller heard first: the one whose first frame, sent plus the link's delay, is nearest the caller's first
    /// audio, within `windowNs`.
    ///
    /// Joined by time, not by turn index: an agent whose VAD splits one utterance in two logs an extra turn, which
    /// would shift every later index. A reply to an end of speech the agent took in before the link could have
    /// delivered the caller's (more than `splitToleranceNs` earlier: its VAD cut the utterance short) answered an
    /// earlier part of the utterance: it has no exact expectation and is not paired (`TruthJoin.Outcome.earlier`).
    /// A turn whose end of speech the link dropped, or whose first audio heard was not the agent's first frame
    /// (lost or overtaken), is left out too (`isComparable`).
    /// - Parameter originNs: the run's start on the monotonic clock (what `TurnResult.eosMs` counts from).
    public static func pairs(sessions: [SessionResult], truth: [TruthRecord], runId: String, originNs: Int64)
        -> [TruthPair]
    {
        self.join(sessions: sessions, truth: truth, runId: runId, originNs: originNs).pairs
    }

    /// What `join` found.
    public struct Outcome: Sendable {
        public var pairs: [TruthPair] = []
        /// Comparable turns whose first audio came from a reply to an earlier end of speech than theirs.
        public var earlier = 0

        public init() {}
    }

    /// An agent's end of speech this much before the link delivered the caller's is a different one.
    public static let splitToleranceNs: Int64 = 20_000_000

    /// Pairs turns with records (see `pairs`), and counts the turns answered by a reply to earlier speech.
    public static func join(sessions: [SessionResult], truth: [TruthRecord], runId: String, originNs: Int64) -> Outcome {
        var bySession: [String: [TruthRecord]] = [:]
        for t in truth { bySession[t.session, default: []].append(t) }
        var outcome = Outcome()
        for s in sessions {
            guard let records = bySession["\(runId)-\(s.sessionIndex)"] else { continue }
            for turn in s.turns where Self.isComparable(turn) {
                guard let ttfa = turn.ttfaMs, let eosMs = turn.eosMs, let up = turn.eosUpDelayMs,
                    let down = turn.firstAudioDownDelayMs
                else { continue }
                let eosNs = originNs + Int64((eosMs * 1e6).rounded())
                let reachedNs = eosNs + Int64((up * 1e6).rounded())
                let heardNs = eosNs + Int64(((ttfa - down) * 1e6).rounded())
                let nearest = records.min { abs($0.firstReplySentNs - heardNs) < abs($1.firstReplySentNs - heardNs) }
                guard let t = nearest, abs(t.firstReplySentNs - heardNs) <= Self.windowNs else { continue }
                if t.eosReceivedNs < reachedNs - Self.splitToleranceNs {
                    outcome.earlier += 1
                    continue
                }
                outcome.pairs.append(
                    TruthPair(measuredMs: ttfa, truth: t, callerEosNs: eosNs, upDelayMs: up, downDelayMs: down))
            }
        }
        return outcome
    }

    /// Whether a measured turn can be checked against the agent's truth: it has a TTFA, the link delivered its end
    /// of speech, and its first audio was the agent's first frame.
    public static func isComparable(_ turn: TurnResult) -> Bool {
        turn.ttfaMs != nil && turn.eosMs != nil && turn.eosUpDelayMs != nil && turn.firstAudioDownDelayMs != nil
    }

    // MARK: - Barge-in

    /// One scripted interruption paired with the agent's record of the reply it cut into.
    public struct BargeInPair: Sendable, Hashable {
        /// The interrupting turn as the caller measured it (`bargeInMs`, `leakedAudioMs`, `bargeInMissed`).
        public var turn: TurnResult
        /// The agent's record of the interrupted reply (`bargeInMs`, `leakedMs`, `replyStoppedNs`).
        public var truth: TruthRecord

        /// Caller's barge-in latency − the agent's (last frame sent − interruption heard); nil unless both stopped.
        public var errorMs: Double? {
            guard let measured = self.turn.bargeInMs, let truth = self.truth.bargeInMs else { return nil }
            return measured - truth
        }

        /// Leaked audio the caller heard − what the agent sent after hearing the interruption.
        public var leakedErrorMs: Double { (self.turn.leakedAudioMs ?? 0) - (self.truth.leakedMs ?? 0) }

        /// Whether the caller's missed flag agrees with the agent (it played on: no `reply_stopped_ns`).
        public var missedAgrees: Bool { self.turn.bargeInMissed == (self.truth.replyStoppedNs == nil) }
    }

    /// Pairs each interrupting turn (`bargeInMissed` set) with the agent's record, in the same session, of a reply
    /// it heard interrupted: the one whose first frame, sent plus the link's delay, is nearest the first audio the
    /// caller heard of the turn before (the interrupted answer), within `windowNs`.
    public static func bargeInPairs(sessions: [SessionResult], truth: [TruthRecord], runId: String, originNs: Int64)
        -> [BargeInPair]
    {
        var bySession: [String: [TruthRecord]] = [:]
        for t in truth where t.bargeInDetectedNs != nil { bySession[t.session, default: []].append(t) }
        var pairs: [BargeInPair] = []
        for s in sessions {
            guard let records = bySession["\(runId)-\(s.sessionIndex)"] else { continue }
            for (index, turn) in s.turns.enumerated() where turn.bargeInMissed != nil && index > 0 {
                let answered = s.turns[index - 1]
                guard let eosMs = answered.eosMs, let ttfa = answered.ttfaMs else { continue }
                let down = answered.firstAudioDownDelayMs ?? 0
                let heardNs = originNs + Int64(((eosMs + ttfa - down) * 1e6).rounded())
                let nearest = records.min { abs($0.firstReplySentNs - heardNs) < abs($1.firstReplySentNs - heardNs) }
                guard let t = nearest, abs(t.firstReplySentNs - heardNs) <= Self.windowNs else { continue }
                pairs.append(BargeInPair(turn: turn, truth: t))
            }
        }
        return pairs
    }
}
