import ChorusDialects
import CAllocationCounter
import Glibc
import ChorusAudio
import ChorusCore
import ChorusNetwork
import ChorusRTP
import ChorusTestSupport
import ChorusSockets
import ChorusWebRTC
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import ChorusTransport
@testable import ChorusWebRTCNIO

/// Callers driven on an `EmbeddedEventLoop`: virtual time, no sockets, no sleeps. The loop's `now` is the clock
/// the pacer, the frame grid, the delay lines and the handlers read, so deadlines are exact.
@Suite("Callers on an embedded loop", .serialized)
struct EmbeddedCallerTests {
    static let frameNs: Int64 = 20_000_000

    /// Swallows what the caller writes (the wire), counting writes and noting when each went out. Like a socket
    /// channel, it holds each write (and so its buffer) until the next flush.
    final class Wire: ChannelOutboundHandler {
        typealias OutboundIn = NIOAny
        let loop: EmbeddedEventLoop
        var writes = 0
        var times: [Int64] = []
        var recordsTimes = true
        private var pending: [NIOAny] = []

        init(loop: EmbeddedEventLoop) {
            self.loop = loop
            self.pending.reserveCapacity(256)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            self.writes += 1
            if self.recordsTimes { self.times.append(Int64(self.loop.now.uptimeNanoseconds)) }
            if self.pending.count < 256 { self.pending.append(data) }
            promise?.succeed(())
        }

        func flush(context: ChannelHandlerContext) {
            self.pending.removeAll(keepingCapacity: true)
        }
    }

    /// A session that never finishes within the test: many turns, a long response timeout.
    static func plan(link: LinkProfile? = nil) -> SessionPlan {
        var plan = SessionPlan(
            callerIndex: 0, sessionIndex: 0, sessionId: "embedded", turnClips: Array(repeating: 0, count: 200),
            thinkNs: Array(repeating: 100_000_000, count: 200), responseTimeoutNs: 2_000_000_000, originNs: 0, seed: 7,
            runSeed: 7)
        plan.link = link
        return plan
    }

    static let utterances: [Utterance] = {
        (try? Fixtures.utteranceNames.prefix(1).map { try Utterance.load(path: Fixtures.audio($0), sampleRate: 16000) }) ?? []
    }()

    /// A caller on an embedded channel: its pipeline, its wire, the caller itself and its loop's statistics.
    struct Caller {
        var channel: EmbeddedChannel
        var wire: Wire
        var paced: any PacedCaller
        var stats: LoopStats
    }

    /// A caller on an embedded channel behind `Wire` (and `between`, the handlers a transport puts in front of it).
    static func embed<Handler: ChannelHandler & PacedCaller>(
        loop: EmbeddedEventLoop, stats: LoopStats? = nil, between: [any ChannelHandler] = [],
        _ make: (LoopStats, EventLoopPromise<CallerReport>) -> Handler
    ) throws -> Caller {
        let stats = stats ?? LoopStats(eventLoop: loop)
        let wire = Wire(loop: loop)
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(wire)
        for handler in between { try channel.pipeline.syncOperations.addHandler(handler) }
        let caller = make(stats, loop.makePromise(of: CallerReport.self))
        try channel.pipeline.syncOperations.addHandler(caller)
        return Caller(channel: channel, wire: wire, paced: caller, stats: stats)
    }

    /// An RTP Opus caller on `loop`, its socket replaced by `Wire`, behind an impaired link when `link` is given;
    /// sending its RTP packets on `direct` instead, when given.
    static func rtpCaller(
        loop: EmbeddedEventLoop, link: LinkProfile? = nil, stats: LoopStats? = nil, seed: UInt64 = 7,
        between extra: [any ChannelHandler] = [], direct: DirectDatagramSocket? = nil
    ) throws -> Caller {
        let audio = try SharedRTPAudio(
            utterances: Self.utterances, codec: .opus(sampleRate: 16000, bitrate: 24000, complexity: 5, fec: true),
            payloadType: nil, audioLevelExtension: true)
        var plan = Self.plan(link: link)
        plan.seed = seed
        let tap = link.map { _ in LinkTap() }
        var between: [any ChannelHandler] = extra
        if let link, let tap {
            between.append(
                ImpairmentHandler<AddressedEnvelope<ByteBuffer>, ByteBuffer>.datagram(
                    profile: link, runSeed: plan.runSeed, callerIndex: plan.sessionIndex, tap: tap,
                    scheduler: DelayScheduler(eventLoop: loop)))
        }
        return try Self.embed(loop: loop, stats: stats, between: between) { stats, promise in
            CallEngine.rtp(plan: plan, audio: audio, remote: nil, stats: stats, tap: tap, direct: direct, promise: promise)
        }
    }

