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
}
