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
    let stallThresholdNs: Int64

    public init(turnIndex: Int, utterance: String, stallThresholdNs: Int64 = 100_000_000) {
        self.turnIndex = turnIndex
        self.utterance = utterance
        self.stallThresholdNs = stallThresholdNs
    }

    /// Whether the end of speech has been sent and the turn now waits for or receives the agent's answer.
    public var isAwaitingResponse: Bool { self.eosNs != nil }

    /// Marks the end of speech as sent at `actualNs`; `intendedNs` is when the schedule wanted it.
    public mutating func endOfSpeech(actualNs: Int64, intendedNs: Int64) {
        self.eosNs = actualNs
        self.eosIntendedNs = intendedNs
    }

    /// Counts one received frame of agent audio lasting `durationNs`; `audible` when its level passed the threshold.
    public mutating func audio(atNs t: Int64, durationNs: Int64, audible: Bool) {
        guard self.eosNs != nil else { return }
        if self.firstAudioNs == nil {
            self.firstAudioNs = t
            self.playoutEndNs = t
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
        return r
    }
}