    /// The SRTP keys of the embedded WebRTC caller, and (`farEnd`) the same keys as the agent holds them.
    static func webRTCKeys(farEnd: Bool = false) -> SRTPKeyingMaterial {
        let (caller, agent) = ((Array(repeating: UInt8(1), count: 16), Array(repeating: UInt8(2), count: 12)),
                               (Array(repeating: UInt8(3), count: 16), Array(repeating: UInt8(4), count: 12)))
        let (local, remote) = farEnd ? (agent, caller) : (caller, agent)
        return SRTPKeyingMaterial(
            profile: .aeadAES128GCM, localMasterKey: local.0, localMasterSalt: local.1, remoteMasterKey: remote.0,
            remoteMasterSalt: remote.1)
    }

    /// The payload type the embedded WebRTC caller's far end negotiated (not the one its audio is prepared with).
    static let negotiatedPayloadType: UInt8 = 109

    /// Sees the datagrams a transport writes below it (addressed, or bare on a connected socket), and passes them on.
    final class Capture<Datagram>: ChannelOutboundHandler {
        typealias OutboundIn = Datagram
        typealias OutboundOut = Datagram
        var datagrams: [[UInt8]] = []
        private let bytes: (Datagram) -> ByteBuffer

        init(_ bytes: @escaping (Datagram) -> ByteBuffer) {
            self.bytes = bytes
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            self.datagrams.append(Array(self.bytes(self.unwrapOutboundIn(data)).readableBytesView))
            context.write(data, promise: promise)
        }
    }

    /// A WebRTC caller on `loop` with its SRTP keys in place (no ICE or DTLS): the RTP Opus caller behind the
    /// security layer, which encrypts every packet (and `capture` below it, when given). With `connectingSocket`
    /// the layer connects the channel to the far end once the channel is active, as it does after ICE selects a pair,
    /// and then sends on `ownSocket` when given.
    static func webRTCCaller(
        loop: EmbeddedEventLoop, capture: (any ChannelOutboundHandler)? = nil, connectingSocket: Bool = false,
        ownSocket: DirectDatagramSocket? = nil, above: [any ChannelHandler] = []
    ) throws -> Caller {
        let audio = try SharedRTPAudio(
            utterances: Self.utterances, codec: .opus(sampleRate: 16000, bitrate: 24000, complexity: 5, fec: true),
            payloadType: nil, audioLevelExtension: true)
        let plan = Self.plan()
        let certificate = DTLSCertificate.shared
        let secure = WebRTCSecureHandler(
            ice: ICELiteConnectivity(ICELiteResponder(local: ICECredentials(ufrag: "abcd", password: String(
                repeating: "p", count: 22)), remoteUfrag: nil)),
            dtls: try DTLSEndpoint(role: .client, remoteFingerprints: [certificate.fingerprint]),
            payloadTypes: (local: audio.format.payloadType, remote: Self.negotiatedPayloadType), ownSocket: ownSocket,
            ready: nil)
        try secure.connectForTesting(
            keys: Self.webRTCKeys(), remote: try SocketAddress(ipAddress: "127.0.0.1", port: 9),
            connectingSocket: connectingSocket)
        let placeholder = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        let between: [any ChannelHandler] = (capture.map { [$0] } ?? []) + [secure] + above
        return try Self.embed(loop: loop, between: between) { stats, promise in
            let engine = CallEngine.rtp(
                plan: plan, audio: audio, remote: placeholder, secure: secure, stats: stats, promise: promise)
            secure.mediaReceiver = engine  // as the connector does
            return engine
        }
    }

