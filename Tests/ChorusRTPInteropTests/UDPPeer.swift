import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One datagram a `UDPPeer` received, stamped with the monotonic clock in `channelRead`.
struct ReceivedDatagram: Sendable {
    var bytes: [UInt8]
    var arrivalNs: Int64
    var from: SocketAddress
}

/// A UDP socket on 127.0.0.1 for the tests: sends packets (paced on absolute 20 ms deadlines on its event loop)
/// and records every datagram it receives.
final class UDPPeer: Sendable {
    let channel: any Channel
    private let inbox: NIOLockedValueBox<[ReceivedDatagram]>

    private init(channel: any Channel, inbox: NIOLockedValueBox<[ReceivedDatagram]>) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Binds 127.0.0.1:`port` (0 = any free port).
    static func bind(port: Int = 0) async throws -> UDPPeer {
        let inbox = NIOLockedValueBox<[ReceivedDatagram]>([])
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_rcvbuf), value: 1 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramCollector(inbox: inbox))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return UDPPeer(channel: channel, inbox: inbox)
    }

    /// A port that was free a moment ago (bound then released), for a process that binds it itself.
    static func freePort() async throws -> Int {
        let peer = try await UDPPeer.bind()
        let port = peer.port
        await peer.close()
        return port
    }

    var port: Int { self.channel.localAddress?.port ?? 0 }

    /// Everything received so far, in arrival order.
    var received: [ReceivedDatagram] { self.inbox.withLockedValue { $0 } }

    /// Sends one datagram now; returns the monotonic time right after the write.
    @discardableResult
    func send(_ bytes: [UInt8], to address: SocketAddress) async throws -> Int64 {
        let channel = self.channel
        return try await channel.eventLoop.submit {
            channel.writeAndFlush(
                AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes)), promise: nil)
            return Int64(NIODeadline.now().uptimeNanoseconds)
        }.get()
    }

    /// Sends `packets` one every `intervalNs` on absolute deadlines from now; returns each packet's send time.
    func sendPaced(
        _ packets: [[UInt8]], to address: SocketAddress, intervalNs: Int64 = 20_000_000
    ) async throws
        -> [Int64]
    {
        let channel = self.channel
        let promise = channel.eventLoop.makePromise(of: [Int64].self)
        channel.eventLoop.execute {
            PacedSender(channel: channel, packets: packets, address: address, intervalNs: intervalNs, promise: promise)
                .step()
        }
        return try await promise.futureResult.get()
    }

    /// Polls every 10 ms until `predicate` holds for what has been received, or `timeoutNs` passes.
    func wait(timeoutNs: Int64, until predicate: ([ReceivedDatagram]) -> Bool) async -> Bool {
        let end = Int64(NIODeadline.now().uptimeNanoseconds) + timeoutNs
        while Int64(NIODeadline.now().uptimeNanoseconds) < end {
            if predicate(self.received) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return predicate(self.received)
    }

    func close() async {
        try? await self.channel.close()
    }
}

/// Sends one packet per step on the channel's loop, each on its absolute deadline.
private final class PacedSender {
    private let channel: any Channel
    private let packets: [[UInt8]]
    private let address: SocketAddress
    private let intervalNs: Int64
    private let promise: EventLoopPromise<[Int64]>
    private let startNs = Int64(NIODeadline.now().uptimeNanoseconds)
    private var sentNs: [Int64] = []

    init(
        channel: any Channel, packets: [[UInt8]], address: SocketAddress, intervalNs: Int64,
        promise: EventLoopPromise<[Int64]>
    ) {
        self.channel = channel
        self.packets = packets
        self.address = address
        self.intervalNs = intervalNs
        self.promise = promise
    }

    func step() {
        let index = self.sentNs.count
        guard index < self.packets.count else {
            self.promise.succeed(self.sentNs)
            return
        }
        let envelope = AddressedEnvelope(remoteAddress: self.address, data: ByteBuffer(bytes: self.packets[index]))
        self.channel.writeAndFlush(envelope, promise: nil)
        self.sentNs.append(Int64(NIODeadline.now().uptimeNanoseconds))
        let next = NIODeadline.uptimeNanoseconds(UInt64(self.startNs + Int64(index + 1) * self.intervalNs))
        self.channel.eventLoop.assumeIsolated().scheduleTask(deadline: next) { self.step() }
    }
}

private final class DatagramCollector: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let inbox: NIOLockedValueBox<[ReceivedDatagram]>

    init(inbox: NIOLockedValueBox<[ReceivedDatagram]>) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        let envelope = self.unwrapInboundIn(data)
        let datagram = ReceivedDatagram(
            bytes: Array(envelope.data.readableBytesView), arrivalNs: nowNs, from: envelope.remoteAddress)
        self.inbox.withLockedValue { $0.append(datagram) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}
