import ChorusAgent
import ChorusCore
import ChorusTestSupport
import ChorusNetwork
import NIOCore
import NIOPosix
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

@Suite("Harness self-monitoring", .serialized)
struct HarnessValidityTests {
    @Test("A blocked event loop makes the run invalid, with the reason", .timeLimit(.minutes(1)))
    func blockedLoopIsInvalid() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // 150 ms of busy work on the callers' only loop, while the call is streaming (its one turn lasts ~7 s).
        group.next().scheduleTask(in: .milliseconds(3000)) {
            let end = NIODeadline.now() + .milliseconds(150)
            while NIODeadline.now() < end {}
        }
        let result = try await AgentHarness.run(
            scenario: AgentHarness.scenario(callers: 2, turns: 1, rampMs: 0), behavior: AgentBehavior(latencyMs: 200),
            group: group)
        try await group.shutdownGracefully()
        let reason = try #require(result.outcome.invalidReason)
        #expect(reason.contains("send lateness"))
        #expect(reason.contains("event-loop lag"))
        #expect(result.outcome.totals.sendLateUs.max >= 100_000)
    }

    @Test("A quiet run is valid and counts every frame", .timeLimit(.minutes(1)))
    func quietRunIsValid() async throws {
        let result = try await AgentHarness.run(
            scenario: AgentHarness.scenario(callers: 2, turns: 1, rampMs: 0), behavior: AgentBehavior(latencyMs: 200))
        #expect(result.outcome.invalidReason == nil, "\(result.outcome.invalidReason ?? "")")
        #expect(result.outcome.totals.framesSent > 200)
        #expect(result.outcome.totals.loopLagUs.count > 100)
    }
}

@Suite("Loopback over RTP", .serialized)
struct RTPLoopbackTests {
    @Test(
        "20 callers × 3 turns over RTP: every turn ok, TTFA within 10 ms of ground truth, both directions counted",
        .timeLimit(.minutes(2)), arguments: ["opus/16000", "pcmu/8000"])
    func twentyCallersOverRTP(codec: String) async throws {
        let scenario = AgentHarness.scenario(callers: 20, turns: 3, codec: codec)
        let result = try await AgentHarness.run(
            scenario: scenario, behavior: AgentBehavior(latencyMs: 300, hangoverMs: 250))
        let turns = result.sessions.flatMap(\.turns)
        #expect(turns.count == 60)
        #expect(turns.allSatisfy { $0.outcome == .ok }, "outcomes: \(turns.map(\.outcome.rawValue))")
        let pairs = result.pairs
        #expect(pairs.count == 60)
        for p in pairs {
            #expect(abs(p.measured - p.truth) <= 10, "measured \(p.measured) ms vs truth \(p.truth) ms")
        }
        #expect(turns.allSatisfy { ($0.voiceToVoiceMs ?? 0) > ($0.ttfaAudibleMs ?? .infinity) })
        for s in result.sessions {
            let directions = Set(s.network.map(\.direction))
            #expect(directions == ["up", "down"])
            #expect(s.network.allSatisfy { ($0.lost ?? 0) == 0 }, "clean loopback loses nothing: \(s.network)")
            #expect(s.network.allSatisfy { ($0.mos ?? 0) > 4 })
        }
    }

    @Test("With symmetric_rtp off the callers' sockets are unconnected and every turn still matches", .timeLimit(.minutes(1)))
    func unconnectedSockets() async throws {
        var scenario = AgentHarness.scenario(callers: 4, turns: 2, codec: "opus/16000")
        scenario.target.symmetricRTP = false
        let result = try await AgentHarness.run(scenario: scenario, behavior: AgentBehavior(latencyMs: 300, hangoverMs: 250))
        let turns = result.sessions.flatMap(\.turns)
        #expect(turns.count == 8 && turns.allSatisfy { $0.outcome == .ok }, "outcomes: \(turns.map(\.outcome.rawValue))")
        #expect(result.pairs.count == 8 && result.pairs.allSatisfy { abs($0.measured - $0.truth) <= 10 })
    }
}

@Suite("Impaired networks, end to end", .serialized)
struct ImpairmentEndToEndTests {
    /// 5 % random loss each way and nothing else, so what TCP and UDP do with it is all that differs.
    static let lossy = LinkProfile(
        name: "lossy-5", description: "5 % Bernoulli loss", source: "test",
        both: NetworkProfile(loss: .bernoulli(rate: 0.05), delayMs: 20))

    @Test("RTP at 5 % loss: loss is seen, surviving packets are not delayed", .timeLimit(.minutes(2)))
    func rtpShowsLossNotDelay() async throws {
        var scenario = AgentHarness.scenario(callers: 6, turns: 2, codec: "opus/16000")
        scenario.network = [Self.lossy]
        let result = try await AgentHarness.run(scenario: scenario, behavior: AgentBehavior(latencyMs: 300, hangoverMs: 250))
        let down = result.sessions.flatMap(\.network).filter { $0.direction == "down" }
        let received = down.compactMap(\.packetsReceived).reduce(0, +)
        let lost = down.compactMap(\.lost).reduce(0, +)
        #expect(received > 500)
        let lossPct = Double(lost) / Double(received + lost) * 100
        #expect((2.0...9.0).contains(lossPct), "observed \(lossPct) % down-link loss")
        #expect(result.sessions.flatMap(\.network).allSatisfy { $0.mos != nil })
        // No retransmission: a turn's TTFA is the agent's latency plus the two 20 ms one-way delays, give or take
        // the agent's VAD seeing a lost last voiced packet.
        let ttfa = LatencySummary(result.sessions.flatMap(\.turns).compactMap(\.ttfaMs))
        #expect(abs((ttfa.p50 ?? 0) - 340) < 30, "TTFA p50 \(ttfa.p50 ?? -1)")
    }

    @Test("WebSocket at 5 % loss: nothing lost, frames held back behind each loss (stalls)", .timeLimit(.minutes(2)))
    func webSocketShowsDelayNotLoss() async throws {
        var scenario = AgentHarness.scenario(callers: 6, turns: 2)
        scenario.network = [Self.lossy]
        let result = try await AgentHarness.run(scenario: scenario, behavior: AgentBehavior(latencyMs: 300))
        let turns = result.sessions.flatMap(\.turns)
        #expect(turns.allSatisfy { $0.outcome == .ok }, "\(turns.map(\.outcome.rawValue))")
        let down = result.sessions.flatMap(\.network).filter { $0.direction == "down" }
        #expect(down.allSatisfy { $0.lost == 0 })
        #expect(down.map { $0.late ?? 0 }.reduce(0, +) > 0, "head-of-line blocking held frames back")
        #expect(turns.map(\.stallCount).reduce(0, +) > 0, "the listener heard stalls")
        // Every reply frame still arrived.
        #expect(turns.allSatisfy { ($0.responseAudioMs ?? 0) >= 3200 })
    }
}
