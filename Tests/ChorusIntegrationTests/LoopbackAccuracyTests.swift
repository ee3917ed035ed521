import ChorusAgent
import ChorusCore
import ChorusTestSupport
import Testing

@Suite("Loopback against the reference agent", .serialized)
struct LoopbackAccuracyTests {
    @Test("20 callers × 3 turns: every turn ok, TTFA within 10 ms of the agent's ground truth", .timeLimit(.minutes(2)))
    func twentyCallersMatchGroundTruth() async throws {
        let scenario = AgentHarness.scenario(callers: 20, turns: 3)
        let result = try await AgentHarness.run(scenario: scenario, behavior: AgentBehavior(latencyMs: 300, jitterMs: 0))
        let turns = result.sessions.flatMap(\.turns)
        #expect(result.sessions.count == 20)
        #expect(turns.count == 60)
        #expect(turns.allSatisfy { $0.outcome == .ok }, "outcomes: \(turns.map(\.outcome.rawValue))")
        let pairs = result.pairs
        #expect(pairs.count == 60)
        for p in pairs {
            #expect(abs(p.measured - p.truth) <= 10, "measured \(p.measured) ms vs truth \(p.truth) ms")
            #expect(abs(p.truth - 300) <= 10, "the agent itself kept its script: \(p.truth) ms")
        }
        #expect(turns.allSatisfy { ($0.ttfaAudibleMs ?? 0) >= ($0.ttfaMs ?? .infinity) })
        #expect(turns.allSatisfy { $0.stallCount == 0 })
    }

    @Test("Scripted latency moves measured TTFA by the same amount", .timeLimit(.minutes(2)))
    func latencyShiftIsMeasured() async throws {
        let scenario = AgentHarness.scenario(callers: 3, turns: 2, rampMs: 300)
        let fast = try await AgentHarness.run(scenario: scenario, behavior: AgentBehavior(latencyMs: 200))
        let slow = try await AgentHarness.run(scenario: scenario, behavior: AgentBehavior(latencyMs: 450))
        let p50 = { (r: AgentHarness.Result) in LatencySummary(r.sessions.flatMap(\.turns).compactMap(\.ttfaMs)).p50 ?? 0 }
        #expect(abs((p50(slow) - p50(fast)) - 250) <= 10)
    }

    @Test("An agent that never answers gives no_response turns, not a crash", .timeLimit(.minutes(1)))
    func silentAgentIsNoResponse() async throws {
        var scenario = AgentHarness.scenario(callers: 2, turns: 1, rampMs: 0)
        scenario.session.responseTimeoutMs = 800
        // A latency far beyond the response timeout: the caller gives up first.
        let result = try await AgentHarness.run(scenario: scenario, behavior: AgentBehavior(latencyMs: 60_000))
        let turns = result.sessions.flatMap(\.turns)
        #expect(turns.count == 2)
        #expect(turns.allSatisfy { $0.outcome == .noResponse })
    }
}
