import ChorusCore
import ChorusTransport
import Testing

/// Scripted interruptions (`session.barge_in`) in the call flow, driven by hand-made timestamps (no sockets): the
/// interrupting turn starts `after` past the first audio of the answer it cuts into, and carries the barge-in
/// latency, the leaked audio, the stop signal and the missed flag (docs/metrics.md, "Barge-in").
@Suite("Barge-in in the call flow")
struct BargeInFlowTests {
    static let ms: Int64 = 1_000_000
    static let frame: Int64 = 20 * ms

    /// Turn 0, then an interrupting turn 1 (`after` 500 ms, clip 1 whose speech starts in frame 2), then turn 2.
    static func flow(after: Int64 = 500 * ms, missedAfter: Int64 = 1_000 * ms) -> CallFlow {
        var plan = SessionPlan(
            callerIndex: 0, sessionIndex: 0, sessionId: "s", turnClips: [0, 1, 0], thinkNs: [100 * ms, 100 * ms, 100 * ms],
            responseTimeoutNs: 10_000 * ms, responseEndSilenceNs: 1_500 * ms, originNs: 0, seed: 1)
        plan.bargeInAfterNs = [nil, after, nil]
        plan.bargeInMissedAfterNs = missedAfter
        var flow = CallFlow(
            plan: plan,
            clips: [
                CallFlow.ClipShape(name: "c", frameCount: 5, lastSpeechFrame: 2),
                CallFlow.ClipShape(name: "interrupt", frameCount: 10, lastSpeechFrame: 7, firstSpeechFrame: 2),
            ])
        _ = flow.start()
        return flow
    }

    /// One frame slot at `t`: the flow's action, with end of speech and speech start stamped at `t + 1 ms` (the
    /// actual send), as `CallEngine` does.
    @discardableResult
    static func slot(_ flow: inout CallFlow, _ t: Int64) -> CallFlow.FrameAction {
        let action = flow.nextFrame(deadlineNs: t)
        if flow.isStampingSpeechStart { flow.bargeInSpeechSent(actualNs: t + Self.ms) }
        if case .clip(_, _, true, _) = action { flow.endOfSpeechSent(actualNs: t, intendedNs: t) }
        return action
    }

    /// Paces turn 0 to its end of speech and feeds its answer (response 0, marked) one frame per slot from 300 ms
    /// after it, until the flow starts the interrupting clip; returns that instant and the end of speech.
    static func untilInterrupt(_ flow: inout CallFlow, t: inout Int64) -> (interruptNs: Int64, eosNs: Int64) {
        var eos: Int64 = 0
        while true {
            let action = Self.slot(&flow, t)
            if case .clip(0, 2, true, 0) = action { eos = t }
            if case .clip(1, 0, _, 1) = action { return (t, eos) }
            if eos > 0, t >= eos + 300 * Self.ms {
                flow.audio(atNs: t + 5 * Self.ms, durationNs: Self.frame, audible: true, response: 0, endIsMarked: true)
            }
            t += Self.frame
            if t > 10_000 * Self.ms { return (-1, eos) }
        }
    }

    @Test func theInterruptionStartsAfterPastTheFirstAudioAndMeasuresTheAgentsStop() throws {
        var flow = Self.flow()
        var t: Int64 = 0
        let (interruptNs, eos) = Self.untilInterrupt(&flow, t: &t)
        // First audio at eos + 305 ms; the interruption is due 500 ms later, on the next frame slot.
        let firstAudio = eos + 305 * Self.ms
        #expect(interruptNs >= firstAudio + 500 * Self.ms && interruptNs < firstAudio + 520 * Self.ms)
        #expect(flow.turns.count == 1 && flow.turns[0].outcome == .ok && flow.turns[0].bargeInMissed == nil)
        #expect(flow.turns[0].ttfaMs == 305)
        // Frames 1 and 2 of the interrupting clip: speech starts in frame 2, sent 1 ms after its slot.
        t += Self.frame
        Self.slot(&flow, t)
        // Reply audio still arriving before the speech starts is the interrupted turn's late audio, not leak.
        flow.audio(atNs: t + 5 * Self.ms, durationNs: Self.frame, audible: true, response: 0, endIsMarked: true)
        t += Self.frame
        Self.slot(&flow, t)
        let speechStart = t + Self.ms
        // The agent goes on for 150 ms (7 frames), then says the reply is over.
        for k in 0..<8 {
            flow.audio(
                atNs: speechStart + Int64(k) * Self.frame + 2 * Self.ms, durationNs: Self.frame, audible: true,
                response: 0, endIsMarked: true)
        }
        flow.responseEnded(atNs: speechStart + 160 * Self.ms, response: 0)
        // The rest of the interrupting clip, then its answer (response 1).
        var eos1: Int64 = 0
        for _ in 0..<7 {
            t += Self.frame
            if case .clip(1, 7, true, 1) = Self.slot(&flow, t) { eos1 = t }
        }
        #expect(eos1 > 0)
        flow.audio(atNs: eos1 + 250 * Self.ms, durationNs: Self.frame, audible: true, response: 1, endIsMarked: true)
        flow.responseEnded(atNs: eos1 + 270 * Self.ms, response: 1)
        #expect(flow.turns.count == 2)
        let turn = flow.turns[1]
        #expect(turn.turnIndex == 1 && turn.utterance == "interrupt" && turn.outcome == .ok)
        #expect(turn.bargeInMissed == false)
        // Last leaked frame arrived 7 frames + 2 ms after the speech start.
        #expect(turn.bargeInMs == 142)
        #expect(turn.bargeInStopMs == 160)
        #expect(turn.leakedAudioMs == 160)
        // The answer to the interrupting utterance is measured like any turn's.
        #expect(turn.ttfaMs == 250)
        #expect(turn.earlyAudioMs == 0)
        #expect(flow.turns[0].lateAudioMs == 20)
    }