    /// A native-dialect WebSocket caller on `loop`: the raw writer and the caller behind `Wire`, and an impaired
    /// link (TCP's model) next to the wire when `link` is given.
    static func webSocketCaller(
        loop: EmbeddedEventLoop, link: LinkProfile? = nil, direct: DirectStreamSocket? = nil
    ) throws -> Caller {
        let dialect = ChorusNativeDialect(audio: SharedAudio(pcm16: Self.utterances, sampleRate: 16000))
        let raw = RawFrameWriter(direct: direct)
        let plan = Self.plan(link: link)
        let tap = link.map { _ in LinkTap() }
        var between: [any ChannelHandler] = []
        if let link, let tap {
            between.append(
                ImpairmentHandler<ByteBuffer, ByteBuffer>.stream(
                    profile: link, runSeed: plan.runSeed, callerIndex: plan.sessionIndex, tap: tap,
                    scheduler: DelayScheduler(eventLoop: loop)))
        }
        // As after the upgrade: the frame encoder above the raw writer turns the engine's control frames into bytes,
        // and the reader hands the agent's messages to the engine.
        let reader = WebSocketMessageReader(maxMessageSize: WebSocketClientOptions.defaultMaxMessageSize)
        between.append(contentsOf: [raw, WebSocketFrameEncoder(), reader] as [any ChannelHandler])
        return try Self.embed(loop: loop, between: between) { stats, promise in
            let engine = CallEngine.webSocket(
                plan: plan, dialect: dialect, stats: stats, rawWriter: raw, tap: tap, promise: promise)
            reader.receiver = engine
            return engine
        }
    }

    @Test func framesLeaveOnAbsoluteTwentyMillisecondDeadlines() throws {
        let loop = EmbeddedEventLoop()
        let caller = try Self.rtpCaller(loop: loop)
        let (channel, wire) = (caller.channel, caller.wire)
        channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        wire.times.removeAll()  // the opening RTCP report
        for _ in 0..<1_000 { loop.advanceTime(by: .milliseconds(1)) }
        // One packet per 20 ms, each exactly on the grid (virtual time does not drift).
        #expect(wire.times.count >= 48 && wire.times.count <= 50, "\(wire.times.count) packets in 1 s")
        let first = try #require(wire.times.first)
        for (k, t) in wire.times.enumerated() where k < 45 {
            #expect(t == first + Int64(k) * Self.frameNs, "packet \(k) at \(t - first) ns")
        }
        // A late wake-up (the loop blocked for 200 ms: the caller is ticked once, 200 ms on) sends the backlog at
        // once, then the grid goes on.
        caller.stats.pacer.remove(caller.paced)
        let before = wire.times.count
        let last = try #require(wire.times.last)
        loop.advanceTime(by: .milliseconds(200))
        caller.paced.paceTick(nowNs: Int64(loop.now.uptimeNanoseconds))
        let burst = wire.times[before...]
        #expect(burst.count == 10 && burst.allSatisfy { $0 == burst.first }, "\(burst.count) packets in the burst")
        wire.times.removeAll()
        loop.advanceTime(by: .milliseconds(20))
        caller.paced.paceTick(nowNs: Int64(loop.now.uptimeNanoseconds))
        #expect(wire.times.count == 1)
        // The packet after the burst is on the original grid, not 20 ms after the burst.
        #expect((wire.times[0] - last) % Self.frameNs == 0)
        _ = try? channel.finish()
    }

