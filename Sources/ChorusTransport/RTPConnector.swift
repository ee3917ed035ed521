import ChorusCore
import ChorusNetwork
import ChorusSockets
import NIOCore
import NIOPosix

/// Opens one caller's UDP socket (its own port), runs its RTP session and always closes it.
///
/// Never throws: a socket that cannot be opened is a session with outcome `connect_failed`.
public enum RTPConnector {
    /// The bootstrap every caller's socket is bound with (to port 0: a port of its own).
    ///
    /// No `SO_REUSEADDR`: with it, Linux may hand the same ephemeral UDP port to two callers, and the agent's
    /// answers to both then reach only one of them (one call hears two agents, the other none).
    ///
    /// One datagram per read: NIO otherwise reads on until the socket has no more, and a caller's socket rarely
    /// holds a second packet, so every packet cost a second `recvmsg` that found nothing (487,000 of them for
    /// 488,000 packets in a 1,000-caller run). The event loop's poll is level-triggered: a datagram left behind
    /// wakes the next one.
    public static func bootstrap(on loop: any EventLoop) -> DatagramBootstrap {
        DatagramBootstrap(group: loop).channelOption(.maxMessagesPerRead, value: 1)
    }

    /// Opens a local port on `stats.eventLoop`, streams the plan to `remote` and returns when the call has hung up.
    ///
    /// - Parameter symmetric: connect the socket to `remote` (RFC 4961 symmetric RTP): the kernel then keeps the
    ///   route and takes only `remote`'s datagrams, and on a clean link each packet goes out with one `send(2)` of
    ///   its own (`DirectDatagramSocket`), not through NIO's write path. False binds it unconnected, for an agent
    ///   that answers from another address or port.
    public static func run(
        plan: SessionPlan, remote: SocketAddress, audio: SharedRTPAudio, symmetric: Bool = true, stats: LoopStats,
        registry: CallRegistry
    ) async -> CallResult {
        let startedNs = Int64(NIODeadline.now().uptimeNanoseconds)
        let loop = stats.eventLoop
        let reportPromise = loop.makePromise(of: CallerReport.self)
        let bindHost = remote.protocol == .inet6 ? "::" : "0.0.0.0"
        let channel: any Channel
        do {
            // Symmetric: a socket of our own, so that once NIO has connected it RTP can bypass NIO's write path.
            let socket = symmetric
                ? try DirectDatagramSocket.open(bindingTo: SocketAddress(ipAddress: bindHost, port: 0)) : nil
            let bootstrap = Self.bootstrap(on: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        var tap: LinkTap?
                        if let profile = plan.link, !profile.isClean {
                            // The impaired link sits next to the socket: every datagram, RTCP included, crosses it.
                            let link = LinkTap()
                            tap = link
                            if symmetric {
                                try pipeline.addHandler(Self.link(ByteBuffer.self, profile, plan, link, stats))
                            } else {
                                try pipeline.addHandler(Self.link(AddressedEnvelope<ByteBuffer>.self, profile, plan, link, stats))
                            }
                        }
                        // An impaired link must see every datagram: its callers write through the pipeline.
                        try pipeline.addHandler(
                            CallEngine.rtp(
                                plan: plan, audio: audio, remote: symmetric ? nil : remote, stats: stats, tap: tap,
                                direct: tap == nil ? socket : nil, promise: reportPromise))
                    }
                }
            if let socket {
                channel = try await Self.connect(bootstrap, socket: socket, to: remote).get()
            } else {
                channel = try await bootstrap.bind(host: remote.ipAddress == "127.0.0.1" ? "127.0.0.1" : bindHost, port: 0).get()
            }
        } catch {
            reportPromise.fail(error)
            return CallResult(
                startedNs: startedNs, connectNs: nil, endedNs: Int64(NIODeadline.now().uptimeNanoseconds),
                report: CallerReport(turns: [], outcome: .connectFailed, error: "cannot open a UDP socket: \(error)"))
        }
        return await CallResult.run(channel: channel, registry: registry, report: reportPromise, startedNs: startedNs)
    }

    /// Hands `socket` to NIO through `bootstrap` and has NIO connect it to `remote` (so that NIO's write queue knows
    /// it is connected); the channel is closed if the connect fails.
    public static func connect(
        _ bootstrap: DatagramBootstrap, socket: DirectDatagramSocket, to remote: SocketAddress
    ) -> EventLoopFuture<any Channel> {
        bootstrap.withBoundSocket(socket.descriptor).flatMap { channel in
            channel.connect(to: remote).map { channel }.flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error
            }
        }
    }

    /// The impaired UDP link for a socket whose caller writes `Outbound` (bare on a connected socket, addressed
    /// otherwise).
    private static func link<Outbound: LinkUnit>(
        _ outbound: Outbound.Type, _ profile: LinkProfile, _ plan: SessionPlan, _ tap: LinkTap, _ stats: LoopStats
    ) -> ImpairmentHandler<AddressedEnvelope<ByteBuffer>, Outbound> {
        .datagram(profile: profile, runSeed: plan.runSeed, callerIndex: plan.sessionIndex, tap: tap, scheduler: stats.delays)
    }
}
