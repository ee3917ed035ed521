/// How the reference agent behaves: its scripted latency and how it finds the end of the caller's speech.
public struct AgentBehavior: Sendable, Codable, Hashable {
    /// Time from the end of the caller's speech to the first reply frame sent.
    public var latencyMs: Double
    /// Standard deviation of a normal jitter added to each turn's latency (clamped so latency stays ≥ 0).
    public var jitterMs: Double
    /// Latency added per turn index within a session (drift), ms per turn; from turn `driftAfterTurn` on.
    public var driftMsPerTurn: Double
    /// Zero-based turn index after which drift starts: turn `k` gets `driftMsPerTurn · max(0, k − driftAfterTurn)`
    /// extra latency. 0 is linear drift from the first turn.
    public var driftAfterTurn: Int = 0
    /// How fast the agent's media clock runs against the real one, parts per million (+ fast, − slow): reply frames
    /// go out every `frame / (1 + ppm·10⁻⁶)` of real time and RTP timestamps count the agent's own clock.
    public var clockSkewPpm: Double = 0
    /// Frames at or above this RMS level are speech for the agent's VAD.
    public var vadThresholdDBFS: Double
    /// Silence after speech before the VAD declares the end of the utterance.
    public var hangoverMs: Double
    /// Seeds the jitter so runs repeat.
    public var seed: UInt64
    /// What the agent does when the caller starts speaking over its reply (`agent.bargein_stop`).
    public var bargeInStop: BargeInStop = .dialectDefault
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

    /// The drift part of turn `turn`'s scripted latency (zero-based turn index), milliseconds.
    public func driftMs(turn: Int) -> Double {
        self.driftMsPerTurn * Double(Swift.max(0, turn - self.driftAfterTurn))
    }

    /// Real time between reply frames whose nominal length is `nominalNs` on the agent's skewed clock.
    public func realFrameNs(nominalNs: Double) -> Double { nominalNs / (1 + self.clockSkewPpm * 1e-6) }

    /// The agent's media-clock reading (nanoseconds) after `realNs` of real time.
    public func mediaNs(realNs: Int64) -> Int64 { Int64((Double(realNs) * (1 + self.clockSkewPpm * 1e-6)).rounded()) }
}

/// How the reference agent reacts to caller speech during its reply (barge-in).
public enum BargeInStop: Sendable, Codable, Hashable {
    /// Each dialect's own behaviour: stop at once where it has barge-in, let a new end of speech replace the reply
    /// where it has none (Chorus native).
    case dialectDefault
    /// Stop the reply this many milliseconds after the VAD hears the interrupting speech start, in every dialect.
    case after(ms: Double)
    /// Ignore interruptions: play every reply to its end, and answer what was said meanwhile after it.
    case never

    /// Parses `150ms`, `0ms` or `never`; nil for anything else.
    public init?(parsing text: String) {
        if text == "never" {
            self = .never
        } else if let ms = DurationParser.milliseconds(text), ms >= 0 {
            self = .after(ms: ms)
        } else {
            return nil
        }
    }
}