    @Test func anAgentThatTalksOnIsAMissedInterruptionAndItsTailIsNotTheNextAnswer() throws {
        var flow = Self.flow(missedAfter: 400 * Self.ms)
        var t: Int64 = 0
        _ = Self.untilInterrupt(&flow, t: &t)
        var speechStart: Int64 = 0
        var eos1: Int64 = 0
        // The agent keeps talking through the whole interrupting clip and 400 ms past its end of speech.
        for _ in 0..<9 {
            t += Self.frame
            let action = Self.slot(&flow, t)
            if case .clip(1, 2, _, 1) = action { speechStart = t + Self.ms }
            if case .clip(1, 7, true, 1) = action { eos1 = t }
            flow.audio(atNs: t + 5 * Self.ms, durationNs: Self.frame, audible: true, response: 0, endIsMarked: true)
        }
        for k in 1...20 {
            flow.audio(
                atNs: eos1 + Int64(k) * Self.frame, durationNs: Self.frame, audible: true, response: 0,
                endIsMarked: true)
        }
        flow.responseEnded(atNs: eos1 + 420 * Self.ms, response: 0)
        // Then it answers the interruption.
        flow.audio(atNs: eos1 + 700 * Self.ms, durationNs: Self.frame, audible: true, response: 1, endIsMarked: true)
        flow.responseEnded(atNs: eos1 + 720 * Self.ms, response: 1)
        #expect(flow.turns.count == 2)
        let turn = flow.turns[1]
        #expect(turn.bargeInMissed == true)
        #expect(turn.bargeInMs == nil && turn.bargeInStopMs == nil)
        // Leak: the frames from the speech start on (8 during the clip, 20 after it).
        let leaked = try #require(turn.leakedAudioMs)
        #expect(abs(leaked - 28 * 20) < 1e-6, "\(leaked)")
        #expect(speechStart > 0)
        // The interrupted reply's tail is not the interrupting turn's answer.
        #expect(turn.ttfaMs == 700)
    }

    @Test func aReplyThatEndsBeforeTheInterruptionIsDueMakesAnOrdinaryTurn() throws {
        var flow = Self.flow(after: 2_000 * Self.ms)
        var t: Int64 = 0
        var eos: Int64 = 0
        while eos == 0 {
            if case .clip(0, 2, true, 0) = Self.slot(&flow, t) { eos = t }
            t += Self.frame
        }
        flow.audio(atNs: eos + 300 * Self.ms, durationNs: Self.frame, audible: true, response: 0, endIsMarked: true)
        flow.responseEnded(atNs: eos + 320 * Self.ms, response: 0)
        #expect(flow.turns.count == 1)
        // Think time (100 ms) after the answer ends, then turn 1 is spoken as any turn: no interruption.
        var started: Int64 = 0
        while started == 0 && t < 5_000 * Self.ms {
            if case .clip(1, 0, _, 1) = Self.slot(&flow, t) { started = t }
            t += Self.frame
        }
        #expect(started >= eos + 420 * Self.ms && started < eos + 460 * Self.ms)
        #expect(!flow.isStampingSpeechStart)
        for _ in 0..<12 {
            if case .clip(1, 7, true, 1) = Self.slot(&flow, t) { eos = t }
            t += Self.frame
        }
        flow.audio(atNs: eos + 300 * Self.ms, durationNs: Self.frame, audible: true, response: 1, endIsMarked: true)
        flow.responseEnded(atNs: eos + 320 * Self.ms, response: 1)
        #expect(flow.turns.count == 2)
        #expect(flow.turns[1].bargeInMissed == nil && flow.turns[1].leakedAudioMs == nil)
    }
}