    /// Allocations per paced frame over 10,000 frames (after a warm-up), on the caller's loop thread.
    ///
    /// The caller is taken off the loop's pacer and ticked directly, each tick after the loop's clock moved on by
    /// a frame: an `EmbeddedEventLoop` allocates for every timer it fires, which a real loop's
    /// `scheduleCallback` does not, so only the caller's own work (and its delay lines' releases) is counted.
    static func allocationsPerFrame(
        framesPerTick: Int64 = 1, afterTick: () -> Void = {}, _ make: (EmbeddedEventLoop) throws -> Caller
    ) throws -> Double {
        let loop = EmbeddedEventLoop()
        let caller = try make(loop)
        let (channel, wire) = (caller.channel, caller.wire)
        wire.recordsTimes = false
        channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        caller.stats.pacer.remove(caller.paced)
        func tick() {
            loop.advanceTime(by: .milliseconds(20 * framesPerTick))
            caller.paced.paceTick(nowNs: Int64(loop.now.uptimeNanoseconds))
            afterTick()
        }
        let ticks = Int(10_000 / framesPerTick)
        for _ in 0..<(500 / Int(framesPerTick)) { tick() }
        let before = caller.stats.framesSent
        chorus_allocations_start()
        for _ in 0..<ticks { tick() }
        let allocations = chorus_allocations_stop()
        let frames = Int(caller.stats.framesSent - before)
        _ = try? channel.finish()
        #expect(frames >= 10_000, "\(frames) frames")
        return Double(allocations) / Double(max(1, frames))
    }

    // Each turn's record, its end-of-turn message and the RTCP report every ~5 s allocate; a frame must not. 0.1 per
    // frame is one allocation every 10 frames: an allocation per frame is 10 times that.
    static let bound = 0.1

    @Test func anRTPOpusCallerAllocatesNothingPerFrame() throws {
        let perFrame = try Self.allocationsPerFrame { try Self.rtpCaller(loop: $0) }
        print("RTP Opus, clean: \(perFrame) allocations per frame")
        #expect(perFrame < Self.bound)
        // Sending on its own connected socket, past the pipeline.
        let receiver = try UDPReceiver()
        let socket = try DirectDatagramSocket.connectedForTesting(to: receiver.address)
        defer { close(socket.descriptor) }
        let direct = try Self.allocationsPerFrame { try Self.rtpCaller(loop: $0, direct: socket) }
        print("RTP Opus, sent directly: \(direct) allocations per frame")
        #expect(direct < Self.bound)
        #expect(!receiver.drain().isEmpty)  // the rest overflowed its receive buffer
    }

    @Test func aFinishedCallIsFreed() throws {
        let loop = EmbeddedEventLoop()
        weak var engine: AnyObject?
        weak var media: AnyObject?
        do {
            let caller = try Self.webSocketCaller(loop: loop)
            engine = caller.paced
            media = (caller.paced as? CallEngine<WebSocketMedia>)?.media
            #expect(media != nil)
            caller.channel.pipeline.fireUserInboundEventTriggered(CallerStart())
            loop.advanceTime(by: .milliseconds(200))
            _ = try? caller.channel.finish()
        }
        #expect(engine == nil, "the call engine outlived its channel")
        #expect(media == nil, "the media outlived its channel")
    }

    @Test func anRTPOpusCallerAllocatesNothingInBacklogBursts() throws {
        // Each tick comes 10 frames late, so 10 packets are written before one flush.
        let perFrame = try Self.allocationsPerFrame(framesPerTick: 10) { try Self.rtpCaller(loop: $0) }
        print("RTP Opus, 200 ms late wake-ups: \(perFrame) allocations per frame")
        #expect(perFrame < Self.bound)
    }

    @Test func aWebRTCCallerAllocatesNothingPerFrame() throws {
        let perFrame = try Self.allocationsPerFrame { try Self.webRTCCaller(loop: $0) }
        let bursts = try Self.allocationsPerFrame(framesPerTick: 10) { try Self.webRTCCaller(loop: $0) }
        print("WebRTC Opus (SRTP-GCM): \(perFrame) allocations per frame, \(bursts) in 200 ms bursts")
        #expect(perFrame < Self.bound)
        #expect(bursts < Self.bound)
    }

    /// How a WebRTC caller's sealed packets leave.
    enum SealedPath: CaseIterable, Sendable {
        /// Addressed, through the pipeline, on an unconnected socket.
        case addressed
        /// Bare, through the pipeline, on a connected socket (the kernel routes them once, not per packet).
        case bare
        /// Sent on the call's own connected socket, past the pipeline.
        case direct
    }

