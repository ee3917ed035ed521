import ChorusCore
import ChorusEngine
import ChorusNetwork
import ChorusTestSupport
import ChorusTransport
import Testing

/// A fourth transport without sockets: every call answers each turn after a canned TTFA. This conformer and one
/// `registering` line are all a new transport takes.
private struct CannedCallTransport: CallTransport {
    static let ttfaMs = 250.0

    var clipCount: Int

    static func make(_ setup: TransportSetup) throws -> CannedCallTransport {
        CannedCallTransport(clipCount: setup.scenario.session.utterances.count)
    }

    static func agentAddress(in target: Scenario.Target) -> String? { target.address }

    var kind: TransportKind { .sip }
    var description: String { "canned://agent" }
    var usesDatagrams: Bool { true }

    func call(
        plan: SessionPlan, stats: LoopStats, registry: CallRegistry, connectTimeout: Duration
    ) async -> CallResult {
        let startedNs = MonotonicClock.nowNs()
        let turns = plan.turnClips.enumerated().map { index, clip in
            TurnResult(turnIndex: index, utterance: "clip-\(clip)", ttfaMs: Self.ttfaMs, outcome: .ok)
        }
        return CallResult(
            startedNs: startedNs, connectNs: 1_000_000, endedNs: MonotonicClock.nowNs(),
            report: CallerReport(turns: turns, outcome: .ok))
    }
}

@Suite("Transports as an open set: the registry builds every target")
struct TransportRegistryTests {
    static func scenario(_ transport: TransportKind) -> Scenario {
        var s = AgentHarness.scenario(callers: 3, turns: 2, rampMs: 0)
        s.target.transport = transport
        s.network = [LinkProfile.named("clean")!, LinkProfile.named("4g")!]
        return s
    }

    @Test(.timeLimit(.minutes(1)))
    func aRegisteredFourthTransportRunsALoadRunEndToEnd() async throws {
        var s = Self.scenario(.sip)
        s.target.codec = "opus/48000"
        let registry = TransportRegistry.standard.registering(.sip, CannedCallTransport.self)
        #expect(registry.kinds == [.websocket, .rtp, .webrtc, .sip])
        #expect(registry.callsEmbeddedAgent(s))

        let cells = try registry.cells(for: s, embeddedAgent: nil)
        #expect(cells.map(\.transport) == [.sip, .sip])
        let (sessions, outcome) = try await LoadRun.collecting(scenario: s, cells: cells)

        #expect(!outcome.aborted)
        #expect(sessions.count == 3)
        for session in sessions {
            #expect(session.transport == "sip" && session.dialect == "sip" && session.codec == "opus/48000")
            #expect(session.outcome == .ok && session.turns.count == 2)
            #expect(session.turns.allSatisfy { $0.ttfaMs == CannedCallTransport.ttfaMs })
        }
        #expect(Set(sessions.map(\.networkProfile)) == ["clean", "4g"])
        let floor = LinkProfile.named("4g")!.ttfaFloorMs(datagrams: true)
        #expect(sessions.filter { $0.networkProfile == "4g" }.allSatisfy { $0.ttfaFloorMs == floor })
    }

    @Test func aTransportGivenItsOwnAddressNeedsNoEmbeddedAgent() {
        var s = Self.scenario(.sip)
        s.target.address = "10.0.0.5:4000"
        #expect(!TransportRegistry.standard.registering(.sip, CannedCallTransport.self).callsEmbeddedAgent(s))
    }

    @Test func aKindWithoutATransportIsAProblemNamingTheKnownOnes() throws {
        let problem = try #require(throws: TargetProblem.self) {
            try TransportRegistry.standard.cells(for: Self.scenario(.sip), embeddedAgent: nil)
        }
        #expect(problem.description.contains("target.transport: no transport runs 'sip'"))
        #expect(problem.description.contains("expected one of: websocket, rtp, webrtc"))
    }

    @Test func scenariosNameOnlyRegisteredTransports() throws {
        let yaml = "target: {transport: sip}\nsession: {utterances: [audio/book-a-table.wav]}"
        let error = try #require(throws: ScenarioError.self) {
            try Scenario.parse(yaml: yaml, path: "\(Fixtures.packageRoot)/Scenarios/under-test.yaml")
        }
        let line = try #require(error.problems.first { $0.contains("target.transport:") }, "\(error.problems)")
        #expect(line.contains("'sip' is not supported (expected one of: websocket, rtp, webrtc)"))
    }

    @Test func theMatrixKeepsItsStoredNames() throws {
        var s = Self.scenario(.websocket)
        s.matrixTransports = [.websocket, .rtp]
        s.network = [LinkProfile.named("clean")!]
        let cells = try TransportRegistry.standard.cells(
            for: s, embeddedAgent: EmbeddedAgentAddresses(ports: [.websocket: 8765, .rtp: 4000]))
        #expect(cells.map { "\($0.transport.rawValue)/\($0.dialect)/\($0.codec)" }
            == ["websocket/chorus/pcm16/16000", "rtp/rtp/opus/16000"])
        #expect(cells.map(\.target.description) == ["ws://127.0.0.1:8765/chorus", "rtp://127.0.0.1:4000"])
        #expect(cells.map(\.target.usesDatagrams) == [false, true])
    }
}
