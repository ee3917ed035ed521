import ChorusCore
import ChorusRTP
import ChorusTransport
import Testing

/// Audio belongs to the agent response it is part of: a reply's tail that arrives after the next end of speech is
/// late audio of its own turn, never the next turn's first audio. Driven by hand-made timestamps (no sockets).
@Suite("Response attribution")
struct ResponseAttributionTests {
    static let ms: Int64 = 1_000_000
    static let frame: Int64 = 20 * ms

    /// Two turns, 5-frame clips with speech ending in frame 2, 100 ms think time, 1.5 s silence bound.
    static func flow() -> CallFlow {
        let plan = SessionPlan(
            callerIndex: 0, sessionIndex: 0, sessionId: "s", turnClips: [0, 0], thinkNs: [100 * ms, 100 * ms],
            responseTimeoutNs: 10_000 * ms, responseEndSilenceNs: 1_500 * ms, originNs: 0, seed: 1)
        var flow = CallFlow(plan: plan, clips: [CallFlow.ClipShape(name: "c", frameCount: 5, lastSpeechFrame: 2)])
        _ = flow.start()
        return flow
    }

    /// Runs the frame grid from `t` until `until`, stamping each end of speech; returns the end-of-speech instants.
    static func pace(_ flow: inout CallFlow, from t: inout Int64, until: Int64) -> [Int64] {
        var eos: [Int64] = []
        while t < until && !flow.isHangingUp {
            if case .clip(_, _, true, _) = flow.nextFrame(deadlineNs: t) {
                flow.endOfSpeechSent(actualNs: t, intendedNs: t)
                eos.append(t)
            }
            t += Self.frame
        }
        return eos
    }

    @Test func aStalledMarkedReplysTailIsLateAudioNotTheNextTurnsFirstAudio() throws {
        var flow = Self.flow()
        var t: Int64 = 0
        let eos0 = try #require(Self.pace(&flow, from: &t, until: 100 * Self.ms).first)
        // Reply 0 (the native dialect numbers it 0 and marks its end): two frames, then TCP holds the rest back for
        // 2 s, longer than the silence bound. The turn must not end on that silence.
        flow.audio(atNs: eos0 + 400 * Self.ms, durationNs: Self.frame, audible: true, response: 0, endIsMarked: true)
        flow.audio(atNs: eos0 + 420 * Self.ms, durationNs: Self.frame, audible: true, response: 0, endIsMarked: true)
        _ = Self.pace(&flow, from: &t, until: eos0 + 2_400 * Self.ms)
        #expect(flow.turns.isEmpty, "a marked response that stalls is not over")
        // The tail and the end marker arrive; the turn is over, the caller thinks and speaks again.
        flow.audio(atNs: t, durationNs: Self.frame, audible: true, response: 0, endIsMarked: true)
        flow.responseEnded(atNs: t + Self.frame, response: 0)
        #expect(flow.turns.count == 1)
        #expect(flow.turns[0].ttfaMs == 400)
        let eos1 = try #require(Self.pace(&flow, from: &t, until: t + 400 * Self.ms).first)
        // A late end of reply 0 (a duplicate, say) after turn 1's end of speech does not end turn 1.
        flow.responseEnded(atNs: eos1 + 5 * Self.ms, response: 0)
        #expect(flow.turns.count == 1)
        // Reply 1 is turn 1's answer.
        flow.audio(atNs: eos1 + 350 * Self.ms, durationNs: Self.frame, audible: true, response: 1, endIsMarked: true)
        flow.responseEnded(atNs: eos1 + 370 * Self.ms, response: 1)
        #expect(flow.turns.map(\.ttfaMs) == [400, 350])
    }

