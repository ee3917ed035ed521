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
