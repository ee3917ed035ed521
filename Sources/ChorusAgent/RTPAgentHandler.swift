import ChorusCore
import ChorusRTP
import NIOCore

/// Where one caller's stream comes from: its source address and SSRC (symmetric RTP answers to the address).
struct RTPSourceKey: Hashable, Sendable {
    var address: SocketAddress
    var ssrc: UInt32
}

/// The agent's UDP socket (RTP and RTCP multiplexed, RFC 5761): demultiplexes datagrams, keeps one
/// `RTPAgentSession` per (source address, SSRC), sends each session's RTCP and forgets idle sessions.
///
/// Confined to its channel's event loop: no lock, task or actor hop per packet.
final class RTPAgentHandler: ChannelInboundHandler, NIOScheduledCallbackHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// Sessions that hear nothing for this long are forgotten.
    static let idleTimeoutNs: Int64 = 30_000_000_000
    /// How often the housekeeping tick looks for due RTCP reports and idle sessions.
    static let tickNs: Int64 = 250_000_000

    private let behavior: AgentBehavior
    private let clips: RTPReplyClips
    private let truth: TruthLog
    /// Updated by the handler and its sessions, on the loop only.
    var counters = RTPAgentCounters()
    private var sessions: [RTPSourceKey: RTPAgentSession] = [:]
    private var opened: UInt64 = 0
    private var context: ChannelHandlerContext?
    private var tick: NIOScheduledCallback?
    /// The socket whose kernel receive stamps time each datagram (`KernelStampedUDPSocket`); nil: the loop's clock.
    private let stampedFD: CInt?

    init(behavior: AgentBehavior, clips: RTPReplyClips, truth: TruthLog, stampedFD: CInt? = nil) {
        self.behavior = behavior
        self.clips = clips
        self.truth = truth
        self.stampedFD = stampedFD
    }

    /// The channel's loop while the handler is in the pipeline.
    var eventLoop: (any EventLoop)? { self.context?.eventLoop }
    /// Allocator for outgoing packets.
    var allocator: ByteBufferAllocator { self.context?.channel.allocator ?? ByteBufferAllocator() }
    /// Sessions open now.
    var sessionCount: Int { self.sessions.count }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.scheduleTick(from: Int64(NIODeadline.now().uptimeNanoseconds))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let tick = self.tick { context.eventLoop.assumeIsolated().cancelScheduledCallback(tick) }
        self.tick = nil
        for session in self.sessions.values { session.cancelReply() }
        self.sessions.removeAll()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Timestamp where the bytes are: when the kernel took the datagram in, else now, before anything else.
        var nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        if let fd = self.stampedFD, let kernelNs = KernelStampedUDPSocket.lastReceiveNs(fd: fd) {
            nowNs = min(nowNs, kernelNs)
        }
        let envelope = self.unwrapInboundIn(data)
        envelope.data.withUnsafeReadableBytes { bytes in
            if RTCPPacket.isRTCP(bytes) {
                self.control(bytes, from: envelope.remoteAddress, atNs: nowNs)
            } else {
                self.media(bytes, from: envelope.remoteAddress, atNs: nowNs)
            }
        }
    }

    /// Write failures (an ICMP-unreachable peer, a full socket buffer) never stop the endpoint.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}

    /// Sends one datagram to `address`.
    func send(_ buffer: ByteBuffer, to address: SocketAddress, isRTCP: Bool) {
        guard let context = self.context else { return }
        context.writeAndFlush(
            self.wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: buffer)), promise: nil)
        if isRTCP { self.counters.rtcpSent += 1 } else { self.counters.rtpSent += 1 }
    }

    // MARK: - Inbound

    private func media(_ bytes: UnsafeRawBufferPointer, from address: SocketAddress, atNs nowNs: Int64) {
        switch RTPHeader.parse(bytes, audioLevelID: RTPReplyClips.audioLevelID) {
        case .failure:
            self.counters.malformedRTP += 1
        case .success(let view):
            self.counters.rtpReceived += 1
            let session = self.session(RTPSourceKey(address: address, ssrc: view.header.ssrc), nowNs: nowNs)
            session.hear(view, in: bytes, atNs: nowNs)
        }
    }

    private func control(_ bytes: UnsafeRawBufferPointer, from address: SocketAddress, atNs nowNs: Int64) {
        guard case .success(let packets) = RTCPPacket.parseCompound(bytes) else {
            self.counters.malformedRTCP += 1
            return
        }
        self.counters.rtcpReceived += 1
        for packet in packets { self.control(packet, from: address, atNs: nowNs) }
    }

    /// SR and SDES open a session (the caller's first compound comes before its media); RR keeps one alive;
    /// BYE forgets it.
    private func control(_ packet: RTCPPacket, from address: SocketAddress, atNs nowNs: Int64) {
        switch packet {
        case .senderReport(let sr):
            self.session(RTPSourceKey(address: address, ssrc: sr.ssrc), nowNs: nowNs)
                .heardSenderReport(sr.ntpTimestamp, atNs: nowNs)
        case .receiverReport(let rr):
            self.sessions[RTPSourceKey(address: address, ssrc: rr.ssrc)]?.lastHeardNs = nowNs
        case .sourceDescription(let sdes):
            for chunk in sdes.chunks where !chunk.cname.isEmpty {
                let session = self.session(RTPSourceKey(address: address, ssrc: chunk.ssrc), nowNs: nowNs)
                session.cname = chunk.cname
                session.lastHeardNs = nowNs
            }
        case .bye(let bye):
            for ssrc in bye.ssrcs {
                let key = RTPSourceKey(address: address, ssrc: ssrc)
                // A last report, so the caller learns how its whole stream arrived (loss up to the very end).
                if let session = self.sessions[key] {
                    let report = session.makeReport(nowNs: nowNs, wallNs: MonotonicClock.wallNs())
                    var buffer = self.allocator.buffer(capacity: report.count)
                    buffer.writeBytes(report)
                    self.send(buffer, to: key.address, isRTCP: true)
                }
                if self.forget(key) { self.counters.sessionsEndedByBye += 1 }
            }
        case .other:
            break
        }
    }

    /// The session for `key`, opened on first contact.
    private func session(_ key: RTPSourceKey, nowNs: Int64) -> RTPAgentSession {
        if let session = self.sessions[key] { return session }
        self.opened += 1
        let session = RTPAgentSession(
            key: key, behavior: self.behavior, clips: self.clips, truth: self.truth,
            seed: self.behavior.seed &* 0x9E37_79B9 &+ self.opened, nowNs: nowNs)
        session.handler = self
        self.sessions[key] = session
        self.counters.sessionsOpened += 1
        return session
    }

    /// Drops a session, cutting its reply; false when there was none.
    @discardableResult
    private func forget(_ key: RTPSourceKey) -> Bool {
        guard let session = self.sessions.removeValue(forKey: key) else { return false }
        session.cancelReply()
        session.handler = nil
        return true
    }

    // MARK: - Housekeeping

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.tick = nil
        let nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        let wallNs = MonotonicClock.wallNs()
        for (key, session) in self.sessions {
            if nowNs - session.lastHeardNs >= Self.idleTimeoutNs {
                self.forget(key)
                self.counters.sessionsExpired += 1
            } else if nowNs >= session.nextReportNs {
                let report = session.makeReport(nowNs: nowNs, wallNs: wallNs)
                var buffer = self.allocator.buffer(capacity: report.count)
                buffer.writeBytes(report)
                self.send(buffer, to: key.address, isRTCP: true)
            }
        }
        self.scheduleTick(from: nowNs)
    }

    private func scheduleTick(from nowNs: Int64) {
        guard let loop = self.context?.eventLoop else { return }
        let at = NIODeadline.uptimeNanoseconds(UInt64(nowNs + Self.tickNs))
        self.tick = try? loop.assumeIsolated().scheduleCallback(at: at, handler: self)
    }
}

@available(*, unavailable)
extension RTPAgentHandler: Sendable {}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
