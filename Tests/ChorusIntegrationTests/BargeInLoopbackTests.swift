import ChorusAgent
import ChorusCore
import ChorusEngine
import ChorusTestSupport
import Testing

/// Scripted interruptions against the reference agent over WebSocket (Chorus native), RTP and WebRTC at once: an agent
/// that stops 150 ms after hearing the caller, and one that never stops. The caller's barge-in latency and leaked
/// audio are checked against the agent's own account of when it heard the interruption and what it sent after.
@Suite("Barge-in against the reference agent", .serialized)
struct BargeInLoopbackTests {
    /// 12 callers, 4 on each transport, × (1 scripted turn + its interruption).
    static func scenario() -> Scenario {
        var s = AgentHarness.scenario(callers: 12, turns: 1, rampMs: 400)
        s.matrixTransports = [.websocket, .rtp, .webrtc]
        s.session.thinkTimeMs = 200...200
        // Its speech starts 40 ms in (frame 2): the speech start, not the clip start, begins the interruption.
        var bargeIn = Scenario.BargeIn(utterance: Fixtures.audio("change-time.wav"))
        bargeIn.probability = 1
        // The reply lasts 3.2 s: every interruption lands well inside it.
        bargeIn.afterMs = 400...1000
        s.session.bargeIn = bargeIn
        return s
    }

    static func behavior(_ stop: BargeInStop) -> AgentBehavior {
        // Over RTP the VAD ends an utterance a hangover after its last voiced frame: the latency must exceed it. A
        // VAD threshold below the caller's speech rule (-40 dBFS over 10 ms) hears the first speech frame.
        var b = AgentBehavior(latencyMs: 400, vadThresholdDBFS: -45, hangoverMs: 250)
        b.bargeInStop = stop
        return b
    }

    /// Per session, the interrupting turns paired in order with the agent's records of replies it heard
    /// interrupted.
    static func interruptions(_ result: AgentHarness.Result) -> [(transport: String, turn: TurnResult, truth: TruthRecord?)] {
        var out: [(String, TurnResult, TruthRecord?)] = []
        for s in result.sessions {
            let truth = result.truth.filter { $0.session == "\(result.runId)-\(s.sessionIndex)" && $0.bargeInDetectedNs != nil }
                .sorted { $0.bargeInDetectedNs! < $1.bargeInDetectedNs! }
            let turns = s.turns.filter { $0.bargeInMissed != nil }
            for (i, turn) in turns.enumerated() { out.append((s.transport, turn, i < truth.count ? truth[i] : nil)) }
        }
        return out
    }

    @Test("bargein_stop 150ms: barge-in latency and leaked audio within 20 ms of the agent's truth", .timeLimit(.minutes(2)))
    func scriptedStopIsMeasured() async throws {
        let result = try await AgentHarness.run(scenario: Self.scenario(), behavior: Self.behavior(.after(ms: 150)))
        #expect(result.sessions.count == 12)
        for s in result.sessions {
            #expect(s.turns.count == 2, "\(s.transport) session \(s.sessionIndex): \(s.turns.map(\.outcome)) \(s.error ?? "")")
            #expect(s.turns.allSatisfy { $0.outcome == .ok }, "\(s.transport): \(s.turns.map(\.outcome))")
        }
        let found = Self.interruptions(result)
        #expect(found.count == 12)
        // The join `chorus run` reports with finds the same records.
        let joined = TruthJoin.bargeInPairs(
            sessions: result.sessions, truth: result.truth, runId: result.runId, originNs: result.outcome.originNs)
        #expect(joined.count == 12)
        #expect(joined.allSatisfy { $0.missedAgrees && abs($0.errorMs ?? 99) <= 20 })
        var report: [String] = []
        for (transport, turn, truth) in found {
            let t = try #require(truth, "\(transport): the agent heard every interruption")
            #expect(turn.bargeInMissed == false, "\(transport)")
            let measured = try #require(turn.bargeInMs, "\(transport)")
            let expected = try #require(t.bargeInMs, "\(transport): the agent stopped")
            // The agent sends nothing due at or after its stop: its last frame went out within 20 ms before it.
            #expect(expected > 125 && expected <= 151, "\(transport): agent truth \(expected) ms")
            #expect(abs(measured - expected) <= 20, "\(transport): measured \(measured) ms vs truth \(expected) ms")
            let leaked = try #require(turn.leakedAudioMs)
            #expect(abs(leaked - (t.leakedMs ?? 0)) <= 20, "\(transport): leaked \(leaked) ms vs truth \(t.leakedMs ?? 0) ms")
            // The interruption was answered, and that answer measured like any turn.
            #expect(turn.ttfaMs != nil && turn.outcome == .ok)
            if transport == "websocket" {
                // Chorus native closes the cut reply with `response.end` (cancelled): the stop signal.
                let stop = try #require(turn.bargeInStopMs, "websocket stop signal")
                #expect(stop >= measured && stop - measured <= 20, "stop signal \(stop) ms vs last audio \(measured) ms")
            }
            report.append("\(transport) \((measured * 10).rounded() / 10)/\((expected * 10).rounded() / 10)")
        }
        print("barge-in loopback, measured/truth ms: \(report.joined(separator: ", "))")
    }

