import CChorusSRTPCrypto
import ChorusCore
import ChorusSockets
import ChorusWebRTC
import NIOCore

/// One WebRTC socket's security layer, between the socket (and any impaired link) and plain RTP above: demultiplexes
/// each datagram by its first byte (RFC 7983) into STUN for ICE, DTLS for the handshake, and SRTP/SRTCP, which it
/// authenticates and decrypts and passes up as plain RTP/RTCP; what is written from above is encrypted and sent to
/// the ICE-selected address.
///
/// The same handler serves callers (a full, controlling ICE agent) and the reference agent (ICE-lite). It is
/// confined to its channel's event loop. Per media packet: at most one copy into a reused buffer and SRTP in place,
/// no allocation; set-up (ICE, DTLS) allocates freely.
public final class WebRTCSecureHandler: ChannelDuplexHandler {
    public typealias InboundIn = AddressedEnvelope<ByteBuffer>
    public typealias InboundOut = AddressedEnvelope<ByteBuffer>
    public typealias OutboundIn = AddressedEnvelope<ByteBuffer>
    public typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// Why set-up failed or the link ended: the text for the session's error.
    public struct Failure: LinkEndingError, Sendable {
        public var description: String
        /// The link had been up (consent lapsed, the far end closed DTLS), rather than never coming up.
        public var afterConnecting: Bool

        public init(description: String, afterConnecting: Bool) {
            self.description = description
            self.afterConnecting = afterConnecting
        }
    }

    private let ice: any ICEConnectivity
    private let dtls: DTLSEndpoint
    private var srtp: SRTPSession?
    /// `srtp`'s RTP directions for the packet path (AES-GCM), which then touches no other object; a sender may
    /// keep it to prefetch.
    public private(set) var mediaCipher: SRTPMediaCipher?
    /// The ICE-selected far end: every packet goes there.
    private var remote: SocketAddress?
    /// Rewrites the RTP payload type between what the layer above uses and what the far end negotiated.
    private let payloadTypes: (local: UInt8, remote: UInt8)?
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var timerDeadlineNs: UInt64 = .max
    private var ready: EventLoopPromise<WebRTCSetupTimes>?
    /// Where received packets are decrypted and packets written through `write` sealed.
    private let scratch: DatagramScratch
    private var started = false
    private var dtlsStarted = false
    private var failed = false
    /// Connect the socket to the ICE-selected address (callers: their socket serves one call).
    private let connectsOnSelection: Bool
    /// The call's own socket, which sealed media is sent on directly once connected; nil once it was busy (NIO
    /// queues from then on, so nothing overtakes what it holds).
    private var direct: DirectDatagramSocket?
    private var connectTo: SocketAddress?
    /// The socket is connected to `remote`: sealed packets go out as bare datagrams. An addressed one would make the
    /// kernel route every packet again, and NIO compare its address with the connected one.
    private var socketConnected = false

    /// Where decrypted media goes, when set: the call above this handler, called directly rather than through the
    /// pipeline. Held strongly (a weak reference would give the call a side table, slowing every retain of it) and
    /// dropped when the handler leaves the pipeline, which ends the cycle with the call that holds this handler.
    public var mediaReceiver: (any WebRTCMediaReceiver)?

    /// When each set-up step finished.
    public private(set) var times = WebRTCSetupTimes()
    /// Media packets that arrived before the keys, or that SRTP refused (authentication, replay).
    public private(set) var mediaDropped = 0
    /// Datagrams that are neither STUN, DTLS nor RTP.
    public private(set) var unknownDropped = 0
    /// When the last datagram arrived (loop clock, ns).
    public private(set) var lastReceivedNs: Int64 = 0

