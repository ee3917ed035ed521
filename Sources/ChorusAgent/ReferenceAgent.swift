import ChorusCore
import ChorusTransport
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// The embedded reference agent: a real WebSocket server whose latency is scripted and whose every turn is
/// logged as ground truth, so Chorus can prove its own error margin.
public final class ReferenceAgent: Sendable {
    public let behavior: AgentBehavior
    public let truth: TruthLog
    private let replies: ReplyLibrary
    private let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)
    private let sessions = NIOLockedValueBox<UInt64>(0)
    private let rtp = NIOLockedValueBox<RTPAgentEndpoint?>(nil)

    /// - Parameters:
    ///   - replyPath: the clip every answer plays; nil synthesises a tone.
    ///   - truthPath: a JSONL file for the ground truth, or nil to keep it in memory (`truth.records`).
    ///   - threads: event loop threads; one is plenty for hundreds of sessions.
    public init(behavior: AgentBehavior, replyPath: String?, truthPath: String?, threads: Int = 1) throws {
        self.behavior = behavior
        self.replies = try ReplyLibrary(path: replyPath)
        self.truth = try TruthLog(path: truthPath)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.ownsGroup = true
    }

    /// Binds and starts serving; returns the bound port (pass 0 to let the kernel choose).
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let behavior = self.behavior
        let replies = self.replies
        let truth = self.truth
        let sessions = self.sessions
        let channel = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 20,
                    shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                    upgradePipelineHandler: { channel, _ in
                        let seed = sessions.withLockedValue { n -> UInt64 in
                            n += 1
                            return behavior.seed &* 0x9E37_79B9 &+ n
                        }
                        return channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                AgentSessionHandler(behavior: behavior, replies: replies, truth: truth, seed: seed))
                        }
                    })
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
            }
            .bind(host: host, port: port).get()
        self.channel.withLockedValue { $0 = channel }
        return channel.localAddress?.port ?? port
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

    /// The RTP endpoint, once `startRTP` has run.
    public var rtpEndpoint: RTPAgentEndpoint? { self.rtp.withLockedValue { $0 } }

    /// Stops accepting, closes the truth file and shuts the event loops down.
    public func stop() async {
        let rtp = self.rtp.withLockedValue { $0 }
        await rtp?.stop()
        let channel = self.channel.withLockedValue { c in
            defer { c = nil }
            return c
        }
        try? await channel?.close()
        if self.ownsGroup { try? await self.group.shutdownGracefully() }
        self.truth.close()
    }
}
