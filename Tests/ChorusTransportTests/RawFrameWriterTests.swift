import Glibc
import ChorusSockets
import NIOCore
import NIOEmbedded
import Testing

@testable import ChorusTransport

/// `RawFrameWriter` writing a connection's frames directly: a Unix stream socket pair stands in for the TCP
/// connection (the writer's end non-blocking, as the caller's is), and an embedded channel for NIO's write path.
@Suite("Frames written past NIO's write path")
struct RawFrameWriterTests {
    /// The writer's end, the far end, and the writer in an embedded channel.
    final class Rig {
        let socket: DirectStreamSocket
        private(set) var farEnd: CInt
        let channel: EmbeddedChannel
        let writer: RawFrameWriter

        init(sendBuffer: CInt? = nil) throws {
            var fds: [CInt] = [0, 0]
            guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue), 0, &fds) == 0 else {
                throw IOError(errnoCode: errno, reason: "socketpair")
            }
            if var size = sendBuffer {
                _ = setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<CInt>.size))
            }
            self.socket = DirectStreamSocket(descriptor: fds[0])
            self.farEnd = fds[1]
            self.channel = EmbeddedChannel()
            self.writer = RawFrameWriter(direct: self.socket)
            try self.channel.pipeline.syncOperations.addHandler(self.writer)
        }

        /// What the far end has received so far.
        func received() -> [UInt8] {
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(self.farEnd, $0.baseAddress, $0.count, CInt(MSG_DONTWAIT)) }
                guard n > 0 else { return bytes }
                bytes += chunk[..<n]
            }
        }

        /// What went through NIO's write path (the embedded channel's wire), once flushed.
        func throughNIO() throws -> [UInt8] {
            var bytes: [UInt8] = []
            while let buffer = try self.channel.readOutbound(as: ByteBuffer.self) { bytes += buffer.readableBytesView }
            return bytes
        }

        func closeFarEnd() {
            guard self.farEnd >= 0 else { return }
            Glibc.close(self.farEnd)
            self.farEnd = -1
        }

        func close() {
            _ = try? self.channel.finish()
            Glibc.close(self.socket.descriptor)
            self.closeFarEnd()
        }
    }

    static func frame(_ k: Int, size: Int = 40) -> ByteBuffer {
        ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: k &* 31 &+ $0) })
    }

    @Test func framesAndWritesFromAboveLeaveOnTheSocketInOrder() throws {
        let rig = try Rig()
        defer { rig.close() }
        var expected: [UInt8] = []
        for k in 0..<10 {
            let own = Self.frame(k)
            rig.writer.write(own)
            expected += own.readableBytesView
            if k == 4 {
                // A control frame from above, written through the pipeline, keeps its place.
                let control = Self.frame(100, size: 7)
                rig.channel.write(control, promise: nil)
                expected += control.readableBytesView
            }
        }
        rig.writer.flush()
        rig.channel.flush()
        #expect(rig.received() == expected)
        #expect(try rig.throughNIO().isEmpty)
        #expect(rig.writer.writesDirectly)
    }

    @Test func onceTheSocketIsFullEverythingElseGoesThroughNIOInOrder() throws {
        // A small send buffer and a far end that does not read: the kernel soon takes only part of a frame.
        let rig = try Rig(sendBuffer: 4096)
        defer { rig.close() }
        var expected: [UInt8] = []
        var k = 0
        while rig.writer.writesDirectly && k < 10_000 {
            let frame = Self.frame(k, size: 1000)
            rig.writer.write(frame)
            expected += frame.readableBytesView
            k += 1
        }
        #expect(!rig.writer.writesDirectly, "the socket never filled in \(k) frames")
        // Frames after the switch, from the caller and from above, follow what NIO already holds.
        for j in 0..<5 {
            let frame = Self.frame(10_000 + j, size: 300)
            if j % 2 == 0 { rig.writer.write(frame) } else { rig.channel.write(frame, promise: nil) }
            expected += frame.readableBytesView
        }
        rig.writer.flush()
        let direct = rig.received()
        let queued = try rig.throughNIO()
        #expect(direct + queued == expected, "\(direct.count) bytes direct and \(queued.count) through NIO")
        #expect(!direct.isEmpty && !queued.isEmpty)
    }

    @Test func aBrokenConnectionFailsTheWriteAndClosesTheChannel() throws {
        let rig = try Rig()
        defer { rig.close() }
        rig.closeFarEnd()
        let promise = rig.channel.eventLoop.makePromise(of: Void.self)
        rig.channel.write(Self.frame(1), promise: promise)
        #expect(throws: IOError.self) { try promise.futureResult.wait() }
        #expect(!rig.channel.isActive)
        #expect(!rig.writer.writesDirectly)
    }

    @Test func aClosedChannelsDescriptorIsNeverWrittenAgain() throws {
        let rig = try Rig()
        defer { rig.close() }
        rig.writer.channelClosed()
        rig.writer.write(Self.frame(1))
        rig.writer.flush()
        #expect(rig.received().isEmpty)
        #expect(try rig.throughNIO() == Array(Self.frame(1).readableBytesView))
    }
}