    @Test func aTalkspurtsTailAfterTheNextEndOfSpeechCountsOnItsOwnTurn() throws {
        // RTP: no end marker, so the turn ends after 1.5 s of silence; the reply's talkspurt then goes on.
        var flow = Self.flow()
        var t: Int64 = 0
        let eos0 = try #require(Self.pace(&flow, from: &t, until: 100 * Self.ms).first)
        flow.audio(atNs: eos0 + 300 * Self.ms, durationNs: Self.frame, audible: true, response: 0)
        _ = Self.pace(&flow, from: &t, until: eos0 + 1_900 * Self.ms)
        #expect(flow.turns.count == 1 && flow.turns[0].ttfaMs == 300)
        let eos1 = try #require(Self.pace(&flow, from: &t, until: t + 400 * Self.ms).first)
        // Talkspurt 0's tail lands 1 ms after turn 1's end of speech: the old 0.87 ms TTFA.
        for i in 0..<5 {
            flow.audio(atNs: eos1 + Self.ms + Int64(i) * Self.frame, durationNs: Self.frame, audible: true, response: 0)
        }
        flow.audio(atNs: eos1 + 320 * Self.ms, durationNs: Self.frame, audible: true, response: 1)
        _ = Self.pace(&flow, from: &t, until: eos1 + 3_000 * Self.ms)
        #expect(flow.turns.map(\.ttfaMs) == [300, 320])
        #expect(flow.turns[0].lateAudioMs == 100)
        #expect(flow.turns[1].lateAudioMs == 0)
    }

    @Test func aResponseBegunWhileTheCallerSpeaksIsEarlyAudioNotTheAnswer() throws {
        // No numbering at all (a Twilio agent that never marks): responses are split on 1.5 s of silence.
        var flow = Self.flow()
        var t: Int64 = 0
        let eos0 = try #require(Self.pace(&flow, from: &t, until: 100 * Self.ms).first)
        flow.audio(atNs: eos0 + 300 * Self.ms, durationNs: Self.frame, audible: true)
        _ = Self.pace(&flow, from: &t, until: eos0 + 1_900 * Self.ms)
        #expect(flow.turns.count == 1)
        // Audio that starts while the caller speaks turn 1 and runs on past its end of speech is not its answer.
        _ = Self.pace(&flow, from: &t, until: eos0 + 1_960 * Self.ms)
        #expect(flow.currentMeter?.turnIndex == 1 && flow.isAwaitingResponse == false)
        flow.audio(atNs: t, durationNs: 200 * Self.ms, audible: true)
        let eos1 = try #require(Self.pace(&flow, from: &t, until: t + 400 * Self.ms).first)
        flow.audio(atNs: eos1 + 10 * Self.ms, durationNs: Self.frame, audible: true)
        // After a silence longer than the bound, a new response: turn 1's answer.
        flow.audio(atNs: eos1 + 1_800 * Self.ms, durationNs: Self.frame, audible: true)
        _ = Self.pace(&flow, from: &t, until: eos1 + 4_000 * Self.ms)
        #expect(flow.turns.map(\.ttfaMs) == [300, 1_800])
        // Begun while turn 1 was spoken, it is turn 1's early audio, not turn 0's late audio.
        #expect(flow.turns[0].lateAudioMs == 0 && flow.turns[1].earlyAudioMs == 220)
    }

    @Test func aResponseArrivingSoonerThanTheLinkAllowsIsEarlyAudioNotTheAnswer() throws {
        // A 1 s floor (500 ms each way): the agent's VAD cut the utterance short and its reply to the first part
        // arrives 650 ms after the end of speech; its answer to the whole utterance comes after the floor.
        var plan = Self.flow().plan
        plan.ttfaFloorNs = 1_000 * Self.ms
        var flow = CallFlow(plan: plan, clips: [CallFlow.ClipShape(name: "c", frameCount: 5, lastSpeechFrame: 2)])
        _ = flow.start()
        var t: Int64 = 0
        let eos = try #require(Self.pace(&flow, from: &t, until: 100 * Self.ms).first)
        for i in 0..<3 {
            flow.audio(
                atNs: eos + 650 * Self.ms + Int64(i) * Self.frame, durationNs: Self.frame, audible: true, response: 0,
                endIsMarked: true)
        }
        flow.responseEnded(atNs: eos + 720 * Self.ms, response: 0)  // the agent replaced it: not this turn's end
        #expect(flow.turns.isEmpty)
        flow.audio(atNs: eos + 1_420 * Self.ms, durationNs: Self.frame, audible: true, response: 1, endIsMarked: true)
        flow.responseEnded(atNs: eos + 1_440 * Self.ms, response: 1)
        let turn = try #require(flow.turns.first)
        #expect(turn.ttfaMs == 1_420 && turn.earlyAudioMs == 60 && turn.lateAudioMs == 0)
    }

