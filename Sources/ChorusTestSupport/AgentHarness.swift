import ChorusAgent
import ChorusCore
import ChorusEngine
import ChorusAudio
import NIOPosix

/// Runs a scenario's callers in-process against a reference agent on port 0, and hands back both sides.
public enum AgentHarness {
    /// What a loopback run produced: the callers' sessions and the agent's ground truth.
    public struct Result: Sendable {
        public var sessions: [SessionResult]
        public var truth: [TruthRecord]
        public var outcome: LoadRun.Outcome
        public var runId: String

        /// Per turn, (measured TTFA, agent-side latency), joined by `TruthJoin`.
        public var pairs: [(measured: Double, truth: Double)] {
            TruthJoin.pairs(sessions: self.sessions, truth: self.truth, runId: self.runId, originNs: self.outcome.originNs)
                .map { ($0.measuredMs, $0.truth.latencyMs) }
        }
    }

    /// How the agent is set up beyond its behavior.
    public struct AgentSetup: Sendable {
        /// Serve `wss://` with this certificate; the callers trust it as their CA file.
        public var tls: AgentTLS?
        /// Refuse handshakes without this bearer token (HTTP 401).
        public var requiredBearerToken: String?
        /// What `${VAR}` in the scenario's target expands from.
        public var environment: [String: String]
        /// Call the agent on this path instead of the dialect's own (`/<dialect>`), e.g. to speak the wrong dialect.
        public var path: String?
        /// The CA file callers trust, when not the agent's own certificate.
        public var caFile: String?
        /// WebRTC: call the agent's signalling on this path and query (`/whip?setup=passive`) instead of the
        /// signalling style's own.
        public var webRTCPath: String?

        public init(
            tls: AgentTLS? = nil, requiredBearerToken: String? = nil, environment: [String: String] = [:],
            path: String? = nil, caFile: String? = nil, webRTCPath: String? = nil
        ) {
            self.webRTCPath = webRTCPath
            self.tls = tls
            self.requiredBearerToken = requiredBearerToken
            self.environment = environment
            self.path = path
            self.caFile = caFile
        }
    }

    /// Starts an agent with `behavior`, runs `scenario` against it and stops both.
    /// - Parameters:
    ///   - group: the callers' event loops; a fresh one-thread group when nil (and shut down after).
    ///   - setup: TLS, credentials and path; with TLS the target becomes `wss://127.0.0.1:<port>/<dialect>`.
    public static func run(
        scenario: Scenario, behavior: AgentBehavior, group callerGroup: MultiThreadedEventLoopGroup? = nil,
        setup: AgentSetup = AgentSetup()
    ) async throws -> Result {
        var scenario = scenario
        let agent = try ReferenceAgent(
            behavior: behavior, replyPath: Fixtures.audio("reply.wav"), truthPath: nil,
            requiredBearerToken: setup.requiredBearerToken)
        let port = try await agent.start(host: "127.0.0.1", port: 0, tls: try setup.tls?.makeContext())
        if setup.tls != nil || setup.path != nil {
            let path = setup.path ?? "/\(scenario.target.dialect.rawValue)"
            scenario.target.url = "\(setup.tls == nil ? "ws" : "wss")://127.0.0.1:\(port)\(path)"
            scenario.target.tls.caFile = setup.caFile ?? setup.tls?.certificatePath
        }
        var ports: [TransportKind: Int] = [.websocket: port]
        if scenario.transports.contains(.rtp) { ports[.rtp] = try await agent.startRTP(host: "127.0.0.1", port: 0) }
        if scenario.transports.contains(.webrtc) {
            let port = try await agent.startWebRTC(host: "127.0.0.1", port: 0)
            ports[.webrtc] = port
            if let path = setup.webRTCPath { scenario.target.url = "http://127.0.0.1:\(port)\(path)" }
        }
        let runId = "test"
        let cells = try TransportRegistry.standard.cells(
            for: scenario, embeddedAgent: EmbeddedAgentAddresses(ports: ports),
            utterances: { [scenario] rate in
                try Fixtures.utteranceNames.map { try scenario.utterance(path: Fixtures.audio($0), sampleRate: rate) }
            },
            environment: setup.environment)
        let (sessions, outcome) = try await LoadRun.collecting(
            scenario: scenario, cells: cells, runId: runId, group: callerGroup)
        await agent.stop()
        return Result(sessions: sessions, truth: agent.truth.records, outcome: outcome, runId: runId)
    }

    /// A scenario for loopback tests: the shipped utterances, `callers` × `turns`, short think times.
    public static func scenario(callers: Int, turns: Int, rampMs: Double = 1000, codec: String = "pcm16/16000") -> Scenario {
        var s = Scenario(name: "loopback", path: "\(Fixtures.packageRoot)/Scenarios/test.yaml")
        s.target.codec = codec
        if !codec.hasPrefix("pcm16") { s.target.transport = .rtp }
        s.load.callers = callers
        s.load.rampMs = rampMs
        s.session.turns = turns
        s.session.thinkTimeMs = 200...400
        s.session.utterances = Fixtures.utteranceNames.map { Fixtures.audio($0) }
        return s
    }
}

/// Collects sessions from concurrent callers.
public actor SessionCollector {
    public private(set) var sessions: [SessionResult] = []
    public init() {}
    public func add(_ s: SessionResult) { self.sessions.append(s) }
}
