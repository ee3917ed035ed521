import ChorusCore
import Testing

@testable import ChorusAgent

@Suite("Pairing callers' turns with the agent's ground truth")
struct TruthJoinTests {
    let originNs: Int64 = 5_000_000_000

    func record(_ session: String, turn: Int, eosAtMs: Double, latencyMs: Double) -> TruthRecord {
        let eos = self.originNs + Int64(eosAtMs * 1e6)
        return TruthRecord(
            session: session, turn: turn, eosSource: "vad", eosReceivedNs: eos, scriptedLatencyMs: latencyMs,
            firstReplySentNs: eos + Int64(latencyMs * 1e6))
    }

    func session(_ index: Int, turns: [(eosMs: Double, ttfaMs: Double)]) -> SessionResult {
        SessionResult(
            callerIndex: index, sessionIndex: index, transport: "rtp", dialect: "chorus", codec: "opus/16000",
            networkProfile: "clean", intendedStartMs: 0, startedMs: 0, connectMs: 1, endedMs: 20_000, outcome: .ok,
            error: nil,
            turns: turns.enumerated().map { i, t in
                TurnResult(turnIndex: i, utterance: "u", eosMs: t.eosMs, ttfaMs: t.ttfaMs, outcome: .ok)
            })
    }

    @Test("An utterance the agent's VAD split in two does not shift the later turns")
    func splitUtteranceIsPassedOver() {
        // The agent heard a pause inside turn 0 as an end of speech (its turn 0), then the real end (its turn 1).
        let truth = [
            self.record("r-0", turn: 0, eosAtMs: 1_200, latencyMs: 300),
            self.record("r-0", turn: 1, eosAtMs: 2_000.4, latencyMs: 301),
            self.record("r-0", turn: 2, eosAtMs: 6_000.3, latencyMs: 302),
        ]
        let s = self.session(0, turns: [(2_000, 301.5), (6_000, 302.5)])
        let pairs = TruthJoin.pairs(sessions: [s], truth: truth, runId: "r", originNs: self.originNs)
        #expect(pairs.map(\.truth.turn) == [1, 2])
        #expect(pairs.map { ($0.errorMs * 10).rounded() / 10 } == [0.5, 0.5])
        #expect(pairs.map { ($0.eosArrivalMs * 10).rounded() / 10 } == [0.4, 0.3])
        #expect(pairs.map { ($0.firstAudioArrivalMs * 10).rounded() / 10 } == [0.1, 0.2])
    }

    @Test("Turns are paired only within their own session and within the window")
    func otherSessionsAndFarRecordsAreNotPaired() {
        let truth = [
            self.record("r-1", turn: 0, eosAtMs: 2_000, latencyMs: 300),  // another session at the same time
            self.record("r-0", turn: 0, eosAtMs: 2_000 + 1_500, latencyMs: 300),  // outside the window
        ]
        let s = self.session(0, turns: [(2_000, 300)])
        #expect(TruthJoin.pairs(sessions: [s], truth: truth, runId: "r", originNs: self.originNs).isEmpty)
    }
}

@Suite("Ground truth through the impaired link")
struct TruthThroughImpairmentTests {
    @Test func theLinksDelaysAreAddedToTheAgentsLatencyAndBadFramesLeftOut() {
        let origin: Int64 = 1_000_000_000
        // The caller sent its end of speech at 2 s; the link delayed it 45.3 ms; the agent answered 300 ms after
        // taking it in 0.2 ms later; the link delayed the first reply frame 48.1 ms; the caller measured 393.9 ms.
        let eosReceived = origin + 2_045_500_000
        let truth = [
            TruthRecord(
                session: "r-0", turn: 0, eosSource: "vad", eosReceivedNs: eosReceived, scriptedLatencyMs: 300,
                firstReplySentNs: eosReceived + 300_000_000)
        ]
        var good = TurnResult(turnIndex: 0, utterance: "u", eosMs: 2_000, ttfaMs: 393.9, outcome: .ok)
        good.eosUpDelayMs = 45.3
        good.firstAudioDownDelayMs = 48.1
        var dropped = good
        dropped.turnIndex = 1
        dropped.eosUpDelayMs = nil
        let s = SessionResult(
            callerIndex: 0, sessionIndex: 0, transport: "websocket", dialect: "chorus", codec: "pcm16/16000",
            networkProfile: "4g", intendedStartMs: 0, startedMs: 0, connectMs: 1, endedMs: 9_000, outcome: .ok,
            error: nil, turns: [good, dropped])
        let pairs = TruthJoin.pairs(sessions: [s], truth: truth, runId: "r", originNs: origin)
        #expect(pairs.count == 1)
        let pair = pairs[0]
        #expect(abs(pair.expectedMs - 393.4) < 1e-6)
        #expect(abs(pair.errorMs - 0.5) < 1e-6)
        #expect(abs(pair.eosArrivalMs - 0.2) < 1e-6)
        #expect(abs(pair.firstAudioArrivalMs - 0.3) < 1e-6)
        #expect(!TruthJoin.isComparable(dropped))
    }
}

@Suite("Ground truth: replies to earlier speech")
struct TruthEarlierSpeechTests {
    @Test func aReplyToASplitOfTheUtteranceIsCountedNotCompared() {
        let origin: Int64 = 0
        let ms: Int64 = 1_000_000
        // The agent's VAD ended the utterance at 1.6 s (a pause); the caller's real end of speech reached it at
        // 2.5 s. The caller's first audio (at 2.9 s after a 0.5 s link) is the reply to the pause.
        let truth = [
            TruthRecord(
                session: "r-0", turn: 0, eosSource: "vad", eosReceivedNs: 1_600 * ms, scriptedLatencyMs: 300,
                firstReplySentNs: 1_900 * ms),
            TruthRecord(
                session: "r-0", turn: 1, eosSource: "message", eosReceivedNs: 2_500 * ms, scriptedLatencyMs: 300,
                firstReplySentNs: 2_800 * ms),
        ]
        var turn = TurnResult(turnIndex: 0, utterance: "u", eosMs: 2_000, ttfaMs: 400, outcome: .ok)
        turn.eosUpDelayMs = 500
        turn.firstAudioDownDelayMs = 500
        var s = SessionResult(
            callerIndex: 0, sessionIndex: 0, transport: "websocket", dialect: "chorus", codec: "pcm16/16000",
            networkProfile: "very-bad", intendedStartMs: 0, startedMs: 0, connectMs: 1, endedMs: 9_000, outcome: .ok,
            error: nil, turns: [turn])
        var join = TruthJoin.join(sessions: [s], truth: truth, runId: "r", originNs: origin)
        #expect(join.pairs.isEmpty && join.earlier == 1)
        // Heard 300 ms later, it is the reply to the whole utterance: paired, error 0.
        s.turns[0].ttfaMs = 1_300
        join = TruthJoin.join(sessions: [s], truth: truth, runId: "r", originNs: origin)
        #expect(join.earlier == 0 && join.pairs.count == 1 && abs(join.pairs[0].errorMs) < 1e-6)
    }
}
