import ChorusCore
import ChorusTransport
import Testing

@Suite("Turn measurement from timestamps")
struct TurnMeterTests {
    let ms: Int64 = 1_000_000

    @Test func ttfaIsFirstAudioMinusEndOfSpeech() {
        var m = TurnMeter(turnIndex: 0, utterance: "u")
        m.audio(atNs: 50 * ms, durationNs: 20 * ms, audible: true)  // before eos: ignored
        m.endOfSpeech(actualNs: 1000 * ms, intendedNs: 999 * ms)
        m.audio(atNs: 1300 * ms, durationNs: 20 * ms, audible: false)
        m.audio(atNs: 1320 * ms, durationNs: 20 * ms, audible: true)
        let r = m.result(outcome: .ok, originNs: 0)
        #expect(r.eosMs == 1000)
        #expect(r.eosLateMs == 1)
        #expect(r.ttfaMs == 300)
        #expect(r.ttfaAudibleMs == 320)
        #expect(r.voiceToVoiceMs == 320)
        #expect(r.responseMs == 40)
        #expect(r.stallCount == 0)
    }

    @Test func gapsLongerThanThePlayoutCanHideAreStalls() {
        var m = TurnMeter(turnIndex: 1, utterance: "u", stallThresholdNs: 100 * ms)
        m.endOfSpeech(actualNs: 0, intendedNs: 0)
        m.audio(atNs: 100 * ms, durationNs: 20 * ms, audible: true)  // plays until 120
        m.audio(atNs: 200 * ms, durationNs: 20 * ms, audible: true)  // 80 ms dry: under threshold
        m.audio(atNs: 400 * ms, durationNs: 20 * ms, audible: true)  // 180 ms dry: a stall
        let r = m.result(outcome: .ok, originNs: 0)
        #expect(r.stallCount == 1)
        #expect(r.stallMs == 180)
        #expect(r.responseMs == 320)
        #expect(r.responseAudioMs == 60)
    }

    @Test func burstsFasterThanRealTimeBufferWithoutStalls() {
        var m = TurnMeter(turnIndex: 0, utterance: "u")
        m.endOfSpeech(actualNs: 0, intendedNs: 0)
        for i in 0..<50 { m.audio(atNs: Int64(i) * ms, durationNs: 20 * ms, audible: true) }
        #expect(m.playoutEndNs == 1000 * ms)
        m.audio(atNs: 1050 * ms, durationNs: 20 * ms, audible: true)
        #expect(m.result(outcome: .ok, originNs: 0).stallCount == 0)
    }

    @Test func aTurnThatNeverSpokeHasNoTimes() {
        let r = TurnMeter(turnIndex: 2, utterance: "u").result(outcome: .interrupted, originNs: 0)
        #expect(r.eosMs == nil && r.ttfaMs == nil && r.outcome == .interrupted)
    }
}
