import ChorusCore

/// The numbers a report shows for a set of sessions: a whole run, or one cell of it (docs/metrics.md).
public struct RunAggregates: Sendable, Hashable {
    /// Sessions aggregated.
    public var sessionCount: Int
    /// Turn rows aggregated, whatever their outcome.
    public var turnCount: Int
    /// TTFA of `ok` turns, milliseconds.
    public var ttfa: LatencySummary
    /// TTFA audible of `ok` turns, milliseconds.
    public var ttfaAudible: LatencySummary
    /// Voice-to-voice latency of `ok` turns, milliseconds.
    public var voiceToVoice: LatencySummary
    /// Response duration of `ok` turns, milliseconds.
    public var response: LatencySummary
    /// Connect time of sessions that connected, milliseconds.
    public var connect: LatencySummary
    /// Turn rows by outcome (outcomes with no turn are absent).
    public var turnOutcomes: [Outcome: Int]
    /// Sessions by outcome (outcomes with no session are absent).
    public var sessionOutcomes: [Outcome: Int]
    /// Sessions that ended in an error outcome without recording any turn (a failed connect, say).
    public var sessionsFailedBeforeFirstTurn: Int
    /// Turns the agent was asked to answer: every turn row but `interrupted` ones, plus one per session that
    /// failed before its first turn, so a failed connect is not invisible to `errors.rate`.
    public var attemptedTurns: Int
    /// Attempted turns that ended in an error outcome (`Outcome.isError`).
    public var errorTurns: Int
    /// Turns with outcome `ok`.
    public var okTurns: Int
    /// `errorTurns / attemptedTurns` in percent; nil when nothing was attempted.
    public var errorRatePct: Double?
    /// `okTurns / attemptedTurns` in percent; nil when nothing was attempted.
    public var okRatePct: Double?
    /// Stalls summed over every turn.
    public var stallCount: Int
    /// Milliseconds of stall summed over every turn.
    public var stallMs: Double
    /// Milliseconds of agent reply audio received, summed over every turn.
    public var responseAudioMs: Double
    /// Stalls per minute of received reply audio; nil when no reply audio arrived.
    public var stallsPerMinute: Double?
    /// Percent of turns that received reply audio and stalled at least once; nil when none received audio.
    public var stalledTurnsPct: Double?
    /// Turns whose TTFA is below the network's physical minimum (a measurement bug; the run is then invalid).
    public var implausibleTurns: Int
    /// Milliseconds of agent audio that arrived after the turn it belonged to had ended, summed over every turn.
    public var lateAudioMs: Double
    /// Turns with any late audio.
    public var lateAudioTurns: Int
    /// Scripted interruptions (`session.barge_in`): interrupting turns.
    public var bargeIns: Int = 0
    /// Interruptions the agent talked through.
    public var bargeInsMissed: Int = 0
    /// `bargeInsMissed / bargeIns` in percent; nil without interruptions.
    public var bargeInMissedRatePct: Double?
    /// Barge-in latency of the interruptions the agent stopped for, milliseconds.
    public var bargeIn = LatencySummary([])
    /// Leaked audio per interruption, milliseconds.
    public var leakedAudio = LatencySummary([])
    /// Mean E-model MOS of the agent → caller direction over sessions that have one (network_stats `down`).
    public var mosDown: Double?
    /// Mean effective loss of the agent → caller direction after the playout buffer, percent.
    public var effectiveLossDownPct: Double?
    /// Mean loss of the caller → agent direction as the agent reported it, percent.
    public var lossUpPct: Double?
    /// Mean interarrival jitter of the agent → caller direction, ms.
    public var jitterDownMs: Double?

