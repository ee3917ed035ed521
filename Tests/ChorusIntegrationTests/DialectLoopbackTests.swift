import ChorusAgent
import ChorusCore
import ChorusEngine
import ChorusTestSupport
import Foundation
import Testing

@Suite("Real-agent dialects against the reference agent", .serialized)
struct DialectLoopbackTests {
    /// A loopback scenario speaking `dialect` with its codec and end of turn.
    static func scenario(dialect: String, codec: String, endOfTurn: String, callers: Int, turns: Int) -> Scenario {
        var s = AgentHarness.scenario(callers: callers, turns: turns)
        s.target.dialect = DialectKind(rawValue: dialect)!
        s.target.codec = codec
        s.target.endOfTurn = endOfTurn
        return s
    }

    /// The agent's VAD needs its hangover (400 ms) of silence before it can answer: script a latency beyond it.
    static let behavior = AgentBehavior(latencyMs: 600)

    static func expectMatchesTruth(_ result: AgentHarness.Result, turns expected: Int, _ label: String) {
        let turns = result.sessions.flatMap(\.turns)
        #expect(turns.count == expected, "\(label)")
        #expect(turns.allSatisfy { $0.outcome == .ok }, "\(label): \(result.sessions.map { "\($0.outcome) \($0.error ?? "")" })")
        let pairs = result.pairs
        #expect(pairs.count == expected, "\(label): turns joined with the agent's truth")
        for p in pairs {
            #expect(abs(p.measured - p.truth) <= 10, "\(label): measured \(p.measured) ms vs truth \(p.truth) ms")
            #expect(abs(p.truth - 600) <= 10, "\(label): the agent kept its script: \(p.truth) ms")
        }
        #expect(turns.allSatisfy { ($0.responseAudioMs ?? 0) > 1000 }, "\(label): the whole reply was heard")
    }

    @Test(
        "10 callers × 3 turns per dialect: every turn ok, TTFA within 10 ms of ground truth", .timeLimit(.minutes(2)),
        arguments: [
            ("openai-realtime", "pcm16/24000", "vad"), ("openai-realtime", "pcm16/24000", "message"),
            ("openai-realtime", "pcmu/8000", "vad"), ("twilio", "pcmu/8000", "vad"), ("pipecat", "pcm16/16000", "vad"),
        ])
    func dialectMatchesGroundTruth(dialect: String, codec: String, endOfTurn: String) async throws {
        let scenario = Self.scenario(dialect: dialect, codec: codec, endOfTurn: endOfTurn, callers: 10, turns: 3)
        let result = try await AgentHarness.run(scenario: scenario, behavior: Self.behavior)
        Self.expectMatchesTruth(result, turns: 30, "\(dialect) \(codec) \(endOfTurn)")
        #expect(result.sessions.allSatisfy { $0.dialect == dialect })
    }

    @Test(
        "A fragmenting agent (100-byte fragments) per dialect: every turn ok, TTFA within 10 ms of ground truth",
        .timeLimit(.minutes(2)),
        arguments: [
            ("chorus", "pcm16/16000", "message"), ("openai-realtime", "pcm16/24000", "vad"), ("twilio", "pcmu/8000", "vad"),
            ("pipecat", "pcm16/16000", "vad"),
        ])
    func fragmentingAgentMatchesGroundTruth(dialect: String, codec: String, endOfTurn: String) async throws {
        let scenario = Self.scenario(dialect: dialect, codec: codec, endOfTurn: endOfTurn, callers: 5, turns: 2)
        var behavior = Self.behavior
        behavior.fragmentBytes = 100
        let result = try await AgentHarness.run(scenario: scenario, behavior: behavior)
        Self.expectMatchesTruth(result, turns: 10, "fragmented \(dialect)")
    }

