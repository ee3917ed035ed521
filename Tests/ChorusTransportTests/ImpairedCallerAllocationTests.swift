import CAllocationCounter
import ChorusAudio
import ChorusCore
import ChorusDialects
import ChorusNetwork
import NIOCore
import NIOPosix
import NIOWebSocket
import Testing

@testable import ChorusTransport

/// Impaired callers on a real event loop: the caller, its media and the impairment handler in front of a real
/// socket, with the loop's shared pacer and delay scheduler, counted on the loop's thread.
///
/// An `EmbeddedEventLoop` allocates for every timer, and a held packet needs a wake-up, so the impaired paths are
/// measured here, on a `SelectableEventLoop` whose `scheduleCallback` does not. Nothing answers the callers (a
/// sink takes their packets), so what is counted is the sending path: frame, link, held copy, release, socket.
@Suite("Impaired callers allocate nothing per frame", .serialized)
struct ImpairedCallerAllocationTests {
    static let callers = 50
    static let bound = EmbeddedCallerTests.bound

    /// Swallows whatever reaches it.
    final class Sink: ChannelInboundHandler, Sendable {
        typealias InboundIn = NIOAny
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    }

    /// A long session that never ends within the measurement.
    static func plan(_ index: Int, link: LinkProfile) -> SessionPlan {
        var plan = EmbeddedCallerTests.plan(link: link)
        plan.callerIndex = index
        plan.sessionIndex = index
        plan.seed = UInt64(index + 1)
        // No turn ends within the measurement (a turn's record allocates, once per turn): only frames are counted.
        plan.responseTimeoutNs = 60_000_000_000
        return plan
    }

    /// Starts `callers` callers made by `open` on one loop, lets them warm up for 1 s, then counts the allocations
    /// on the loop's thread over 4 s; returns allocations per frame sent.
    static func allocationsPerFrame(
        on group: MultiThreadedEventLoopGroup,
        open: @escaping @Sendable (Int, LoopStats, EventLoopPromise<CallerReport>) throws -> EventLoopFuture<any Channel>
    ) throws -> Double {
        let loop = group.next()
        let stats = LoopStats(eventLoop: loop)
        var channels: [any Channel] = []
        for index in 0..<Self.callers {
            let promise = loop.makePromise(of: CallerReport.self)
            promise.futureResult.whenComplete { _ in }
            channels.append(try open(index, stats, promise).wait())
        }
        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(CallerStart()) }
        let counted = loop.makePromise(of: (allocations: Int, frames: UInt64).self)
        let startFrames = try loop.scheduleTask(in: .seconds(1)) { () -> UInt64 in
            chorus_allocations_start()
            return stats.framesSent
        }.futureResult.wait()
        loop.scheduleTask(in: .seconds(4)) {
            let allocations = chorus_allocations_stop()
            counted.succeed((allocations, stats.framesSent - startFrames))
        }
        let result = try counted.futureResult.wait()
        for channel in channels { try? channel.close().wait() }
        #expect(result.frames >= 9_000, "\(result.frames) frames")
        return Double(result.allocations) / Double(max(1, result.frames))
    }

    @Test func rtpOpusCallersBehindAnImpairedLinkAllocateNothingPerFrame() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let link = try #require(LinkProfile.named("wifi-congested"))
        let audio = try SharedRTPAudio(
            utterances: EmbeddedCallerTests.utterances,
            codec: .opus(sampleRate: 16000, bitrate: 24000, complexity: 5, fec: true), payloadType: nil,
            audioLevelExtension: true)
        // The sink reads on a thread of its own: its receive path is not the callers'.
        let sinkGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? sinkGroup.syncShutdownGracefully() }
        let sink = try DatagramBootstrap(group: sinkGroup).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Sink()) }
        }.bind(host: "127.0.0.1", port: 0).wait()
        defer { try? sink.close().wait() }
        let remote = try #require(sink.localAddress)
        let perFrame = try Self.allocationsPerFrame(on: group) { index, stats, promise in
            DatagramBootstrap(group: group).channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let plan = Self.plan(index, link: link)
                    let tap = LinkTap()
                    try channel.pipeline.syncOperations.addHandler(
                        ImpairmentHandler<AddressedEnvelope<ByteBuffer>, ByteBuffer>.datagram(
                            profile: link, runSeed: 3, callerIndex: index, tap: tap, scheduler: stats.delays))
                    try channel.pipeline.syncOperations.addHandler(
                        CallEngine.rtp(plan: plan, audio: audio, remote: nil, stats: stats, tap: tap, promise: promise))
                }
            }.connect(to: remote)
        }
        print("RTP Opus, impaired (wifi-congested), real loop: \(perFrame) allocations per frame")
        #expect(perFrame < Self.bound)
    }

    @Test func webSocketCallersBehindAnImpairedTCPLinkAllocateNothingPerFrame() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let link = try #require(LinkProfile.named("wifi-congested"))
        let dialect = ChorusNativeDialect(audio: SharedAudio(pcm16: EmbeddedCallerTests.utterances, sampleRate: 16000))
        // The server reads on a thread of its own: its receive path is not the callers'.
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? serverGroup.syncShutdownGracefully() }
        let server = try ServerBootstrap(group: serverGroup).childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Sink()) }
        }.bind(host: "127.0.0.1", port: 0).wait()
        defer { try? server.close().wait() }
        let address = try #require(server.localAddress)
        let perFrame = try Self.allocationsPerFrame(on: group) { index, stats, promise in
            ClientBootstrap(group: group).channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The pipeline a WebSocket caller has once upgraded, less the decoder: nothing is read.
                    let plan = Self.plan(index, link: link)
                    let tap = LinkTap()
                    let raw = RawFrameWriter()
                    try channel.pipeline.syncOperations.addHandler(
                        ImpairmentHandler<ByteBuffer, ByteBuffer>.stream(
                            profile: link, runSeed: 3, callerIndex: index, tap: tap, scheduler: stats.delays))
                    try channel.pipeline.syncOperations.addHandler(raw)
                    try channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
                    try channel.pipeline.syncOperations.addHandler(
                        CallEngine.webSocket(
                            plan: plan, dialect: dialect, stats: stats, rawWriter: raw, tap: tap, promise: promise))
                }
            }.connect(to: address)
        }
        print("WebSocket native, impaired (wifi-congested TCP), real loop: \(perFrame) allocations per frame")
        #expect(perFrame < Self.bound)
    }
}
