import ChorusCore
import ChorusDialects
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// The embedded reference agent: a real WebSocket server whose latency is scripted and whose every turn is
/// logged as ground truth, so Chorus can prove its own error margin.
///
/// It speaks every dialect Chorus calls, chosen by the request path (`/chorus`, `/openai-realtime` or
/// `/v1/realtime`, `/twilio`, `/pipecat`; `/` is `dialect`), over `ws://` or, given a TLS context, `wss://`
/// (docs/agent.md).
public final class ReferenceAgent: Sendable {
    public let behavior: AgentBehavior
    public let truth: TruthLog
    /// The dialect spoken on `/` (and the empty path).
    public let dialect: AgentDialect
    /// When set, handshakes without `Authorization: Bearer <token>` are refused with HTTP 401.
    public let requiredBearerToken: String?
    private let replies: ReplyLibrary
    private let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)
    private let sessions = NIOLockedValueBox<UInt64>(0)
    private let rtp = NIOLockedValueBox<RTPAgentEndpoint?>(nil)
    private let webRTC = NIOLockedValueBox<WebRTCAgentEndpoint?>(nil)

    /// - Parameters:
    ///   - replyPath: the clip every answer plays; nil synthesises a tone.
    ///   - truthPath: a JSONL file for the ground truth, or nil to keep it in memory (`truth.records`).
    ///   - threads: event loop threads; one is plenty for hundreds of sessions.
    ///   - dialect: what `/` speaks; every dialect stays reachable on its own path.
    ///   - requiredBearerToken: refuse handshakes that do not present this bearer token (HTTP 401).
    public init(
        behavior: AgentBehavior, replyPath: String?, truthPath: String?, threads: Int = 1,
        dialect: AgentDialect = .chorus, requiredBearerToken: String? = nil
    ) throws {
        self.behavior = behavior
        self.dialect = dialect
        self.requiredBearerToken = requiredBearerToken.flatMap { $0.isEmpty ? nil : $0 }
        self.replies = try ReplyLibrary(path: replyPath)
        self.truth = try TruthLog(path: truthPath)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.ownsGroup = true
    }

    /// Binds and starts serving; returns the bound port (pass 0 to let the kernel choose).
    ///
    /// - Parameter tls: serve `wss://` with this server context (see `AgentTLS.makeContext()`); nil serves `ws://`.
    public func start(host: String = "127.0.0.1", port: Int = 0, tls: NIOSSLContext? = nil) async throws -> Int {
        let behavior = self.behavior
        let replies = self.replies
        let truth = self.truth
        let sessions = self.sessions
        let handshake = AgentHandshake(defaultDialect: self.dialect, requiredBearerToken: self.requiredBearerToken)
        let channel = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: Self.maxFrameSize,
                    shouldUpgrade: { channel, head in
                        guard case .accept(_, let headers) = handshake.decide(head) else {
                            return channel.eventLoop.makeSucceededFuture(nil)
                        }
                        return channel.eventLoop.makeSucceededFuture(headers)
                    },
                    upgradePipelineHandler: { channel, head in
                        let seed = sessions.withLockedValue { n -> UInt64 in
                            n += 1
                            return behavior.seed &* 0x9E37_79B9 &+ n
                        }
                        return channel.eventLoop.makeCompletedFuture {
                            guard case .accept(let route, _) = handshake.decide(head) else { return }
                            try Self.addSession(
                                to: channel, route: route, behavior: behavior, replies: replies, truth: truth,
                                seed: seed)
                        }
                    })
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                    try pipeline.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try pipeline.addHandler(AgentHTTPFallbackHandler(handshake: handshake))
                }
            }
            .bind(host: host, port: port).get()
        self.channel.withLockedValue { $0 = channel }
        return channel.localAddress?.port ?? port
    }

    /// Largest WebSocket message accepted (OpenAI allows 15 MiB of audio per append).
    static let maxFrameSize = 16 << 20

    /// Replaces the HTTP fallback with the session's handlers once a handshake is accepted.
    private static func addSession(
        to channel: any Channel, route: AgentRoute, behavior: AgentBehavior, replies: ReplyLibrary, truth: TruthLog,
        seed: UInt64
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        let fallback = try pipeline.context(handlerType: AgentHTTPFallbackHandler.self)
        pipeline.removeHandler(context: fallback, promise: nil)
        // The raw writer sits next to the socket (after TLS), below NIO's frame encoder.
        let writer = AgentFrameWriter(fragmentBytes: behavior.fragmentBytes)
        if let tls = try? pipeline.handler(type: NIOSSLServerHandler.self) {
            try pipeline.addHandler(writer, position: .after(tls))
        } else {
            try pipeline.addHandler(writer, position: .first)
        }
        try pipeline.addHandler(
            NIOWebSocketFrameAggregator(
                minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 1 << 16,
                maxAccumulatedFrameSize: Self.maxFrameSize))
        let (wire, defaultSession, interrupts) = Self.makeWire(route, behavior: behavior, replies: replies, seed: seed)
        try pipeline.addHandler(
            AgentSessionHandler(
                behavior: behavior, truth: truth, wire: wire, writer: writer,
                sessionId: route.sessionHeader ?? defaultSession, interruptsOnSpeech: interrupts, seed: seed))
    }

    /// The dialect's wire part, the session id used when the caller sent no `X-Chorus-Session`, and whether caller
    /// speech during a reply cancels it (everywhere but Chorus native, which keeps its original behaviour).
    private static func makeWire(
        _ route: AgentRoute, behavior: AgentBehavior, replies: ReplyLibrary, seed: UInt64
    ) -> (any AgentWire, String, Bool) {
        switch route.dialect {
        case .chorus:
            return (ChorusNativeWire(replies: replies.wire), "?", false)
        case .openAIRealtime:
            let wire = OpenAIRealtimeWire(
                replies: replies.wire, model: route.model, requestsBetaShape: route.requestsBetaShape,
                hangoverMs: behavior.hangoverMs, seed: seed)
            return (wire, wire.sessionObjectId, true)
        case .twilio:
            // Replaced by `start`'s chorus_session parameter or stream SID.
            return (TwilioWire(replies: replies.wire, hasSessionHeader: route.sessionHeader != nil), "?", true)
        case .pipecat:
            return (PipecatWire(replies: replies.wire), "pipecat-" + String(seed, radix: 16), true)
        }
    }

    /// Also serves the agent over RTP on a UDP port (rtcp-mux, symmetric RTP; see `RTPAgentEndpoint`), sharing
    /// this agent's behaviour, reply clip, truth log and event loops. Returns the bound port (0 = kernel's choice).
    public func startRTP(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let endpoint = try RTPAgentEndpoint(
            behavior: self.behavior, replies: self.replies, truth: self.truth, group: self.group)
        let bound = try await endpoint.start(host: host, port: port)
        self.rtp.withLockedValue { $0 = endpoint }
        return bound
    }

    /// Also serves the agent over WebRTC: WHIP and Pipecat signalling on a TCP port of `host` (see
    /// `WebRTCAgentEndpoint`), sharing this agent's behaviour, reply clip, truth log and event loops. Returns the bound
    /// port (0 = kernel's choice).
    public func startWebRTC(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let endpoint = try WebRTCAgentEndpoint(
            behavior: self.behavior, replies: self.replies, truth: self.truth, group: self.group)
        let bound = try await endpoint.start(host: host, port: port)
        self.webRTC.withLockedValue { $0 = endpoint }
        return bound
    }

    /// The RTP endpoint, once `startRTP` has run.
    public var rtpEndpoint: RTPAgentEndpoint? { self.rtp.withLockedValue { $0 } }

    /// Stops accepting, closes the truth file and shuts the event loops down.
    public func stop() async {
        let rtp = self.rtp.withLockedValue { $0 }
        await rtp?.stop()
        let webRTC = self.webRTC.withLockedValue { $0 }
        await webRTC?.stop()
        let channel = self.channel.withLockedValue { c in
            defer { c = nil }
            return c
        }
        try? await channel?.close()
        if self.ownsGroup { try? await self.group.shutdownGracefully() }
        self.truth.close()
    }
}