    @Test(
        "A fragmented message over target.max_message_size is a protocol_error naming its size",
        .timeLimit(.minutes(1)))
    func fragmentedMessageOverTheLimit() async throws {
        var scenario = Self.scenario(dialect: "openai-realtime", codec: "pcm16/24000", endOfTurn: "vad", callers: 2, turns: 1)
        scenario.target.maxMessageSize = 1000
        var behavior = Self.behavior
        behavior.fragmentBytes = 100
        // The first message longer than the limit is refused at its eleventh 100-byte fragment.
        let result = try await AgentHarness.run(scenario: scenario, behavior: behavior)
        #expect(result.sessions.count == 2)
        #expect(result.sessions.allSatisfy { $0.outcome == .protocolError }, "\(result.sessions.map(\.outcome))")
        #expect(
            result.sessions.allSatisfy { $0.error == "agent message of 1100 bytes exceeds the 1000-byte limit" },
            "\(result.sessions.map { $0.error ?? "" })")
    }

    @Test("wss:// with a self-signed certificate trusted through target.tls.ca_file", .timeLimit(.minutes(2)))
    func secureWebSocket() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-tls-\(UUID().uuidString)").path
        let tls = try AgentTLS.selfSigned(directory: dir)
        for dialect in ["chorus", "twilio"] {
            let codec = dialect == "twilio" ? "pcmu/8000" : "pcm16/16000"
            let endOfTurn = dialect == "twilio" ? "vad" : "message"
            let scenario = Self.scenario(dialect: dialect, codec: codec, endOfTurn: endOfTurn, callers: 3, turns: 2)
            let result = try await AgentHarness.run(
                scenario: scenario, behavior: Self.behavior,
                setup: .init(tls: tls))
            Self.expectMatchesTruth(result, turns: 6, "wss \(dialect)")
        }
    }

    @Test("An untrusted certificate fails the connection with a TLS error, not a hang", .timeLimit(.minutes(1)))
    func untrustedCertificateFails() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-tls-\(UUID().uuidString)").path
        let served = try AgentTLS.selfSigned(directory: "\(dir)/served")
        let other = try AgentTLS.selfSigned(directory: "\(dir)/other")
        var scenario = Self.scenario(dialect: "chorus", codec: "pcm16/16000", endOfTurn: "message", callers: 2, turns: 1)
        scenario.session.responseTimeoutMs = 2000
        // The agent serves one certificate while the caller trusts another.
        let result = try await AgentHarness.run(
            scenario: scenario, behavior: Self.behavior,
            setup: .init(tls: AgentTLS(certificatePath: served.certificatePath, keyPath: served.keyPath),
                         caFile: other.certificatePath))
        #expect(result.sessions.count == 2)
        #expect(result.sessions.allSatisfy { $0.outcome == .connectFailed }, "\(result.sessions.map(\.outcome))")
        #expect(result.sessions.allSatisfy { ($0.error ?? "").lowercased().contains("certificate") },
                "\(result.sessions.map { $0.error ?? "" })")
    }

    @Test("A refused credential is a rejected session with the HTTP status; the right one is let in", .timeLimit(.minutes(1)))
    func credentialsAreSentAndRefusalsRecorded() async throws {
        let token = "tok-\(UUID().uuidString)"
        var scenario = Self.scenario(dialect: "openai-realtime", codec: "pcm16/24000", endOfTurn: "vad", callers: 2, turns: 1)
        scenario.target.headers = ["Authorization": "Bearer ${CHORUS_TEST_TOKEN}"]
        let behavior = Self.behavior

        let refused = try await AgentHarness.run(
            scenario: scenario, behavior: behavior,
            setup: .init(requiredBearerToken: token, environment: ["CHORUS_TEST_TOKEN": "wrong-token-value"]))
        #expect(refused.sessions.count == 2)
        #expect(refused.sessions.allSatisfy { $0.outcome == .rejected }, "\(refused.sessions.map(\.outcome))")
        #expect(refused.sessions.allSatisfy { ($0.error ?? "").contains("401") }, "\(refused.sessions.map { $0.error ?? "" })")
        #expect(refused.sessions.allSatisfy { !($0.error ?? "").contains("wrong-token-value") }, "secrets stay out of errors")

        let admitted = try await AgentHarness.run(
            scenario: scenario, behavior: behavior,
            setup: .init(requiredBearerToken: token, environment: ["CHORUS_TEST_TOKEN": token]))
        Self.expectMatchesTruth(admitted, turns: 2, "with the token")
    }

    @Test("Speaking the wrong dialect ends in protocol_error with the agent's close code", .timeLimit(.minutes(1)))
    func wrongDialectIsAProtocolError() async throws {
        var scenario = Self.scenario(dialect: "twilio", codec: "pcmu/8000", endOfTurn: "vad", callers: 2, turns: 1)
        scenario.session.responseTimeoutMs = 3000
        // Twilio's JSON text frames sent to the Pipecat endpoint, which only takes binary protobuf frames.
        let result = try await AgentHarness.run(
            scenario: scenario, behavior: Self.behavior, setup: .init(path: "/pipecat"))
        #expect(result.sessions.count == 2)
        #expect(result.sessions.allSatisfy { $0.outcome == .protocolError }, "\(result.sessions.map(\.outcome))")
        #expect(result.sessions.allSatisfy { ($0.error ?? "").contains("1003") }, "\(result.sessions.map { $0.error ?? "" })")
    }
}
