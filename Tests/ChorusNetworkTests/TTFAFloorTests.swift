import ChorusCore
import ChorusNetwork
import Testing

@Suite("Physical TTFA floor")
struct TTFAFloorTests {
    @Test func theFloorIsTheSmallestDelayEachWayTheJitterAllows() {
        // 4g: 45 ms each way, ±15 ms up and ±5 ms down uniform jitter.
        #expect(LinkProfile.fourG.ttfaFloorMs(datagrams: false) == 30 + 40)
        #expect(LinkProfile.veryBad.ttfaFloorMs(datagrams: true) == 1000)
        #expect(LinkProfile.clean.ttfaFloorMs(datagrams: true) == 0)
        let normal = NetworkProfile(delayMs: 100, jitter: .normal(sdMs: 10))
        #expect(abs(normal.minimumOneWayDelayMs(datagrams: false) - (100 - 40)) < 0.01)
        let pareto = NetworkProfile(delayMs: 30, jitter: .pareto(sigmaMs: 30))
        #expect(abs(pareto.minimumOneWayDelayMs(datagrams: false) - 10) < 1e-9)
        // Jitter larger than the delay cannot make a packet arrive before it left.
        #expect(NetworkProfile(delayMs: 5, jitter: .uniform(halfWidthMs: 20)).minimumOneWayDelayMs(datagrams: false) == 0)
        // A datagram that overtakes skips the delay queue; a TCP stream never reorders.
        let reordering = NetworkProfile(delayMs: 50, reorderRate: 0.01)
        #expect(reordering.minimumOneWayDelayMs(datagrams: true) == 0)
        #expect(reordering.minimumOneWayDelayMs(datagrams: false) == 50)
    }

    @Test func aTurnBelowTheFloorIsImplausibleAllowingForTheHarnessLateness() {
        let fast = TurnResult(turnIndex: 0, utterance: "u", eosLateMs: 0.2, ttfaMs: 0.87, outcome: .ok)
        let slow = TurnResult(turnIndex: 1, utterance: "u", eosLateMs: 0.2, ttfaMs: 395, outcome: .ok)
        // Sent 3 ms late, so measured 3 ms short: still possible.
        let late = TurnResult(turnIndex: 2, utterance: "u", eosLateMs: 3, ttfaMs: 68, outcome: .ok)
        #expect(fast.isImplausible(floorMs: 70) && !slow.isImplausible(floorMs: 70) && !late.isImplausible(floorMs: 70))
        #expect(!fast.isImplausible(floorMs: nil))
        let session = SessionResult(
            callerIndex: 0, sessionIndex: 0, transport: "websocket", dialect: "chorus", codec: "pcm16/16000",
            networkProfile: "4g", intendedStartMs: 0, startedMs: 0, connectMs: 1, endedMs: 10, outcome: .ok, error: nil,
            turns: [fast, slow, late], ttfaFloorMs: 70)
        #expect(session.implausibleTurns == 1)
    }
}
