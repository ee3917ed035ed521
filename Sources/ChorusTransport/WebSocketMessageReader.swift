import ChorusDialects
import NIOCore
import NIOWebSocket

/// Reads the agent's WebSocket frames in place from the bytes the connection delivers, and hands on whole messages
/// and control frames (`WebSocketMessage`) under a size limit, straight to the call (`receiver`) or else down the
/// pipeline.
///
/// It stands in for NIO's frame decoder, a size check and NIO's frame aggregator, which took three pipeline passes
/// and a `WebSocketFrame` (a heap object) per frame. A message sent in one frame, as agents send their audio, is a
/// slice of the buffer it arrived in: no copy, no allocation. Fragments are joined into one buffer (RFC 6455 §5.4),
/// with control frames between them handed on at once. A frame cut across reads waits for the rest of its bytes.
///
/// Every framing error fails the call with an error naming what was wrong (and, for a message over the limit, its
/// size and the limit); nothing after it is read. Confined to its channel's event loop.
final class WebSocketMessageReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = WebSocketMessage

    /// Why the agent's bytes were refused. Its description goes into `sessions.error`.
    struct Refused: Error, CustomStringConvertible, Equatable {
        var description: String
    }

    /// Fragments of one message joined at most: each costs bookkeeping even when empty.
    static let maxFragments = 1 << 16

    /// Where messages go without passing the pipeline; nil sends them down it. Dropped when the channel closes.
    var receiver: (any WebSocketMessageReceiver)?

    private let limit: Int
    /// Bytes that arrived but do not yet complete a frame, in order.
    private var pending: ByteBuffer?
    /// The fragmented message being joined and its opcode; nil between messages.
    private var message: ByteBuffer?
    private var messageOpcode = WebSocketOpcode.binary
    private var fragments = 0
    /// Inside `channelRead`: bytes arriving meanwhile (a handler below firing from within) wait in `pending`.
    private var reading = false
    private var failed = false

    /// - Parameter maxMessageSize: the largest message, whole or in fragments, the agent may send.
    init(maxMessageSize: Int) {
        self.limit = maxMessageSize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.failed else { return }
        var incoming = self.unwrapInboundIn(data)
        self.append(&incoming)
        guard !self.reading else { return }
        self.reading = true
        defer { self.reading = false }
        // What is left unread, with what arrives while frames are handed on appended in order.
        var unread: ByteBuffer?
        while var arrived = self.pending {
            self.pending = nil
            if var buffer = unread {
                unread = nil  // one owner, so appending does not copy
                buffer.writeBuffer(&arrived)
                arrived = buffer
            }
            self.readFrames(&arrived, context: context)
            guard !self.failed else {
                self.pending = nil
                return
            }
            unread = arrived
        }
        if var buffer = unread, buffer.readableBytes > 0 {
            unread = nil
            buffer.discardReadBytes()
            self.pending = buffer
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        context.fireChannelInactive()
        self.receiver = nil
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.receiver = nil
    }

    private func append(_ bytes: inout ByteBuffer) {
        if self.pending == nil {
            self.pending = bytes
        } else {
            self.pending!.writeBuffer(&bytes)
        }
    }

    /// Reads every complete frame at the front of `buffer`, leaving an incomplete one's bytes unread.
    private func readFrames(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        while !self.failed {
            switch self.nextFrame(&buffer) {
            case .incomplete:
                return
            case .refused(let reason):
                self.fail(reason, context: context)
            case .frame(let fin, let opcode, let payload):
                self.take(fin: fin, opcode: opcode, payload: payload, context: context)
            }
        }
    }

    private enum Frame {
        case frame(fin: Bool, opcode: UInt8, payload: ByteBuffer)
        case incomplete
        case refused(String)
    }

    /// The frame at the front of `buffer` (RFC 6455 §5.2), read past when complete. Its header is checked as soon as
    /// it is in: a frame over the limit is refused before its payload arrives.
    @inline(__always)
    private func nextFrame(_ buffer: inout ByteBuffer) -> Frame {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self),
            let second = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return .incomplete }
        var headerLength = 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let word = buffer.getInteger(at: start + 2, as: UInt16.self) else { return .incomplete }
            length = Int(word)
            headerLength = 4
        } else if length == 127 {
            guard let word = buffer.getInteger(at: start + 2, as: UInt64.self) else { return .incomplete }
            guard word <= UInt64(self.limit) else { return .refused(self.tooLong) }
            length = Int(word)
            headerLength = 10
        }
        let opcode = first & 0x0F
        if let problem = Self.headerProblem(first: first, second: second, opcode: opcode, length: length) {
            return .refused(problem)
        }
        guard length <= self.limit else { return .refused(self.tooLong) }
        guard buffer.readableBytes >= headerLength + length else { return .incomplete }
        buffer.moveReaderIndex(forwardBy: headerLength)
        return .frame(fin: first & 0x80 != 0, opcode: opcode, payload: buffer.readSlice(length: length)!)
    }

    private var tooLong: String { "agent frame longer than the \(Self.size(self.limit)) message limit" }

    /// What RFC 6455 forbids in a frame from the server, from its first two bytes.
    private static func headerProblem(first: UInt8, second: UInt8, opcode: UInt8, length: Int) -> String? {
        if second & 0x80 != 0 { return "agent sent a masked frame (a server must not mask, RFC 6455 §5.1)" }
        if first & 0x70 != 0 { return "agent frame has reserved bits set, but no extension was negotiated" }
        switch opcode {
        case 0x0, 0x1, 0x2:
            return nil
        case 0x8, 0x9, 0xA:
            if first & 0x80 == 0 { return "agent sent a fragmented control frame" }
            if length > 125 { return "agent sent a control frame of \(length) bytes (at most 125)" }
            return nil
        default:
            return "agent sent a frame with the reserved opcode \(opcode)"
        }
    }

    /// Hands on a control frame or a whole message, or adds a fragment to the message being joined.
    @inline(__always)
    private func take(fin: Bool, opcode: UInt8, payload: ByteBuffer, context: ChannelHandlerContext) {
        switch opcode {
        case 0x1, 0x2:
            let kind: WebSocketOpcode = opcode == 0x1 ? .text : .binary
            guard self.message == nil else {
                return self.fail("agent started a new message before finishing its fragmented one", context: context)
            }
            if fin { return self.deliver(WebSocketMessage(opcode: kind, data: payload), context: context) }
            self.message = payload
            self.messageOpcode = kind
            self.fragments = 1
        case 0x0:
            guard var message = self.message else {
                return self.fail("agent sent a continuation frame outside a fragmented message", context: context)
            }
            self.message = nil
            let bytes = message.readableBytes + payload.readableBytes
            self.fragments += 1
            if bytes > self.limit {
                // Counted up to this fragment: the rest of the message is never read.
                return self.fail(
                    "agent message of \(bytes) bytes exceeds the \(Self.size(self.limit)) limit", context: context)
            }
            if self.fragments > Self.maxFragments {
                return self.fail(
                    "agent message in more than \(Self.maxFragments) fragments (\(bytes) bytes so far)", context: context)
            }
            var fragment = payload
            message.writeBuffer(&fragment)
            if fin {
                self.deliver(WebSocketMessage(opcode: self.messageOpcode, data: message), context: context)
            } else {
                self.message = message
            }
        default:
            self.deliver(WebSocketMessage(opcode: WebSocketOpcode(encodedWebSocketOpcode: opcode)!, data: payload), context: context)
        }
    }

    @inline(__always)
    private func deliver(_ message: WebSocketMessage, context: ChannelHandlerContext) {
        if let receiver = self.receiver {
            receiver.receiveMessage(message)
        } else {
            context.fireChannelRead(self.wrapInboundOut(message))
        }
    }

    /// Ends reading: the call fails on the error and closes the connection.
    private func fail(_ reason: String, context: ChannelHandlerContext) {
        self.failed = true
        self.message = nil
        context.fireErrorCaught(Refused(description: reason))
    }

    /// `16 MiB`, `64 KiB` or `1000-byte`, to follow "the".
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes)-byte"
    }
}

@available(*, unavailable)
extension WebSocketMessageReader: Sendable {}

/// What takes the agent's messages from `WebSocketMessageReader` directly, past the pipeline: the call.
protocol WebSocketMessageReceiver: AnyObject {
    /// One whole message or control frame, on the channel's event loop, as it was read.
    func receiveMessage(_ message: WebSocketMessage)
}
