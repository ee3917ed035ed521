import ChorusCore

/// Measures one turn from the caller's side: end of speech sent, agent audio received, stalls heard.
///
/// Pure value logic fed with monotonic nanosecond timestamps taken where the bytes are, so it can be tested
/// without sockets. The virtual player starts at the first reply frame and plays each frame for its duration;
/// a gap during which it has run dry for longer than `stallThresholdNs` is a stall (docs/metrics.md).
public struct TurnMeter: Sendable {
    public let turnIndex: Int
    public let utterance: String
    /// Monotonic time of the send of the frame holding the last speech sample.
    public private(set) var eosNs: Int64?
    /// When that frame was due on the caller's schedule.
    public private(set) var eosIntendedNs: Int64?
    public private(set) var firstAudioNs: Int64?
    public private(set) var firstAudibleNs: Int64?
    public private(set) var playoutEndNs: Int64 = 0
    public private(set) var audioNs: Int64 = 0
    public private(set) var stallCount = 0
    public private(set) var stallNs: Int64 = 0
    /// Responses numbered below this began before the end of speech: they answer earlier turns.
    public private(set) var floorOrdinal = 0
    /// Responses numbered from `floorOrdinal` up to below this began arriving too soon after the end of speech for
    /// the agent to have heard it: they answer an earlier part of the utterance (early audio, not the answer).
    public private(set) var earlyBelowOrdinal = 0
    /// Milliseconds of early audio: agent audio of responses the agent began before it could have heard the end of
    /// speech.
    public private(set) var earlyAudioNs: Int64 = 0
    /// The first agent response this turn's audio came from, once audio arrived.
    public private(set) var responseOrdinal: Int?
    /// Whether the agent marks the end of the response being heard (then silence alone never ends the turn).
    public private(set) var responseEndIsMarked = false
    /// The impaired link's delay on the message that carried the end of speech; nil when it was dropped.
    public private(set) var eosUpDelayNs: Int64? = 0
    /// The impaired link's delay on the first audio received; nil when that was not the response's first frame.
    public private(set) var firstAudioDownDelayNs: Int64?
    let stallThresholdNs: Int64

    public init(turnIndex: Int, utterance: String, stallThresholdNs: Int64 = 100_000_000) {
        self.turnIndex = turnIndex
        self.utterance = utterance
        self.stallThresholdNs = stallThresholdNs
    }

    /// Whether the end of speech has been sent and the turn now waits for or receives the agent's answer.
    public var isAwaitingResponse: Bool { self.eosNs != nil }

    /// Marks the end of speech as sent at `actualNs`; `intendedNs` is when the schedule wanted it.
    /// - Parameters:
    ///   - upDelayNs: what the impaired link added to the message carrying it (nil: it dropped it).
    ///   - floorOrdinal: the first response number that can answer this turn (every lower one had begun already).
    public mutating func endOfSpeech(actualNs: Int64, intendedNs: Int64, upDelayNs: Int64? = 0, floorOrdinal: Int = 0) {
        self.eosNs = actualNs
        self.eosIntendedNs = intendedNs
        self.eosUpDelayNs = upDelayNs
        self.floorOrdinal = floorOrdinal
        self.earlyBelowOrdinal = floorOrdinal
    }

    /// Response `ordinal` began arriving before the agent could have heard the end of speech: it and every lower one
    /// are early, not this turn's answer.
    public mutating func skipEarly(response ordinal: Int) {
        self.earlyBelowOrdinal = max(self.earlyBelowOrdinal, ordinal + 1)
    }

    /// Counts `durationNs` of early audio.
    public mutating func earlyAudio(durationNs: Int64) {
        self.earlyAudioNs += durationNs
    }

    /// A later message (an explicit end-of-turn) carried the end of speech to the agent, delayed by `upDelayNs`.
    public mutating func endOfSpeechCarried(upDelayNs: Int64?) {
        guard self.eosNs != nil else { return }
        self.eosUpDelayNs = upDelayNs
    }

    /// Ties the turn to agent response `ordinal` (the first one it hears is its answer).
    public mutating func claim(response ordinal: Int, endIsMarked: Bool) {
        if self.responseOrdinal == nil { self.responseOrdinal = ordinal }
        self.responseEndIsMarked = endIsMarked
    }

    /// Counts one received frame of agent audio lasting `durationNs`; `audible` when its level passed the threshold.
    /// - Parameters:
    ///   - downDelayNs: what the impaired link added to this frame.
    ///   - isResponseStart: whether it is the first frame the agent sent of its response (false when the transport
    ///     can tell that an earlier one was lost or overtaken).
    public mutating func audio(
        atNs t: Int64, durationNs: Int64, audible: Bool, downDelayNs: Int64 = 0, isResponseStart: Bool = true
    ) {
        guard self.eosNs != nil else { return }
        if self.firstAudioNs == nil {
            self.firstAudioNs = t
            self.playoutEndNs = t
            self.firstAudioDownDelayNs = isResponseStart ? downDelayNs : nil
        }
        if audible && self.firstAudibleNs == nil { self.firstAudibleNs = t }
        if t > self.playoutEndNs {
            let gap = t - self.playoutEndNs
            if gap > self.stallThresholdNs {
                self.stallCount += 1
                self.stallNs += gap
            }
            self.playoutEndNs = t
        }
        self.playoutEndNs += durationNs
        self.audioNs += durationNs
    }

    /// Whether any audible audio arrived yet (callers skip level computation once it has).
    public var hasAudible: Bool { self.firstAudibleNs != nil }

    /// The turn's record; times relative to `originNs` (the run's start).
    public func result(outcome: Outcome, originNs: Int64, playoutDelayNs: Int64 = 0) -> TurnResult {
        func ms(_ ns: Int64) -> Double { Double(ns) / 1_000_000 }
        var r = TurnResult(turnIndex: self.turnIndex, utterance: self.utterance, outcome: outcome)
        guard let eos = self.eosNs else { return r }
        r.eosMs = ms(eos - originNs)
        r.eosLateMs = self.eosIntendedNs.map { ms(eos - $0) }
        r.ttfaMs = self.firstAudioNs.map { ms($0 - eos) }
        r.ttfaAudibleMs = self.firstAudibleNs.map { ms($0 - eos) }
        r.voiceToVoiceMs = self.firstAudibleNs.map { ms($0 - eos + playoutDelayNs) }
        if let first = self.firstAudioNs {
            r.responseMs = ms(self.playoutEndNs - first)
            r.responseAudioMs = ms(self.audioNs)
        }
        r.stallCount = self.stallCount
        r.stallMs = ms(self.stallNs)
        r.eosUpDelayMs = self.eosUpDelayNs.map(ms)
        r.earlyAudioMs = ms(self.earlyAudioNs)
        r.firstAudioDownDelayMs = self.firstAudioNs == nil ? nil : self.firstAudioDownDelayNs.map(ms)
        return r
    }
}
