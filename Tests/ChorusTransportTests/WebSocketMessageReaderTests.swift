import ChorusDialects
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import ChorusTransport

@Suite("Reading the agent's WebSocket frames in place")
struct WebSocketMessageReaderTests {
    /// Takes what the reader hands down the pipeline, and the error it raises.
    final class Capture: ChannelInboundHandler {
        typealias InboundIn = WebSocketMessage

        var messages: [WebSocketMessage] = []
        var errors: [String] = []
        /// Fired from the pipeline's head when the first message arrives, while the reader is still reading.
        var reentrant: ByteBuffer?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.messages.append(self.unwrapInboundIn(data))
            if let bytes = self.reentrant {
                self.reentrant = nil
                context.pipeline.fireChannelRead(NIOAny(bytes))
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.errors.append("\(error)")
        }
    }

    static func reader(limit: Int = 1 << 20) throws -> (EmbeddedChannel, Capture) {
        let capture = Capture()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(WebSocketMessageReader(maxMessageSize: limit), capture)
        return (channel, capture)
    }

    static func frame(_ opcode: WebSocketOpcode, fin: Bool = true, _ payload: [UInt8]) -> ByteBuffer {
        FragmentedMessageTests.frame(opcode, fin: fin, payload)
    }

    static func summary(_ messages: [WebSocketMessage]) -> [String] {
        messages.map { message in
            let hash = message.data.readableBytesView.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
            return "\(message.opcode) \(message.data.readableBytes) bytes, FNV-1a \(hash)"
        }
    }

    /// A stream of frames of every length class (7-bit, 16-bit and 64-bit lengths), some fragmented, with control
    /// frames between fragments; and the messages it carries.
    static func stream() -> (bytes: ByteBuffer, messages: [String]) {
        let short = [UInt8](repeating: 7, count: 125)
        let medium = (0..<640).map { UInt8(truncatingIfNeeded: $0) }
        let long = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var bytes = ByteBuffer()
        for var frame in [
            Self.frame(.binary, medium), Self.frame(.text, Array("hi".utf8)), Self.frame(.binary, []),
            Self.frame(.binary, fin: false, Array(long[..<66_000])), Self.frame(.ping, [1, 2]),
            Self.frame(.continuation, fin: false, []), Self.frame(.continuation, Array(long[66_000...])),
            Self.frame(.binary, short), Self.frame(.connectionClose, [0x03, 0xE8]),
        ] {
            bytes.writeBuffer(&frame)
        }
        let messages = [
            WebSocketMessage(opcode: .binary, data: ByteBuffer(bytes: medium)), .text("hi"), .binary([]),
            WebSocketMessage(opcode: .ping, data: ByteBuffer(bytes: [1, 2])), .binary(long), .binary(short),
            WebSocketMessage(opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])),
        ]
        return (bytes, Self.summary(messages))
    }

    @Test func framesInOneReadAreEachHandedOnWholeAndInOrder() throws {
        let (channel, capture) = try Self.reader()
        try channel.writeInbound(Self.stream().bytes)
        #expect(Self.summary(capture.messages) == Self.stream().messages)
        #expect(capture.errors.isEmpty)
    }

    @Test func aStreamCutAnywhereGivesTheSameMessages() throws {
        let (bytes, expected) = Self.stream()
        // Cut into two at every offset of the first 1,000 bytes and around the 64-bit-length frame's header, and
        // into reads of 1, 3 and 1,000 bytes.
        let headerAt = 640 + 2 + 4 + 2 + 2
        var cuts: [[Int]] = (0...1_000).map { [$0] } + (headerAt - 2...headerAt + 12).map { [$0] }
        for size in [1, 3, 1_000] { cuts.append(Array(stride(from: size, to: bytes.readableBytes, by: size))) }
        for offsets in cuts {
            let (channel, capture) = try Self.reader()
            var start = 0
            for end in offsets + [bytes.readableBytes] where end >= start {
                try channel.writeInbound(bytes.getSlice(at: start, length: end - start)!)
                start = end
            }
            #expect(Self.summary(capture.messages) == expected, "cut at \(offsets.prefix(3))…")
            #expect(capture.errors.isEmpty)
        }
    }

    @Test func aMessageInOneFrameIsASliceOfTheBufferItArrivedIn() throws {
        let (channel, capture) = try Self.reader()
        var read = ByteBuffer()
        for i in 0..<3 {
            var frame = Self.frame(.binary, [UInt8](repeating: UInt8(i), count: 640))
            read.writeBuffer(&frame)
        }
        try channel.writeInbound(read)
        #expect(capture.messages.count == 3)
        // Each payload reads from the read's own storage: its bytes are where the read put them.
        read.withUnsafeReadableBytes { wire in
            for (i, message) in capture.messages.enumerated() {
                message.data.withUnsafeReadableBytes { payload in
                    #expect(payload.baseAddress == wire.baseAddress! + 2 + 2 + i * (640 + 4), "message \(i) was copied")
                }
            }
        }
    }

    @Test func bytesArrivingWhileAReadIsHandedOnComeAfterIt() throws {
        let (channel, capture) = try Self.reader()
        var first = Self.frame(.text, Array("a".utf8))
        var second = Self.frame(.text, Array("b".utf8))
        var both = ByteBuffer()
        both.writeBuffer(&first)
        both.writeBuffer(&second)
        // Half of the third frame comes with the first two, the other half from within the first's delivery.
        var third = Self.frame(.text, Array("c".utf8))
        var head = third.readSlice(length: 1)!
        both.writeBuffer(&head)
        capture.reentrant = third
        try channel.writeInbound(both)
        #expect(capture.messages.map { String(buffer: $0.data) } == ["a", "b", "c"])
    }

    @Test(arguments: [
        ([0x82, 0x80, 1, 2, 3, 4], "agent sent a masked frame (a server must not mask, RFC 6455 §5.1)"),
        ([0xC2, 0x00], "agent frame has reserved bits set, but no extension was negotiated"),
        ([0x83, 0x00], "agent sent a frame with the reserved opcode 3"),
        ([0x8B, 0x00], "agent sent a frame with the reserved opcode 11"),
        ([0x09, 0x00], "agent sent a fragmented control frame"),
        ([0x89, 126, 0, 126], "agent sent a control frame of 126 bytes (at most 125)"),
        ([0x02, 0x01, 0, 0x82, 0x00], "agent started a new message before finishing its fragmented one"),
        ([0x80, 0x00], "agent sent a continuation frame outside a fragmented message"),
        ([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0], "agent frame longer than the 1 MiB message limit"),
    ] as [([UInt8], String)])
    func whatRFC6455ForbidsIsRefusedByName(bytes: [UInt8], error: String) throws {
        let (channel, capture) = try Self.reader()
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        #expect(capture.errors == [error])
        // Nothing after a refusal is read.
        try channel.writeInbound(Self.frame(.text, Array("late".utf8)))
        #expect(capture.messages.isEmpty)
        #expect(capture.errors.count == 1)
    }

    @Test func aMessageInMoreFragmentsThanAllowedIsRefused() throws {
        let (channel, capture) = try Self.reader()
        var bytes = Self.frame(.binary, fin: false, [1])
        for _ in 0..<WebSocketMessageReader.maxFragments {
            var empty = Self.frame(.continuation, fin: false, [])
            bytes.writeBuffer(&empty)
        }
        try channel.writeInbound(bytes)
        #expect(capture.errors == ["agent message in more than 65536 fragments (1 bytes so far)"])
    }
}
