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
    /// Whether this turn was a scripted barge-in (`session.barge_in`) and the agent talked on to the end of the reply
    /// it interrupted (missed interruption); nil when the turn interrupted nothing (docs/metrics.md).
    public var bargeInMissed: Bool?
    /// Barge-in latency: this turn's interrupting speech start → the last audio received of the agent reply it
    /// interrupted; nil when the turn interrupted nothing or the interruption was missed.
    public var bargeInMs: Double?
    /// Interrupting speech start → the agent's stop signal for the interrupted reply (Twilio `clear`, OpenAI
    /// `response.cancelled`, Chorus `response.end` with `cancelled`); nil where the dialect sends none.
    public var bargeInStopMs: Double?
    /// Milliseconds of audio of the interrupted reply received after the interrupting speech started (leaked audio);
    /// nil when the turn interrupted nothing.
    public var leakedAudioMs: Double?
    /// Agent audio of this turn's response that arrived after the turn had ended (during a later turn's speech or
    /// wait), milliseconds of audio; it is not part of any later turn's TTFA (docs/metrics.md).
    public var lateAudioMs: Double
    /// Agent audio of responses that began arriving sooner after this turn's end of speech than the network allows
    /// (the agent answered an earlier part of the utterance, its VAD cut it short), milliseconds of audio; not this
    /// turn's answer (docs/metrics.md).
    public var earlyAudioMs: Double
    /// The delay the harness's impaired link gave the message that carried the end of speech to the agent (0 on a
    /// clean link); nil when the impairment dropped it. Lets the agent's ground truth be checked through the link.
    public var eosUpDelayMs: Double?
    /// The delay the harness's impaired link gave the agent's first audio of the response (0 on a clean link); nil
    /// when the first audio received was not the response's first frame (that one was lost or overtaken).
    public var firstAudioDownDelayMs: Double?

    public init(
        turnIndex: Int, utterance: String, eosMs: Double? = nil, eosLateMs: Double? = nil, ttfaMs: Double? = nil,
        ttfaAudibleMs: Double? = nil, voiceToVoiceMs: Double? = nil, responseMs: Double? = nil,
        responseAudioMs: Double? = nil, stallCount: Int = 0, stallMs: Double = 0, outcome: Outcome,
        bargeInMs: Double? = nil, lateAudioMs: Double = 0, earlyAudioMs: Double = 0, eosUpDelayMs: Double? = 0,
        firstAudioDownDelayMs: Double? = 0
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
        self.lateAudioMs = lateAudioMs
        self.earlyAudioMs = earlyAudioMs
        self.eosUpDelayMs = eosUpDelayMs
        self.firstAudioDownDelayMs = firstAudioDownDelayMs
    }

    /// Whether the measured TTFA is below what the network allows: first audio cannot reach the caller sooner than
    /// `floorMs` (the link's smallest one-way delays up plus down) after the end of speech was due to be sent.
    public func isImplausible(floorMs: Double?) -> Bool {
        guard let floorMs, floorMs > 0, let ttfa = self.ttfaMs else { return false }
        // Measured from the actual send; the link delayed the frame from its intended instant.
        return ttfa + (self.eosLateMs ?? 0) < floorMs - 0.01
    }
}
