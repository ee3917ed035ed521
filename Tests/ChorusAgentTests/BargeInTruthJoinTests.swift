import ChorusCore
import Testing

@testable import ChorusAgent

/// Interruptions are paired with the agent's ground truth by the same join as turns (`TruthJoinTests`' fixtures).
extension TruthJoinTests {
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
