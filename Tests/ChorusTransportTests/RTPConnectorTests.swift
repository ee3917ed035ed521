import ChorusTransport
import ChorusSockets
import NIOCore
import NIOPosix
import Testing

@Suite("RTP caller sockets")
struct RTPConnectorTests {
    @Test(
        "Every caller's socket gets a port of its own, even with hundreds open at once",
        arguments: [false, true])
    func callersNeverSharePorts(connected: Bool) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let agent = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        var channels: [any Channel] = []
        // Well below the default 1,024 descriptors; random picks among ~28,000 ephemeral ports would collide
        // about a dozen times here if the kernel were allowed to share them.
        for _ in 0..<900 {
            let bootstrap = RTPConnector.bootstrap(on: group.next())
            // Connected, as the callers' own sockets are: opened by Chorus, connected by NIO.
            channels.append(
                try await (connected
                    ? RTPConnector.connect(
                        bootstrap, socket: DirectDatagramSocket.open(bindingTo: SocketAddress(ipAddress: "0.0.0.0", port: 0)),
                        to: agent)
                    : bootstrap.bind(host: "127.0.0.1", port: 0)).get())
        }
        let ports = channels.compactMap { $0.localAddress?.port }
        #expect(ports.count == 900)
        #expect(Set(ports).count == ports.count, "\(ports.count - Set(ports).count) ports were handed out twice")
        for channel in channels { try await channel.close() }
        try await group.shutdownGracefully()
    }

    @Test("A caller's socket reads one datagram a time, and datagrams that wait are still all read")
    func oneDatagramPerReadLosesNothing() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let counter = DatagramCounter(expecting: 16, done: loop.makePromise())
        let channel = try await RTPConnector.bootstrap(on: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        // Reading on to an empty socket cost a second recvmsg per packet.
        #expect(try await channel.getOption(.maxMessagesPerRead).get() == 1)
        // Sent in one flush on the receiver's own loop, so all wait before it reads: the poll must wake again for
        // each one left behind.
        let sender = try await DatagramBootstrap(group: loop).bind(host: "127.0.0.1", port: 0).get()
        let receiver = try #require(channel.localAddress)
        try await loop.submit {
            for index in 0..<16 {
                let packet = AddressedEnvelope(remoteAddress: receiver, data: ByteBuffer(integer: UInt8(index)))
                sender.write(packet, promise: nil)
            }
            sender.flush()
            // A bound on a hang, far above loopback's microseconds; completing the promise twice does nothing.
            loop.scheduleTask(in: .seconds(10)) { counter.done.fail(ChannelError.inputClosed) }
        }.get()
        let count = try await counter.done.futureResult.get()
        #expect(count == 16)
        try await channel.close()
        try await sender.close()
        try await group.shutdownGracefully()
    }
}

private final class DatagramCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let expecting: Int
    let done: EventLoopPromise<Int>
    private var count = 0

    init(expecting: Int, done: EventLoopPromise<Int>) {
        self.expecting = expecting
        self.done = done
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.count += 1
        if self.count == self.expecting { self.done.succeed(self.count) }
    }
}
