import ChorusCore
import Testing

@testable import ChorusAgent

@Suite("Pairing interruptions with the agent's ground truth")
struct BargeInTruthJoinTests {
    let originNs: Int64 = 5_000_000_000

    func record(_ session: String, turn: Int, eosAtMs: Double, latencyMs: Double) -> TruthRecord {
        let eos = self.originNs + Int64(eosAtMs * 1e6)
        return TruthRecord(
            session: session, turn: turn, eosSource: "vad", eosReceivedNs: eos, scriptedLatencyMs: latencyMs,
            firstReplySentNs: eos + Int64(latencyMs * 1e6))
    }

    func session(_ index: Int, turns: [(eosMs: Double, ttfaMs: Double)]) -> SessionResult {
        SessionResult(
            callerIndex: index, sessionIndex: index, transport: "websocket", dialect: "chorus", codec: "pcm16/16000",
            networkProfile: "clean", intendedStartMs: 0, startedMs: 0, connectMs: 1, endedMs: 20_000, outcome: .ok,
            error: nil,
            turns: turns.enumerated().map { i, t in
                TurnResult(turnIndex: i, utterance: "u", eosMs: t.eosMs, ttfaMs: t.ttfaMs, outcome: .ok)
            })
    }

    @Test("An interruption pairs with the agent's record of the reply it cut into, by that reply's first audio")
    func interruptionsPairWithTheInterruptedReply() throws {
        var heard = self.record("r-0", turn: 0, eosAtMs: 1_000.2, latencyMs: 300)
        heard.bargeInDetectedNs = self.originNs + 2_000_000_000
        heard.lastReplySentNs = heard.bargeInDetectedNs! + 140_000_000
        heard.replyStoppedNs = heard.bargeInDetectedNs! + 150_000_000
        heard.leakedMs = 160
        var playedOn = self.record("r-0", turn: 2, eosAtMs: 9_000.2, latencyMs: 300)
        playedOn.bargeInDetectedNs = self.originNs + 10_000_000_000
        playedOn.leakedMs = 2_000
        // The agent's answer to the interruption itself was not interrupted: no pairing with it.
        let truth = [heard, self.record("r-0", turn: 1, eosAtMs: 5_000.2, latencyMs: 300), playedOn]
        var s = self.session(0, turns: [(1_000, 300.3), (5_000, 300.4), (9_000, 300.3), (13_000, 300.2)])
        s.turns[1].bargeInMissed = false
        s.turns[1].bargeInMs = 140.4
        s.turns[1].leakedAudioMs = 160
        s.turns[3].bargeInMissed = true
        s.turns[3].leakedAudioMs = 2_020
        let pairs = TruthJoin.bargeInPairs(sessions: [s], truth: truth, runId: "r", originNs: self.originNs)
        #expect(pairs.map(\.truth.turn) == [0, 2])
        #expect(pairs.map(\.turn.turnIndex) == [1, 3])
        let error = try #require(pairs[0].errorMs)
        #expect(abs(error - 0.4) < 1e-6)
        #expect(pairs[1].errorMs == nil && pairs[1].leakedErrorMs == 20)
        #expect(pairs.allSatisfy { $0.missedAgrees })
        #expect(TruthJoin.bargeInPairs(sessions: [s], truth: truth, runId: "other", originNs: self.originNs).isEmpty)
    }
}