    /// Aggregates `sessions` and their turns.
    public init(sessions: some Sequence<SessionResult>) {
        var ttfa: [Double] = [], audible: [Double] = [], v2v: [Double] = [], response: [Double] = []
        var connect: [Double] = []
        var turnOutcomes: [Outcome: Int] = [:], sessionOutcomes: [Outcome: Int] = [:]
        var sessionCount = 0, turnCount = 0, failedEarly = 0, stallCount = 0, withAudio = 0, stalled = 0
        var stallMs = 0.0, audioMs = 0.0, lateMs = 0.0, lateTurns = 0, implausible = 0
        var mos: [Double] = [], lossDown: [Double] = [], lossUp: [Double] = [], jitter: [Double] = []
        var bargeIn: [Double] = [], leaked: [Double] = [], bargeIns = 0, missed = 0
        for session in sessions {
            for n in session.network {
                if n.direction == "down" {
                    if let m = n.mos { mos.append(m) }
                    if let l = n.effectiveLossPct { lossDown.append(l) }
                    if let j = n.jitterMs { jitter.append(j) }
                } else if let l = n.effectiveLossPct {
                    lossUp.append(l)
                }
            }
            sessionCount += 1
            sessionOutcomes[session.outcome, default: 0] += 1
            if let c = session.connectMs { connect.append(c) }
            if session.turns.isEmpty && session.outcome.isError { failedEarly += 1 }
            for turn in session.turns {
                turnCount += 1
                turnOutcomes[turn.outcome, default: 0] += 1
                stallCount += turn.stallCount
                stallMs += turn.stallMs
                lateMs += turn.lateAudioMs
                if turn.lateAudioMs > 0 { lateTurns += 1 }
                if turn.isImplausible(floorMs: session.ttfaFloorMs) { implausible += 1 }
                if let m = turn.bargeInMissed {
                    bargeIns += 1
                    if m { missed += 1 }
                    if let v = turn.bargeInMs { bargeIn.append(v) }
                    if let v = turn.leakedAudioMs { leaked.append(v) }
                }
                if let a = turn.responseAudioMs, a > 0 {
                    audioMs += a
                    withAudio += 1
                    if turn.stallCount > 0 { stalled += 1 }
                }
                guard turn.outcome == .ok else { continue }
                if let v = turn.ttfaMs { ttfa.append(v) }
                if let v = turn.ttfaAudibleMs { audible.append(v) }
                if let v = turn.voiceToVoiceMs { v2v.append(v) }
                if let v = turn.responseMs { response.append(v) }
            }
        }
        self.sessionCount = sessionCount
        self.turnCount = turnCount
        self.ttfa = LatencySummary(ttfa)
        self.ttfaAudible = LatencySummary(audible)
        self.voiceToVoice = LatencySummary(v2v)
        self.response = LatencySummary(response)
        self.connect = LatencySummary(connect)
        self.turnOutcomes = turnOutcomes
        self.sessionOutcomes = sessionOutcomes
        self.sessionsFailedBeforeFirstTurn = failedEarly
        self.okTurns = turnOutcomes[.ok] ?? 0
        self.attemptedTurns = turnCount - (turnOutcomes[.interrupted] ?? 0) + failedEarly
        self.errorTurns = turnOutcomes.filter { $0.key.isError }.values.reduce(0, +) + failedEarly
        self.errorRatePct = Self.percent(self.errorTurns, of: self.attemptedTurns)
        self.okRatePct = Self.percent(self.okTurns, of: self.attemptedTurns)
        self.stallCount = stallCount
        self.stallMs = stallMs
        self.responseAudioMs = audioMs
        self.stallsPerMinute = audioMs > 0 ? Double(stallCount) / (audioMs / 60_000) : nil
        self.stalledTurnsPct = Self.percent(stalled, of: withAudio)
        self.implausibleTurns = implausible
        self.lateAudioMs = lateMs
        self.lateAudioTurns = lateTurns
        self.mosDown = Self.mean(mos)
        self.effectiveLossDownPct = Self.mean(lossDown)
        self.lossUpPct = Self.mean(lossUp)
        self.jitterDownMs = Self.mean(jitter)
        self.bargeIns = bargeIns
        self.bargeInsMissed = missed
        self.bargeInMissedRatePct = Self.percent(missed, of: bargeIns)
        self.bargeIn = LatencySummary(bargeIn)
        self.leakedAudio = LatencySummary(leaked)
    }

    private static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The summary of a latency metric by its threshold name (`ttfa`, `ttfa_audible`, `voice_to_voice`,
    /// `response`, `connect`); nil for any other name.
    public func latency(named name: String) -> LatencySummary? {
        switch name {
        case "ttfa": return self.ttfa
        case "ttfa_audible": return self.ttfaAudible
        case "voice_to_voice": return self.voiceToVoice
        case "response": return self.response
        case "connect": return self.connect
        default: return nil
        }
    }

    /// The latency metrics in display order, with their names for people.
    public static let latencyMetrics: [(name: String, title: String)] = [
        ("ttfa", "TTFA"), ("ttfa_audible", "TTFA audible"), ("voice_to_voice", "Voice-to-voice"),
        ("response", "Response duration"), ("connect", "Connect time"),
    ]

    private static func percent(_ part: Int, of whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) * 100 : nil
    }
}