    @Test(
        "bargein_stop 150ms per WebSocket dialect: barge-in latency within 20 ms of the agent's truth",
        .timeLimit(.minutes(2)),
        arguments: [("openai-realtime", "pcm16/24000"), ("twilio", "pcmu/8000"), ("pipecat", "pcm16/16000")])
    func scriptedStopPerDialect(dialect: String, codec: String) async throws {
        var scenario = Self.scenario()
        scenario.matrixTransports = nil
        scenario.load.callers = 4
        scenario.target.dialect = DialectKind(rawValue: dialect)!
        scenario.target.codec = codec
        scenario.target.endOfTurn = "vad"
        let result = try await AgentHarness.run(scenario: scenario, behavior: Self.behavior(.after(ms: 150)))
        #expect(result.sessions.count == 4)
        for s in result.sessions {
            #expect(s.turns.count == 2 && s.turns.allSatisfy { $0.outcome == .ok }, "\(dialect): \(s.turns.map(\.outcome)) \(s.error ?? "")")
        }
        let found = Self.interruptions(result)
        #expect(found.count == 4)
        var report: [String] = []
        for (_, turn, truth) in found {
            let t = try #require(truth, "\(dialect): the agent heard every interruption")
            #expect(turn.bargeInMissed == false, "\(dialect)")
            let measured = try #require(turn.bargeInMs, "\(dialect)")
            let expected = try #require(t.bargeInMs, "\(dialect): the agent stopped")
            #expect(abs(measured - expected) <= 20, "\(dialect): measured \(measured) ms vs truth \(expected) ms")
            let leaked = try #require(turn.leakedAudioMs)
            #expect(abs(leaked - (t.leakedMs ?? 0)) <= 20, "\(dialect): leaked \(leaked) ms vs truth \(t.leakedMs ?? 0) ms")
            // Each dialect's stop signal: OpenAI `response.done` cancelled, Twilio `clear`, Pipecat's interruption.
            let stop = try #require(turn.bargeInStopMs, "\(dialect) stop signal")
            #expect(stop >= measured - 1 && stop - measured <= 40, "\(dialect): stop \(stop) ms vs last audio \(measured) ms")
            report.append("\((measured * 10).rounded() / 10)/\((expected * 10).rounded() / 10) stop \(turn.bargeInStopMs.map { "\(($0 * 10).rounded() / 10)" } ?? "-")")
        }
        print("barge-in loopback \(dialect), measured/truth ms: \(report.joined(separator: ", "))")
    }

    @Test("bargein_stop never: every interruption is missed, leaked audio matches the agent's truth", .timeLimit(.minutes(2)))
    func agentThatNeverStopsIsMissed() async throws {
        let result = try await AgentHarness.run(scenario: Self.scenario(), behavior: Self.behavior(.never))
        #expect(result.sessions.count == 12)
        let found = Self.interruptions(result)
        #expect(found.count == 12)
        var report: [String] = []
        for (transport, turn, truth) in found {
            let t = try #require(truth, "\(transport): the agent heard every interruption")
            #expect(t.replyStoppedNs == nil, "\(transport): the agent played on")
            #expect(turn.bargeInMissed == true, "\(transport)")
            #expect(turn.bargeInMs == nil)
            let leaked = try #require(turn.leakedAudioMs)
            #expect(leaked > 1000, "\(transport): \(leaked) ms leaked")
            #expect(abs(leaked - (t.leakedMs ?? 0)) <= 20, "\(transport): leaked \(leaked) ms vs truth \(t.leakedMs ?? 0) ms")
            // The agent answered the interruption after finishing its reply.
            #expect(turn.outcome == .ok && turn.ttfaMs != nil, "\(transport): \(turn.outcome)")
            report.append("\(transport) \(Int(leaked.rounded()))/\(Int((t.leakedMs ?? 0).rounded()))")
        }
        print("barge-in loopback (never), leaked measured/truth ms: \(report.joined(separator: ", "))")
    }
}