    /// - Parameters:
    ///   - ice: the ICE side (`ICEAgent` for callers, `ICELiteConnectivity` for the agent).
    ///   - dtls: the DTLS endpoint, in the role the SDP gave it.
    ///   - payloadTypes: the payload type the layer above writes and reads (`local`) and the one the far end
    ///     negotiated (`remote`), when they differ.
    ///   - ownSocket: the channel's socket, when it serves this one call and nothing sits between this handler and
    ///     it. Once ICE has selected the far end the socket is connected to it: the kernel then routes every packet
    ///     once, not per packet, and drops datagrams from anywhere else; and sealed media goes out with one `send(2)`
    ///     per packet rather than through NIO's write path.
    ///   - scratch: the buffers packets are decrypted and sealed in; the loop's shared ones when given, or a set of
    ///     this handler's own.
    ///   - ready: succeeded with the set-up times once the SRTP keys are in place, failed with a `Failure` if set-up
    ///     fails first.
    public init(
        ice: any ICEConnectivity, dtls: DTLSEndpoint, payloadTypes: (local: UInt8, remote: UInt8)? = nil,
        ownSocket: DirectDatagramSocket? = nil, scratch: DatagramScratch? = nil,
        ready: EventLoopPromise<WebRTCSetupTimes>?
    ) {
        self.ice = ice
        self.connectsOnSelection = ownSocket != nil
        self.direct = ownSocket
        self.dtls = dtls
        self.payloadTypes = payloadTypes.flatMap { $0.local == $0.remote ? nil : $0 }
        self.ready = ready
        self.scratch = scratch ?? DatagramScratch(capacity: 2048 + SRTPSession.maxTrailer)
    }

    /// Puts SRTP keys and the far end in place without ICE or DTLS, for tests of the media path; with
    /// `connectingSocket` the socket is connected to `remote` on the next pass through set-up, as after an ICE
    /// selection.
    func connectForTesting(keys: SRTPKeyingMaterial, remote: SocketAddress, connectingSocket: Bool = false) throws {
        self.key(try SRTPSession(keys: keys))
        self.remote = remote
        if connectingSocket { self.connectTo = remote }
    }

    private func key(_ session: SRTPSession) {
        self.srtp = session
        self.mediaCipher = session.mediaCipher
    }

    /// Whether sealed media leaves as bare datagrams on the connected socket.
    var writesBareDatagrams: Bool { self.socketConnected }

    /// Whether the SRTP keys are in place.
    public var isConnected: Bool { self.srtp != nil }

    /// Asks the CPU for the first cache lines of `handler`'s object, where `sealRTP` and `writeSealed` read, without
    /// waiting for them or touching the object (no retain).
    @inline(__always)
    public static func prefetch(_ handler: Unmanaged<WebRTCSecureHandler>) {
        chorus_prefetch(handler.toOpaque(), 256)
    }

    /// SRTP packets refused for authentication.
    public var authenticationFailures: Int { self.srtp?.authenticationFailures ?? 0 }

