import ChorusCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The reference agent over RTP: one UDP port carrying RTP and RTCP (rtcp-mux, RFC 5761), symmetric RTP (each
/// (source address, SSRC) is answered at that address), PCMU for payload type 0 and Opus for any other.
///
/// Each caller's end of speech is found from RFC 6464 V bits (or decoded RMS), the reply clip goes out after the
/// scripted latency at real-time pace, and every turn is appended to the same `TruthLog` as the WebSocket agent,
/// with the caller's RTCP CNAME as the session id. See docs/rtp.md, "Reference agent over RTP".
public final class RTPAgentEndpoint: Sendable {
    /// The scripted behaviour (shared with the WebSocket agent).
    public let behavior: AgentBehavior
    /// Where each turn's ground truth goes.
    public let truth: TruthLog
    private let clips: RTPReplyClips
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox<State>(State())

    private struct State {
        var channel: (any Channel)?
        var handler: NIOLoopBound<RTPAgentHandler>?
        var finalCounters = RTPAgentCounters()
    }

    /// Builds the reply packets (Opus and PCMU) once.
    ///
    /// - Parameters:
    ///   - replies: the reply clip (its 16 kHz and 8 kHz frames become the Opus and PCMU replies).
    ///   - truth: the ground-truth log, usually the WebSocket agent's.
    ///   - group: event loops to serve on; the endpoint does not shut it down.
    /// - Throws: `AudioError` when the Opus encoder fails.
    public init(behavior: AgentBehavior, replies: ReplyLibrary, truth: TruthLog, group: any EventLoopGroup) throws {
        self.behavior = behavior
        self.truth = truth
        self.clips = try RTPReplyClips(replies: replies)
        self.group = group
    }

    /// Binds the UDP socket and starts serving; returns the bound port (pass 0 to let the kernel choose).
    ///
    /// On Linux the socket is opened with kernel receive stamps (`KernelStampedUDPSocket`), so the end of speech in
    /// the ground truth is when the datagram arrived even when this loop is behind.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let loop = self.group.next()
        let (behavior, clips, truth) = (self.behavior, self.clips, self.truth)
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let fd = try? KernelStampedUDPSocket.open(address: address, receiveBuffer: 4 << 20, sendBuffer: 4 << 20)
        let bound = try await loop.submit {
            NIOLoopBound(RTPAgentHandler(behavior: behavior, clips: clips, truth: truth, stampedFD: fd), eventLoop: loop)
        }.get()
        let bootstrap = DatagramBootstrap(group: loop)
            .channelOption(.maxMessagesPerRead, value: 64)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(bound.value) }
            }
        let channel: any Channel
        if let fd {
            channel = try await bootstrap.withBoundSocket(fd).get()
        } else {
            channel = try await bootstrap
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
                .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
                .bind(to: address).get()
        }
        self.state.withLockedValue {
            $0.channel = channel
            $0.handler = bound
        }
        return channel.localAddress?.port ?? port
    }

    /// Closes the socket; replies in progress are cut (their truth kept when their first packet went out).
    public func stop() async {
        let (channel, handler) = self.state.withLockedValue { state in
            defer {
                state.channel = nil
                state.handler = nil
            }
            return (state.channel, state.handler)
        }
        try? await channel?.close()
        if let channel, let handler,
            let counters = try? await channel.eventLoop.submit({ handler.value.counters }).get()
        {
            self.state.withLockedValue { $0.finalCounters = counters }
        }
    }

    /// What the endpoint has counted so far (the final values once stopped).
    public func counters() async -> RTPAgentCounters {
        let (channel, handler, final) = self.state.withLockedValue { ($0.channel, $0.handler, $0.finalCounters) }
        guard let channel, let handler else { return final }
        return (try? await channel.eventLoop.submit { handler.value.counters }.get()) ?? final
    }

    /// How many caller sessions are open now.
    public func sessionCount() async -> Int {
        let (channel, handler) = self.state.withLockedValue { ($0.channel, $0.handler) }
        guard let channel, let handler else { return 0 }
        return (try? await channel.eventLoop.submit { handler.value.sessionCount }.get()) ?? 0
    }
}
