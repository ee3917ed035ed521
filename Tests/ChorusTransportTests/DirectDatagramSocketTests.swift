import ChorusRTP
import ChorusSockets
import Glibc
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import ChorusTransport

/// A UDP socket on 127.0.0.1 that a test reads by hand: loopback delivers within `send`, so what was sent is
/// already queued here.
final class UDPReceiver {
    let address: SocketAddress
    private let socket: DirectDatagramSocket

    init() throws {
        let socket = try DirectDatagramSocket.open(bindingTo: try SocketAddress(ipAddress: "127.0.0.1", port: 0))
        var storage = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket.descriptor, $0, &length) }
        }
        guard status == 0 else {
            close(socket.descriptor)
            throw IOError(errnoCode: errno, reason: "getsockname")
        }
        self.socket = socket
        self.address = try SocketAddress(ipAddress: "127.0.0.1", port: Int(UInt16(bigEndian: storage.sin_port)))
    }

    deinit { close(self.socket.descriptor) }

    /// Every datagram queued so far, in order.
    func drain() -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(self.socket.descriptor, $0.baseAddress, $0.count, CInt(MSG_DONTWAIT)) }
            guard n >= 0 else { return datagrams }
            datagrams.append(Array(buffer[..<n]))
        }
    }
}

extension DirectDatagramSocket {
    /// A socket connected to `remote` without NIO, for a caller on an embedded channel (which has no socket).
    static func connectedForTesting(to remote: SocketAddress) throws -> DirectDatagramSocket {
        let socket = try DirectDatagramSocket.open(bindingTo: try SocketAddress(ipAddress: "127.0.0.1", port: 0))
        guard remote.withSockAddr({ connect(socket.descriptor, $0, socklen_t($1)) }) == 0 else {
            let code = errno
            close(socket.descriptor)
            throw IOError(errnoCode: code, reason: "connect")
        }
        return socket
    }
}

@Suite("Datagrams sent past NIO's write path")
struct DirectDatagramSocketTests {
    @Test func aSocketNIOConnectedIsWrittenDirectlyAndThroughNIO() throws {
        let receiver = try UDPReceiver()
        let socket = try DirectDatagramSocket.open(bindingTo: try SocketAddress(ipAddress: "0.0.0.0", port: 0))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let channel = try RTPConnector.connect(DatagramBootstrap(group: group), socket: socket, to: receiver.address).wait()
        defer { try? channel.close().wait() }
        #expect(channel.remoteAddress == receiver.address)
        #expect((channel.localAddress?.port ?? 0) != 0)
        let packets: [[UInt8]] = [[0x80, 1, 2, 3], Array(repeating: 7, count: 172), [0x81]]
        try channel.eventLoop.submit {
            for packet in packets { #expect(socket.send(ByteBuffer(bytes: packet)) == .sent) }
        }.wait()
        // NIO knows the socket is connected: several bare datagrams flushed at once go out together (`sendmmsg`),
        // as an impaired link releases them.
        let queued: [[UInt8]] = [[9, 9], [8], [7, 7, 7]]
        try channel.eventLoop.submit {
            for datagram in queued { channel.write(ByteBuffer(bytes: datagram), promise: nil) }
            channel.flush()
        }.wait()
        try channel.writeAndFlush(ByteBuffer(bytes: [6])).wait()
        #expect(receiver.drain() == packets + queued + [[6]])
    }

    @Test func anUnconnectedSocketRefusesASendAndSaysWhy() throws {
        let socket = try DirectDatagramSocket.open(bindingTo: try SocketAddress(ipAddress: "127.0.0.1", port: 0))
        defer { close(socket.descriptor) }
        #expect(socket.send(ByteBuffer(bytes: [1, 2, 3])) == .failed(errno: EDESTADDRREQ))
    }

    @Test func aSocketThatCannotBindThrowsNamingTheAddress() throws {
        // 192.0.2.0/24 is TEST-NET-1: never an address of this machine.
        let address = try SocketAddress(ipAddress: "192.0.2.1", port: 0)
        let error = #expect(throws: IOError.self) {
            _ = try DirectDatagramSocket.open(bindingTo: address)
        }
        #expect(error?.errnoCode == EADDRNOTAVAIL)
        #expect("\(error.map { "\($0)" } ?? "")".contains("192.0.2.1"))
    }

    @Test func aConnectedRTPCallerSendsItsPacketsPastThePipeline() throws {
        let receiver = try UDPReceiver()
        let socket = try DirectDatagramSocket.connectedForTesting(to: receiver.address)
        defer { close(socket.descriptor) }
        let loop = EmbeddedEventLoop()
        let caller = try EmbeddedCallerTests.rtpCaller(loop: loop, direct: socket)
        caller.channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        for _ in 0..<1_000 { loop.advanceTime(by: .milliseconds(1)) }
        // RTCP still goes through the pipeline (the opening report); every RTP packet went out on the socket.
        #expect(caller.wire.writes == 1)
        let packets = receiver.drain()
        #expect(packets.count >= 48 && packets.count <= 50, "\(packets.count) packets in 1 s")
        var sequence: UInt16?
        for packet in packets {
            guard case .success(let view) = packet.withUnsafeBytes({ RTPHeader.parse($0) }) else {
                Issue.record("a datagram that is not RTP")
                continue
            }
            if let last = sequence { #expect(view.header.sequenceNumber == last &+ 1) }
            sequence = view.header.sequenceNumber
        }
        // Once the channel has closed, its descriptor is no longer the call's to write to.
        let engine = try #require(caller.paced as? CallEngine<RTPMedia>)
        #expect(engine.media.sendsDirectly)
        _ = try? caller.channel.finish()
        #expect(!engine.media.sendsDirectly)
    }
}
