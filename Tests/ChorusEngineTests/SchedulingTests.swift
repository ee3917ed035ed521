import ChorusEngine
import ChorusTestSupport
import Testing

@Suite("Arrival schedules and session plans")
struct SchedulingTests {
    @Test func rampSpreadsCallersEvenly() {
        let s = RampedClosedSchedule(callers: 4, rampNs: 2_000_000_000)
        #expect((0..<4).map { s.startOffsetNs(ofCaller: $0) } == [0, 500_000_000, 1_000_000_000, 1_500_000_000])
        #expect(RampedClosedSchedule(callers: 3, rampNs: 0).startOffsetNs(ofCaller: 2) == 0)
    }

    @Test func plansRepeatForTheSameSeedAndDifferAcrossSessions() {
        var scenario = AgentHarness.scenario(callers: 2, turns: 5)
        scenario.session.thinkTimeMs = 1000...3000
        let planner = SessionPlanner(scenario: scenario, clipCount: 4, runId: "r", originNs: 0)
        let a = planner.plan(callerIndex: 0, sessionIndex: 7)
        let b = planner.plan(callerIndex: 0, sessionIndex: 7)
        let c = planner.plan(callerIndex: 1, sessionIndex: 8)
        #expect(a.turnClips == b.turnClips && a.thinkNs == b.thinkNs)
        #expect(a.turnClips != c.turnClips || a.thinkNs != c.thinkNs)
        #expect(a.thinkNs.allSatisfy { (1_000_000_000...3_000_000_000).contains($0) })
        #expect(a.turnClips.allSatisfy { (0..<4).contains($0) })
        #expect(a.sessionId == "r-7")
    }
}
