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

@Suite("Call flow")
struct CallFlowTests {
    static func plan(turns: Int) -> SessionPlan {
        SessionPlan(
            callerIndex: 0, sessionIndex: 0, sessionId: "s", turnClips: Array(repeating: 0, count: turns),
            thinkNs: Array(repeating: 100_000_000, count: turns), responseTimeoutNs: 1_000_000_000, originNs: 0, seed: 1)
    }
    let clip = CallFlow.ClipShape(name: "c", frameCount: 5, lastSpeechFrame: 2)

    @Test func speaksThenStreamsSilenceThenThinksThenSpeaksAgain() {
        var flow = CallFlow(plan: Self.plan(turns: 2), clips: [self.clip])
        let started = flow.start()
        #expect(started)
        var t: Int64 = 0
        let step: Int64 = 20_000_000
        var actions: [CallFlow.FrameAction] = []
        for _ in 0..<5 {
            let a = flow.nextFrame(deadlineNs: t)
            if case .clip(_, _, true, _) = a { flow.endOfSpeechSent(actualNs: t, intendedNs: t) }
            actions.append(a)
            t += step
        }
        #expect(actions[2] == .clip(clip: 0, frame: 2, isEndOfSpeech: true, turn: 0))
        let silence = flow.nextFrame(deadlineNs: t)
        #expect(silence == .silence)
        flow.audio(atNs: t, durationNs: step, audible: true)
        flow.responseEnded(atNs: t + step)
        #expect(flow.turns.count == 1 && flow.turns[0].outcome == .ok)
        // Thinking: silence until the think time has passed after the answer, then the next utterance.
        let thinking = flow.nextFrame(deadlineNs: t + 2 * step)
        #expect(thinking == .silence)
        let next = flow.nextFrame(deadlineNs: t + step + 100_000_000)
        #expect(next == .clip(clip: 0, frame: 0, isEndOfSpeech: false, turn: 1))
    }

    @Test func anAgentThatNeverAnswersMakesANoResponseCall() {
        var flow = CallFlow(plan: Self.plan(turns: 1), clips: [self.clip])
        let started = flow.start()
        #expect(started)
        var t: Int64 = 0
        while !flow.isHangingUp && t < 5_000_000_000 {
            if case .clip(_, _, true, _) = flow.nextFrame(deadlineNs: t) { flow.endOfSpeechSent(actualNs: t, intendedNs: t) }
            t += 20_000_000
        }
        #expect(flow.turns.map(\.outcome) == [.noResponse])
        #expect(flow.outcome == .noResponse)
    }

    @Test func anInterruptKeepsTheTurnAsInterrupted() {
        var flow = CallFlow(plan: Self.plan(turns: 3), clips: [self.clip])
        let started = flow.start()
        #expect(started)
        _ = flow.nextFrame(deadlineNs: 0)
        flow.interrupt()
        #expect(flow.isHangingUp && flow.outcome == .interrupted && flow.turns.map(\.outcome) == [.interrupted])
    }
}
