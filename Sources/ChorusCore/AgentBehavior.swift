/// How the reference agent behaves: its scripted latency and how it finds the end of the caller's speech.
public struct AgentBehavior: Sendable, Codable, Hashable {
    /// Time from the end of the caller's speech to the first reply frame sent.
    public var latencyMs: Double
    /// Standard deviation of a normal jitter added to each turn's latency (clamped so latency stays ≥ 0).
    public var jitterMs: Double
    /// Latency added per turn index within a session (drift), ms per turn.
    public var driftMsPerTurn: Double
    /// Frames at or above this RMS level are speech for the agent's VAD.
    public var vadThresholdDBFS: Double
    /// Silence after speech before the VAD declares the end of the utterance.
    public var hangoverMs: Double
    /// Seeds the jitter so runs repeat.
    public var seed: UInt64
    /// When set, every data message the agent sends is split into continuation frames of at most this many
    /// payload bytes (RFC 6455 §5.4); nil sends each message as one frame.
    public var fragmentBytes: Int?

    public init(
        latencyMs: Double = 300, jitterMs: Double = 0, driftMsPerTurn: Double = 0, vadThresholdDBFS: Double = -40,
        hangoverMs: Double = 400, seed: UInt64 = 1, fragmentBytes: Int? = nil
    ) {
        self.latencyMs = latencyMs
        self.jitterMs = jitterMs
        self.driftMsPerTurn = driftMsPerTurn
        self.vadThresholdDBFS = vadThresholdDBFS
        self.hangoverMs = hangoverMs
        self.seed = seed
        self.fragmentBytes = fragmentBytes
    }
}
