import ChorusAgent
import ChorusCore
import ChorusEngine
import ChorusNetwork
import ChorusTestSupport
import Testing

@Suite("Loopback over WebRTC", .serialized)
struct WebRTCLoopbackTests {
    static func scenario(callers: Int, turns: Int, signalling: String = "whip") -> Scenario {
        var s = AgentHarness.scenario(callers: callers, turns: turns, codec: "opus/48000")
        s.target.transport = .webrtc
        s.target.signalling = signalling == "pipecat" ? .pipecat : .whip
        return s
    }

    static func expectMatchesTruth(_ result: AgentHarness.Result, turns expected: Int) {
        let turns = result.sessions.flatMap(\.turns)
        #expect(result.sessions.allSatisfy { $0.outcome == .ok }, "\(result.sessions.map { $0.error ?? $0.outcome.rawValue })")
        #expect(turns.count == expected)
        #expect(turns.allSatisfy { $0.outcome == .ok }, "outcomes: \(turns.map(\.outcome.rawValue))")
        let pairs = result.pairs
        #expect(pairs.count == expected)
        for p in pairs {
            #expect(abs(p.measured - p.truth) <= 10, "measured \(p.measured) ms vs truth \(p.truth) ms")
        }
        for s in result.sessions {
            #expect(s.transport == "webrtc")
            #expect(Set(s.network.map(\.direction)) == ["up", "down"])
            #expect(s.network.allSatisfy { ($0.lost ?? 0) == 0 }, "clean loopback loses nothing: \(s.network)")
            let phases = s.connectPhases
            #expect(phases?.signallingMs != nil && phases?.iceMs != nil && phases?.dtlsMs != nil, "\(String(describing: phases))")
            #expect(phases?.firstMediaMs != nil, "the agent's first reply arrived over SRTP")
        }
    }

    @Test(
        "10 callers × 3 turns over WebRTC (WHIP): every turn ok, TTFA within 10 ms of ground truth, both DTLS roles",
        .timeLimit(.minutes(2)), arguments: ["/whip", "/whip?setup=passive"])
    func tenCallersOverWHIP(path: String) async throws {
        let result = try await AgentHarness.run(
            scenario: Self.scenario(callers: 10, turns: 3), behavior: AgentBehavior(latencyMs: 300, hangoverMs: 250),
            setup: AgentHarness.AgentSetup(webRTCPath: path))
        Self.expectMatchesTruth(result, turns: 30)
    }

    @Test("Pipecat-style signalling (JSON offer/answer) reaches the same agent", .timeLimit(.minutes(1)))
    func pipecatSignalling() async throws {
        let result = try await AgentHarness.run(
            scenario: Self.scenario(callers: 3, turns: 2, signalling: "pipecat"),
            behavior: AgentBehavior(latencyMs: 300, hangoverMs: 250))
        Self.expectMatchesTruth(result, turns: 6)
        #expect(result.sessions.allSatisfy { $0.dialect == "pipecat" })
    }

    @Test("A signalling endpoint that refuses the offer makes rejected sessions naming the HTTP status", .timeLimit(.minutes(1)))
    func refusedOffer() async throws {
        let result = try await AgentHarness.run(
            scenario: Self.scenario(callers: 2, turns: 1), behavior: AgentBehavior(latencyMs: 300),
            setup: AgentHarness.AgentSetup(webRTCPath: "/nowhere"))
        #expect(result.sessions.count == 2)
        for s in result.sessions {
            #expect(s.outcome == .rejected)
            #expect(s.error?.contains("HTTP 404") == true, "\(s.error ?? "")")
        }
    }

    @Test("At 5 % loss each way ICE and DTLS still finish (retransmitted), and loss is seen on the media", .timeLimit(.minutes(2)))
    func setUpUnderLoss() async throws {
        var scenario = Self.scenario(callers: 6, turns: 2)
        scenario.network = [
            LinkProfile(
                name: "lossy-5", description: "5 % Bernoulli loss", source: "test",
                both: NetworkProfile(loss: .bernoulli(rate: 0.05), delayMs: 20))
        ]
        let result = try await AgentHarness.run(scenario: scenario, behavior: AgentBehavior(latencyMs: 300, hangoverMs: 250))
        #expect(result.sessions.allSatisfy { $0.outcome == .ok }, "\(result.sessions.map { $0.error ?? $0.outcome.rawValue })")
        // Every set-up step crossed the 20 ms link at least once each way.
        for s in result.sessions {
            #expect((s.connectPhases?.iceMs ?? 0) >= 40, "\(String(describing: s.connectPhases))")
            #expect((s.connectPhases?.dtlsMs ?? 0) >= 40, "\(String(describing: s.connectPhases))")
        }
        let down = result.sessions.flatMap(\.network).filter { $0.direction == "down" }
        #expect(down.compactMap(\.lost).reduce(0, +) > 0)
        let ttfa = LatencySummary(result.sessions.flatMap(\.turns).compactMap(\.ttfaMs))
        #expect(abs((ttfa.p50 ?? 0) - 340) < 30, "TTFA p50 \(ttfa.p50 ?? -1)")
    }
}
