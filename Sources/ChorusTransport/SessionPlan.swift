import ChorusDialects
import ChorusNetwork

/// Everything one simulated call will do, decided before it connects (seeded, so runs repeat).
public struct SessionPlan: Sendable {
    /// The impaired network this call goes through; nil for none (the `clean` cell without impairment).
    public var link: LinkProfile?
    /// The run's seed, from which each caller's impairment randomness is derived (same seed, same losses).
    public var runSeed: UInt64 = 0
    public var callerIndex: Int
    public var sessionIndex: Int
    /// Sent to the agent so its ground-truth log can be joined with ours.
    public var sessionId: String
    /// Index into `SharedAudio.clips` for each turn, in order.
    public var turnClips: [Int]
    /// Think time after each turn's answer has finished playing, nanoseconds.
    public var thinkNs: [Int64]
    /// Per turn (same count as `turnClips`): nil for a turn spoken after the previous answer and think time; for a
    /// scripted barge-in, how long after the first audio of the previous turn's answer its speech starts,
    /// interrupting that answer (`session.barge_in`).
    public var bargeInAfterNs: [Int64?] = []
    /// An interrupted answer still arriving this long after the interrupting speech started is a missed
    /// interruption.
    public var bargeInMissedAfterNs: Int64 = 1_000_000_000
    /// How long a turn waits for the agent's answer after the end of speech.
    public var responseTimeoutNs: Int64
    /// When the agent sends no end-of-response marker, this much silence after its audio ends the response.
    public var responseEndSilenceNs: Int64
    /// The smallest time the link allows between sending the end of speech and the agent's answer arriving (its
    /// smallest one-way delays up plus down); 0 on a clean link. Audio that begins arriving sooner belongs to a
    /// response the agent began before it could have heard the end of speech.
    public var ttfaFloorNs: Int64 = 0
    /// Send an explicit end-of-turn message right after the last speech frame (else rely on the agent's VAD).
    public var sendsEndOfTurn: Bool
    /// Received frames at or above this RMS level count as audible (TTFA audible).
    public var audibleThresholdDBFS: Double
    /// Player gaps longer than this are stalls.
    public var stallThresholdNs: Int64
    /// The run's start on the monotonic clock; every stored time is relative to it.
    public var originNs: Int64
    /// Seeds the caller's cheap per-frame random numbers (WebSocket mask keys).
    public var seed: UInt64

    /// The barge-in offset of turn `turn`, nil when it is not a scripted interruption.
    public func bargeInAfter(turn: Int) -> Int64? {
        turn < self.bargeInAfterNs.count ? self.bargeInAfterNs[turn] : nil
    }

    public init(
        callerIndex: Int, sessionIndex: Int, sessionId: String, turnClips: [Int], thinkNs: [Int64],
        responseTimeoutNs: Int64, responseEndSilenceNs: Int64 = 1_500_000_000, sendsEndOfTurn: Bool = true,
        audibleThresholdDBFS: Double = -45, stallThresholdNs: Int64 = 100_000_000, originNs: Int64, seed: UInt64,
        runSeed: UInt64 = 0
    ) {
        self.runSeed = runSeed
        self.callerIndex = callerIndex
        self.sessionIndex = sessionIndex
        self.sessionId = sessionId
        self.turnClips = turnClips
        self.thinkNs = thinkNs
        self.responseTimeoutNs = responseTimeoutNs
        self.responseEndSilenceNs = responseEndSilenceNs
        self.sendsEndOfTurn = sendsEndOfTurn
        self.audibleThresholdDBFS = audibleThresholdDBFS
        self.stallThresholdNs = stallThresholdNs
        self.originNs = originNs
        self.seed = seed
    }
}

extension CallerDialect {
    /// Opens the dialect state of the call `plan` describes.
    public func makeSession(plan: SessionPlan) -> any CallerDialectSession {
        self.makeSession(sessionId: plan.sessionId, seed: plan.seed)
    }
}