    // MARK: - Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { self.start(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard !self.started else { return }
        self.started = true
        let now = self.nowNs(context)
        self.times.iceStartedNs = Int64(now)
        self.ice.start(nowNs: now)
        self.pump(context: context)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.mediaReceiver = nil
        self.timer?.cancel()
        self.timer = nil
        self.fail("the socket closed before the call was set up", context: nil)
        self.context = nil
    }

    public func channelInactive(context: ChannelHandlerContext) {
        // NIO has closed the descriptor; its number may already belong to another socket.
        self.direct = nil
        self.timer?.cancel()
        self.timer = nil
        self.fail("the socket closed before the call was set up", context: nil)
        context.fireChannelInactive()
    }

    /// Says goodbye to DTLS (close_notify) before the socket closes.
    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if self.srtp != nil, let remote = self.remote {
            self.dtls.close()
            while let datagram = self.dtls.popOutgoing() { self.send(datagram, to: remote, context: context) }
            context.flush()
        }
        context.close(mode: mode, promise: promise)
    }

    // MARK: - Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        guard let first = envelope.data.readableBytesView.first else { return }
        let kind = PacketKind(firstByte: first)
        // The call's cipher block was last used a period ago: asked for now, it comes while the clock is read and the
        // packet copied.
        if kind == .rtp { self.mediaCipher?.prefetchInbound() }
        // One reading of the clock per datagram: consent, set-up and the call above all take this one.
        let now = self.nowNs(context)
        self.lastReceivedNs = Int64(now)
        switch kind {
        case .rtp:
            self.receiveMedia(envelope, arrivalNs: Int64(now), context: context)
        case .stun:
            guard let source = STUNAddress(envelope.remoteAddress) else { return }
            envelope.data.withUnsafeReadableBytes { self.ice.receive($0, from: source, nowNs: now) }
            self.pump(context: context)
        case .dtls:
            // A DTLS client may speak before our ICE has told us the pair (it saw the nomination first).
            if self.remote == nil { self.remote = envelope.remoteAddress }
            self.startDTLS(nowNs: now)
            envelope.data.withUnsafeReadableBytes { self.dtls.receive($0, nowNs: now) }
            self.pump(context: context)
        default:
            self.unknownDropped += 1
        }
    }

    private func receiveMedia(
        _ envelope: AddressedEnvelope<ByteBuffer>, arrivalNs: Int64, context: ChannelHandlerContext
    ) {
        let isRTCP = Self.isRTCP(envelope.data)
        // RTP with AES-GCM goes to the cipher alone; the session object is loaded only for the rest.
        let cipher = isRTCP ? nil : self.mediaCipher
        let srtp = cipher == nil ? self.srtp : nil
        guard cipher != nil || srtp != nil else {
            self.mediaDropped += 1
            return
        }
        let length = envelope.data.readableBytes
        let types = isRTCP ? nil : self.payloadTypes
        var plain = 0
        // Rewritten inside `fill`: the buffer it returns shares its storage with the scratch, and a write to it
        // would copy.
        let packet = self.scratch.fill { inbound in
            inbound.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { buffer in
                envelope.data.withUnsafeReadableBytes { buffer.copyMemory(from: $0) }
                guard let base = buffer.baseAddress else { return 0 }
                plain =
                    if let cipher {
                        cipher.unprotect(base, length: length) ?? 0
                    } else if isRTCP {
                        srtp?.unprotectRTCP(base, length: length) ?? 0
                    } else {
                        srtp?.unprotectRTP(base, length: length) ?? 0
                    }
                if plain > 1, let types, buffer[1] & 0x7F == types.remote {
                    buffer[1] = (buffer[1] & 0x80) | types.local
                }
                return plain
            }
        }
        guard plain > 0 else {
            self.mediaDropped += 1
            return
        }
        if self.times.firstMediaNs == nil { self.times.firstMediaNs = arrivalNs }
        let decrypted = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: packet)
        if let receiver = self.mediaReceiver {
            receiver.receiveDecrypted(decrypted, arrivalNs: arrivalNs)
        } else {
            context.fireChannelRead(self.wrapInboundOut(decrypted))
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP error on UDP says nothing ICE's timers will not; pass it on for the caller to judge.
        context.fireErrorCaught(error)
    }

    // MARK: - Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let envelope = self.unwrapOutboundIn(data)
        guard let srtp = self.srtp else {
            // Nothing may leave unencrypted; before the keys the layer above is not started anyway.
            promise?.succeed(())
            return
        }
        let length = envelope.data.readableBytes
        let isRTCP = Self.isRTCP(envelope.data)
        var sealed = 0
        let packet = self.scratch.fill { outbound in
            outbound.writeWithUnsafeMutableBytes(minimumWritableBytes: length + SRTPSession.maxTrailer) { buffer in
                envelope.data.withUnsafeReadableBytes { buffer.copyMemory(from: $0) }
                guard let base = buffer.baseAddress else { return 0 }
                sealed = isRTCP ? srtp.protectRTCP(base, length: length) ?? 0 : self.sealRTP(buffer, length: length)
                return sealed
            }
        }
        guard sealed > 0 else {
            promise?.succeed(())
            return
        }
        self.writeSealed(packet, context: context, promise: promise)
    }

    /// Writes a sealed packet: on a socket connected to the far end, sent directly when it is the call's own, bare
    /// through the pipeline otherwise; addressed on an unconnected one (the far end's address is loaded only then).
    @inline(__always)
    private func writeSealed(_ packet: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if self.socketConnected {
            // Set only while the channel is open (`channelInactive`), so the descriptor is still this call's.
            if let direct = self.direct {
                switch direct.send(packet) {
                case .sent:
                    promise?.succeed(())
                    return
                case .failed(let code):
                    promise?.fail(IOError(errnoCode: code, reason: "send"))
                    return
                case .busy:
                    self.direct = nil
                }
            }
            context.write(NIOAny(packet), promise: promise)
        } else if let remote = self.remote {
            context.write(self.wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: packet)), promise: promise)
        } else {
            promise?.succeed(())
        }
    }

    // MARK: - Media written from above, sealed in the sender's own buffer

    /// Seals the RTP packet of `length` bytes at the start of `buffer` in place: the payload type rewritten to the
    /// negotiated one and SRTP applied. `buffer` must have room for `length + SRTPSession.maxTrailer` bytes. Returns
    /// the sealed length, 0 before the keys are in place (nothing may leave unencrypted).
    ///
    /// With `writeSealed` and `flushSealed` this is the media path of a sender that builds each packet in a reused
    /// buffer of its own: the packet is sealed where it was built and written from this handler's place in the
    /// pipeline, so it is neither copied again nor passed through `write` (a pipeline hop per packet). No
    /// allocation.
    @inline(__always)
    public func sealRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int {
        // The keys come from a DTLS handshake with the far end, so with them `remote` is known too.
        guard length > 1, let base = buffer.baseAddress, buffer.count >= length + SRTPSession.maxTrailer,
            self.mediaCipher != nil || self.srtp != nil
        else { return 0 }
        if let types = self.payloadTypes {
            let second = buffer[1]
            if second & 0x7F == types.local { buffer[1] = (second & 0x80) | types.remote }
        }
        if let cipher = self.mediaCipher { return cipher.protect(base, length: length) ?? 0 }
        return self.srtp?.protectRTP(base, length: length) ?? 0
    }

    /// Writes a packet `sealRTP` sealed to the ICE-selected far end, from this handler's place in the pipeline
    /// (no flush).
    @inline(__always)
    public func writeSealed(_ packet: ByteBuffer) {
        // Sent directly without loading the channel's context, which the packet would not otherwise touch.
        if self.socketConnected, let direct = self.direct {
            if direct.send(packet) != .busy { return }
            // NIO queues it until the socket drains; the rest of the call follows it there, in order.
            self.direct = nil
        }
        guard let context = self.context else { return }
        self.writeSealed(packet, context: context, promise: nil)
    }

    /// Flushes what `writeSealed` wrote (nothing to do for packets sent directly).
    @inline(__always)
    public func flushSealed() {
        guard !self.socketConnected || self.direct == nil else { return }
        self.context?.flush()
    }

    // MARK: - Set-up

    /// Sends what ICE and DTLS have queued, acts on their events, and re-arms the timer.
    private func pump(context: ChannelHandlerContext) {
        let now = self.nowNs(context)
        var wrote = false
        while let (bytes, destination) = self.ice.popTransmit() {
            guard let address = destination.socketAddress else { continue }
            self.send(bytes, to: address, context: context)
            wrote = true
        }
        while let event = self.ice.popEvent() {
            switch event {
            case .selected(let remote):
                guard self.times.iceSelectedNs == nil else { continue }
                self.times.iceSelectedNs = Int64(now)
                if let address = remote.socketAddress {
                    self.remote = address
                    if self.connectsOnSelection { self.connectTo = address }
                }
                self.startDTLS(nowNs: now)
            case .failed(let reason):
                self.fail(reason, context: context)
            case .consentExpired(let reason):
                self.fail(reason, context: context)
            }
        }
        if let remote = self.remote {
            while let datagram = self.dtls.popOutgoing() {
                self.send(datagram, to: remote, context: context)
                wrote = true
            }
        }
        switch self.dtls.state {
        case .connected(let keys) where self.srtp == nil:
            do {
                self.key(try SRTPSession(keys: keys))
                self.times.dtlsConnectedNs = Int64(now)
                let ready = self.ready
                self.ready = nil
                ready?.succeed(self.times)
            } catch {
                self.fail("SRTP: cannot use the keys from DTLS: \(error)", context: context)
            }
        case .failed(let reason):
            self.fail(reason, context: context)
        case .closed where self.srtp != nil:
            self.fail("the far end closed DTLS (close_notify)", context: context)
        default:
            break
        }
        if wrote { context.flush() }
        if let address = self.connectTo {
            // After the flush: connecting a datagram socket fails the writes still queued in it.
            self.connectTo = nil
            // Captured strongly, as the timer is: no side table for the per-packet retains of this handler.
            context.connect(to: address).assumeIsolated().whenSuccess { [self] in
                self.socketConnected = self.remote == address
            }
        }
        self.armTimer(context: context)
    }

    private func startDTLS(nowNs: UInt64) {
        guard !self.dtlsStarted else { return }
        self.dtlsStarted = true
        self.dtls.start(nowNs: nowNs)
    }

    private func armTimer(context: ChannelHandlerContext) {
        let (iceDue, dtlsDue) = (self.ice.nextTimeoutNs, self.dtls.nextTimeoutNs)
        guard let due = iceDue.map({ min($0, dtlsDue ?? .max) }) ?? dtlsDue, !self.failed else { return }
        if self.timer != nil, self.timerDeadlineNs <= due { return }
        self.timer?.cancel()
        self.timerDeadlineNs = due
        // Captured strongly, and cancelled when the handler leaves the pipeline: a weak reference would give the
        // handler a side table, and every retain of it on the per-packet path would take the slow path.
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(due)) { [self] in
            guard let context = self.context else { return }
            self.timer = nil
            self.timerDeadlineNs = .max
            let now = self.nowNs(context)
            if let due = self.ice.nextTimeoutNs, due <= now { self.ice.handleTimeout(nowNs: now) }
            if let due = self.dtls.nextTimeoutNs, due <= now { self.dtls.handleTimeout(nowNs: now) }
            self.pump(context: context)
        }
    }

    /// Set-up failed, or the link it made ended: fails `ready`, or closes the channel once connected.
    private func fail(_ reason: String, context: ChannelHandlerContext?) {
        guard !self.failed else { return }
        if let ready = self.ready {
            self.failed = true
            self.ready = nil
            ready.fail(Failure(description: reason, afterConnecting: false))
            self.timer?.cancel()
            self.timer = nil
        } else if self.srtp != nil, let context {
            self.failed = true
            self.timer?.cancel()
            self.timer = nil
            context.fireErrorCaught(Failure(description: reason, afterConnecting: true))
            context.close(promise: nil)
        }
    }

    private func send(_ bytes: [UInt8], to address: SocketAddress, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.write(self.wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: buffer)), promise: nil)
    }

    // MARK: - Helpers

    private func nowNs(_ context: ChannelHandlerContext) -> UInt64 { context.eventLoop.now.uptimeNanoseconds }

    /// RFC 5761 §4: with rtcp-mux, payload types 64–95 (second byte 192–223) are RTCP.
    private static func isRTCP(_ buffer: ByteBuffer) -> Bool {
        guard let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self) else { return false }
        return (192...223).contains(second)
    }
}

@available(*, unavailable)
extension WebRTCSecureHandler: Sendable {}
