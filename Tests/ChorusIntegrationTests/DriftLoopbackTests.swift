import ChorusAgent
import ChorusCore
import ChorusTestSupport
import Testing

/// Long sessions against the reference agent injecting latency drift and a skewed media clock, both kinds at once:
/// an RTP cell whose agent adds 15 ms per turn and runs its clock 200 ppm fast, and beside it a WebSocket cell
/// whose agent adds nothing per turn and runs 100 ppm slow. Twenty turns of about 6.8 s each: under two and a half
/// minutes of wall time for the whole test.
@Suite("Long-session drift against the reference agent", .serialized)
struct DriftLoopbackTests {
    @Test("15 ms/turn over 20 turns is measured as 15 ± 2; 0 ms/turn is no drift; +200 ppm over RTP is 200 ± 30", .timeLimit(.minutes(4)))
    func driftAndClockSkewAreRecovered() async throws {
        var rtp = AgentHarness.scenario(callers: 2, turns: 20, rampMs: 500, codec: "opus/16000")
        rtp.session.thinkTimeMs = 200...300
        // Over RTP the agent's VAD finds the end of speech a hangover after the last voiced frame, and a reply
        // cannot start before that: the latency must exceed the hangover for every turn's drift to show.
        var rtpAgent = AgentBehavior(latencyMs: 300, driftMsPerTurn: 15, hangoverMs: 250)
        rtpAgent.clockSkewPpm = 200
        var ws = AgentHarness.scenario(callers: 2, turns: 20, rampMs: 500)
        ws.session.thinkTimeMs = 200...300
        var wsAgent = AgentBehavior(latencyMs: 100, hangoverMs: 250)
        wsAgent.clockSkewPpm = -100
        async let drifting = AgentHarness.run(scenario: rtp, behavior: rtpAgent)
        async let clean = AgentHarness.run(scenario: ws, behavior: wsAgent)
        let (d, c) = try await (drifting, clean)

        for s in d.sessions + c.sessions {
            #expect(s.turns.count == 20 && s.turns.allSatisfy { $0.outcome == .ok }, "\(s.turns.map(\.outcome))")
        }
        for s in d.sessions {
            let fit = try #require(s.ttfaDrift)
            #expect(abs(fit.slope - 15) <= 2, "RTP session \(s.sessionIndex): \(fit.slope) ms/turn")
            #expect(fit.isSignificantlyPositive)
            let ppm = try #require(s.clockDriftPpm, "RTP session \(s.sessionIndex) has no clock drift")
            #expect(abs(ppm - 200) <= 30, "RTP session \(s.sessionIndex): \(ppm) ppm")
        }
        for s in c.sessions {
            let fit = try #require(s.ttfaDrift)
            #expect(abs(fit.slope) <= 1, "WebSocket session \(s.sessionIndex): \(fit.slope) ms/turn")
            // No drift to speak of: whatever the interval says, the slope's lower bound is far below 1 ms/turn.
            #expect(fit.low < 0.5, "WebSocket session \(s.sessionIndex): \(fit.low)…\(fit.high)")
            let ppm = try #require(s.clockDriftPpm, "WebSocket session \(s.sessionIndex) has no clock drift")
            #expect(abs(ppm + 100) <= 40, "WebSocket session \(s.sessionIndex): \(ppm) ppm")
        }
        let summary = { (sessions: [SessionResult]) in
            sessions.map { s in
                "slope \(s.ttfaDrift.map { "\($0.slope) [\($0.low), \($0.high)]" } ?? "-") ppm \(s.clockDriftPpm ?? .nan)"
            }
        }
        print("drift loopback: RTP \(summary(d.sessions)); WebSocket \(summary(c.sessions))")
    }
}