    @Test(arguments: SealedPath.allCases)
    func aWebRTCCallerSealsEveryPacketForTheFarEnd(path: SealedPath) throws {
        let loop = EmbeddedEventLoop()
        let bare = Capture<ByteBuffer> { $0 }
        let addressed = Capture<AddressedEnvelope<ByteBuffer>> { $0.data }
        let capture: any ChannelOutboundHandler = path == .addressed ? addressed : bare
        let farEndSocket = try UDPReceiver()
        let own = path == .direct ? try DirectDatagramSocket.connectedForTesting(to: farEndSocket.address) : nil
        defer { own.map { _ = close($0.descriptor) } }
        let caller = try Self.webRTCCaller(
            loop: loop, capture: capture, connectingSocket: path != .addressed, ownSocket: own)
        if path != .addressed {
            caller.channel.pipeline.fireChannelActive()
            let secure = try caller.channel.pipeline.syncOperations.handler(type: WebRTCSecureHandler.self)
            #expect(secure.writesBareDatagrams)
        }
        caller.channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        for _ in 0..<50 { loop.advanceTime(by: .milliseconds(20)) }
        let farEnd = try SRTPSession(keys: Self.webRTCKeys(farEnd: true))
        var media = 0
        var reports = 0
        let datagrams: [[UInt8]]
        switch path {
        case .addressed: datagrams = addressed.datagrams
        case .bare: datagrams = bare.datagrams
        case .direct:
            // RTCP too: everything sealed leaves on the socket, nothing through the pipeline below.
            #expect(bare.datagrams.isEmpty, "\(bare.datagrams.count) sealed datagrams went through the pipeline")
            datagrams = farEndSocket.drain()
        }
        for datagram in datagrams {
            var bytes = datagram
            let isRTCP = (192...223).contains(bytes[1])
            let plain = bytes.withUnsafeMutableBytes { buffer in
                isRTCP ? farEnd.unprotectRTCP(buffer.baseAddress!, length: buffer.count)
                    : farEnd.unprotectRTP(buffer.baseAddress!, length: buffer.count)
            }
            let length = try #require(plain, "a datagram the far end cannot authenticate")
            if isRTCP {
                reports += 1
                continue
            }
            let parsed = bytes.withUnsafeBytes { RTPHeader.parse(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
            guard case .success(let view) = parsed else {
                Issue.record("an RTP packet that does not parse once unprotected")
                continue
            }
            #expect(view.header.payloadType == Self.negotiatedPayloadType)
            #expect(length > RTPHeader.fixedSize)
            media += 1
        }
        #expect(reports >= 1, "the opening RTCP report")
        #expect(media >= 45, "\(media) RTP packets in 1 s")
        _ = try? caller.channel.finish()
    }

    /// Keeps every datagram written below it, as a socket that never drains would, with a copy of its bytes as
    /// they were when written.
    final class Hoard: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var held: [(buffer: ByteBuffer, bytes: [UInt8])] = []

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let buffer = self.unwrapOutboundIn(data)
            self.held.append((buffer, Array(buffer.readableBytesView)))
            context.write(data, promise: promise)
        }
    }

    @Test func callersSharingTheLoopsBuffersNeverOverwriteEachOther() throws {
        let loop = EmbeddedEventLoop()
        let stats = LoopStats(eventLoop: loop)
        // Both callers hold every packet they wrote, so the loop's 64 buffers come round while all are in use.
        let hoards = [Hoard(), Hoard()]
        let callers = try [UInt64(1), 2].enumerated().map { index, seed in
            try Self.rtpCaller(loop: loop, stats: stats, seed: seed, between: [hoards[index]])
        }
        for caller in callers { caller.channel.pipeline.fireUserInboundEventTriggered(CallerStart()) }
        for _ in 0..<100 { loop.advanceTime(by: .milliseconds(20)) }
        for (index, hoard) in hoards.enumerated() {
            #expect(hoard.held.count >= 95, "caller \(index): \(hoard.held.count) packets in 2 s")
            var sequences: [UInt16] = []
            for (buffer, bytes) in hoard.held {
                #expect(Array(buffer.readableBytesView) == bytes, "caller \(index): a held packet changed")
                if (192...223).contains(bytes[1]) { continue }  // RTCP
                if case .success(let view) = bytes.withUnsafeBytes({ RTPHeader.parse($0) }) {
                    #expect(view.header.ssrc == RTPMedia.ssrc(seed: UInt64(index + 1)))
                    sequences.append(view.header.sequenceNumber)
                }
            }
            #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 == $0 &+ 1 }, "caller \(index): consecutive")
        }
        for caller in callers { _ = try? caller.channel.finish() }
    }

