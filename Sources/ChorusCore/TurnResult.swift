/// What one caller measured for one turn: it spoke an utterance, the agent answered.
///
/// Times are milliseconds. `eosMs` is measured from the start of the run; the latencies are measured from `t_eos`,
/// the instant the caller sent the frame holding the utterance's last speech sample (docs/metrics.md).
public struct TurnResult: Sendable, Codable, Hashable {
    /// Zero-based index of the turn within its session.
    public var turnIndex: Int
    /// The utterance's name (its file name).
    public var utterance: String
    /// When the end of speech was sent, from the start of the run; nil if the turn never got that far.
    public var eosMs: Double?
    /// How late `t_eos` was against its intended time (the harness's own lateness for this turn).
    public var eosLateMs: Double?
    /// First agent audio received − t_eos.
    public var ttfaMs: Double?
    /// First agent audio above the audible threshold − t_eos.
    public var ttfaAudibleMs: Double?
    /// TTFA audible plus the caller's playout delay; equals TTFA audible where the transport has no playout buffer.
    public var voiceToVoiceMs: Double?
    /// First to last agent audio frame received, plus one frame.
    public var responseMs: Double?
    /// Milliseconds of agent audio received in the turn.
    public var responseAudioMs: Double?
    /// Gaps in the agent's audio longer than the stall threshold.
    public var stallCount: Int
    /// Total length of those gaps.
    public var stallMs: Double
    /// How the turn ended.
    public var outcome: Outcome
    /// Barge-in latency, when the turn interrupted the agent.
    public var bargeInMs: Double?

    public init(
        turnIndex: Int, utterance: String, eosMs: Double? = nil, eosLateMs: Double? = nil, ttfaMs: Double? = nil,
        ttfaAudibleMs: Double? = nil, voiceToVoiceMs: Double? = nil, responseMs: Double? = nil,
        responseAudioMs: Double? = nil, stallCount: Int = 0, stallMs: Double = 0, outcome: Outcome,
        bargeInMs: Double? = nil
    ) {
        self.turnIndex = turnIndex
        self.utterance = utterance
        self.eosMs = eosMs
        self.eosLateMs = eosLateMs
        self.ttfaMs = ttfaMs
        self.ttfaAudibleMs = ttfaAudibleMs
        self.voiceToVoiceMs = voiceToVoiceMs
        self.responseMs = responseMs
        self.responseAudioMs = responseAudioMs
        self.stallCount = stallCount
        self.stallMs = stallMs
        self.outcome = outcome
        self.bargeInMs = bargeInMs
    }
}