    @Test func aMarkedAnswerWithNoAudioIsNoResponse() {
        var flow = Self.flow()
        var t: Int64 = 0
        _ = Self.pace(&flow, from: &t, until: 100 * Self.ms)
        flow.responseEnded(atNs: t, response: 0)
        #expect(flow.turns.map(\.outcome) == [.noResponse])
    }

    @Test func theLinksDelaysOnTheEndOfSpeechAndTheFirstAudioAreKept() throws {
        var flow = Self.flow()
        var t: Int64 = 0
        while flow.turns.isEmpty && t < 1_000 * Self.ms {
            if case .clip(_, _, true, _) = flow.nextFrame(deadlineNs: t) {
                flow.endOfSpeechSent(actualNs: t, intendedNs: t, upDelayNs: 45 * Self.ms)
                // An explicit end-of-turn message went after it and is what the agent takes.
                flow.endOfSpeechCarried(upDelayNs: 47 * Self.ms)
                flow.audio(
                    atNs: t + 400 * Self.ms, durationNs: Self.frame, audible: true, response: 0, endIsMarked: true,
                    downDelayNs: 52 * Self.ms)
                flow.audio(
                    atNs: t + 420 * Self.ms, durationNs: Self.frame, audible: true, response: 0, endIsMarked: true,
                    downDelayNs: 9 * Self.ms)
                flow.responseEnded(atNs: t + 440 * Self.ms, response: 0)
            }
            t += Self.frame
        }
        let turn = try #require(flow.turns.first)
        #expect(turn.eosUpDelayMs == 47 && turn.firstAudioDownDelayMs == 52)
    }

    @Test func aFirstFrameThatIsNotTheResponsesStartHasNoComparableDelay() throws {
        var flow = Self.flow()
        var t: Int64 = 0
        _ = Self.pace(&flow, from: &t, until: 100 * Self.ms)
        flow.endOfSpeechSent(actualNs: t, intendedNs: t, upDelayNs: nil)  // the link dropped it
        flow.audio(atNs: t + 400 * Self.ms, durationNs: Self.frame, audible: true, response: 0, isResponseStart: false)
        _ = Self.pace(&flow, from: &t, until: t + 3_000 * Self.ms)
        let turn = try #require(flow.turns.first)
        #expect(turn.eosUpDelayMs == nil && turn.firstAudioDownDelayMs == nil && turn.ttfaMs != nil)
    }
}

@Suite("RTP talkspurts")
struct TalkspurtTrackerTests {
    typealias P = TalkspurtTracker.Placement

    @Test func aMarkerOrATimestampJumpStartsATalkspurt() {
        var tracker = TalkspurtTracker(timestampIncrement: 960)
        #expect(tracker.place(sequence: 10, timestamp: 1000, marker: true) == P(ordinal: 0, isStart: true))
        #expect(tracker.place(sequence: 11, timestamp: 1960, marker: false) == P(ordinal: 0, isStart: false))
        // The next reply: sequence +1, timestamp jumped over the silence, marker set.
        #expect(tracker.place(sequence: 12, timestamp: 96_000, marker: true) == P(ordinal: 1, isStart: true))
        // A late packet of the first talkspurt (reordered) still belongs to it.
        #expect(tracker.place(sequence: 11, timestamp: 1960, marker: false) == P(ordinal: 0, isStart: false))
        // The third reply's marker packet is lost: the jump alone starts it, and its first packet seen is no start.
        #expect(tracker.place(sequence: 14, timestamp: 200_960, marker: false) == P(ordinal: 2, isStart: false))
        // A gap in sequence numbers with timestamps in step is loss inside the talkspurt, not a new one.
        #expect(tracker.place(sequence: 17, timestamp: 200_960 + 3 * 960, marker: false) == P(ordinal: 2, isStart: false))
    }

    @Test func sequenceAndTimestampWrapAround() {
        var tracker = TalkspurtTracker(timestampIncrement: 160)
        #expect(tracker.place(sequence: 65_535, timestamp: UInt32.max - 100, marker: true).ordinal == 0)
        #expect(tracker.place(sequence: 0, timestamp: UInt32.max &+ 60, marker: false) == P(ordinal: 0, isStart: false))
        #expect(tracker.place(sequence: 1, timestamp: 40_000, marker: true) == P(ordinal: 1, isStart: true))
    }
}