    /// Counts what passes up the pipeline.
    final class Tripwire: ChannelInboundHandler {
        typealias InboundIn = NIOAny
        var reads = 0

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.reads += 1
            context.fireChannelRead(data)
        }
    }

    @Test func aWebRTCCallerTakesDecryptedMediaStraightFromTheSecurityLayer() throws {
        let loop = EmbeddedEventLoop()
        let tripwire = Tripwire()
        let caller = try Self.webRTCCaller(loop: loop, above: [tripwire])
        caller.channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        let farEnd = try SRTPSession(keys: Self.webRTCKeys(farEnd: true))
        let agent = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        for sequence in UInt16(1)...20 {
            var packet: [UInt8] = [0x80, Self.negotiatedPayloadType, 0, UInt8(sequence), 0, 0, 0, 0, 0, 0, 0, 42]
            packet += [UInt8](repeating: 0xF8, count: 40) + [UInt8](repeating: 0, count: SRTPSession.maxTrailer)
            let length = try #require(packet.withUnsafeMutableBytes { farEnd.protectRTP($0.baseAddress!, length: 52) })
            let datagram = ByteBuffer(bytes: packet[..<length])
            try caller.channel.writeInbound(AddressedEnvelope(remoteAddress: agent, data: datagram))
            loop.advanceTime(by: .milliseconds(20))
        }
        #expect(caller.stats.framesReceived == 20, "every packet decrypted and counted by the call")
        #expect(tripwire.reads == 0, "none through the pipeline")
        _ = try? caller.channel.finish()
    }

    @Test func aWebSocketCallerAllocatesNothingPerFrame() throws {
        let perFrame = try Self.allocationsPerFrame { try Self.webSocketCaller(loop: $0) }
        print("WebSocket native, clean: \(perFrame) allocations per frame")
        #expect(perFrame < Self.bound)
        // Writing to its own socket, past NIO's write path (the far end drained after each tick, into one buffer).
        var fds: [CInt] = [0, 0]
        #expect(socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue), 0, &fds) == 0)
        defer { fds.forEach { _ = close($0) } }
        var sink = [UInt8](repeating: 0, count: 1 << 16)
        var received = 0
        var wire: Wire?
        let direct = try Self.allocationsPerFrame(afterTick: {
            sink.withUnsafeMutableBytes { buffer in
                while case let n = recv(fds[1], buffer.baseAddress, buffer.count, CInt(MSG_DONTWAIT)), n > 0 { received += n }
            }
        }) {
            let caller = try Self.webSocketCaller(loop: $0, direct: DirectStreamSocket(descriptor: fds[0]))
            wire = caller.wire
            return caller
        }
        print("WebSocket native, written directly: \(direct) allocations per frame")
        #expect(direct < Self.bound)
        // Every audio frame (640 bytes of PCM16 and its header) reached the socket; none went through NIO.
        #expect(received >= 10_000 * 640, "\(received) bytes on the socket")
        #expect(wire?.writes == 0)
    }

    @Test func aWebSocketCallerAllocatesNothingPerAgentMessage() throws {
        // One read from the agent every frame slot, holding a 20 ms audio message: read in place and played.
        var message = ByteBuffer()
        ServerFrame.writeHeader(opcode: ServerFrame.binary, payloadLength: 640, into: &message)
        message.writeBytes((0..<640).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        var caller: Caller?
        let perFrame = try Self.allocationsPerFrame(afterTick: {
            caller?.channel.pipeline.fireChannelRead(NIOAny(message))
        }) {
            caller = try Self.webSocketCaller(loop: $0)
            return caller!
        }
        print("WebSocket native, one agent message per frame: \(perFrame) allocations per frame sent and message read")
        #expect(perFrame < Self.bound)
        #expect(try #require(caller).stats.framesReceived >= 10_500, "every message read")
    }
}
