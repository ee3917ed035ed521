import NIOCore
import NIOWebSocket

/// Sits between NIO's frame decoder and `NIOWebSocketFrameAggregator` on a caller's pipeline and holds agent
/// messages to a size limit, so that an over-limit message fails the call with an error naming its size and the
/// limit (the aggregator's own errors name neither). Control frames pass untouched, including those between the
/// fragments of a message (RFC 6455 §5.4).
///
/// Confined to its channel's event loop.
final class WebSocketMessageLimit: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    /// Why an agent message was refused: too large, in too many fragments, or fragmented against RFC 6455 §5.4.
    /// Its description goes into `sessions.error`.
    struct Refused: Error, CustomStringConvertible, Equatable {
        var description: String
    }

    /// Fragments of one message the aggregator buffers at most. It also bounds memory: an empty fragment
    /// still costs a buffered frame.
    static let maxFragments = 1 << 16

    private let limit: Int
    /// Bytes and fragments of the fragmented message in progress; nil between messages.
    private var bytes: Int?
    private var fragments = 0
    private var failed = false

    init(maxMessageSize: Int) {
        self.limit = maxMessageSize
    }

    /// The handlers that reassemble agent messages under `maxMessageSize`, in pipeline order, to add after NIO's
    /// frame decoder (whose `maxFrameSize` should be the same limit).
    static func handlers(maxMessageSize: Int) -> [any ChannelHandler] {
        [
            WebSocketMessageLimit(maxMessageSize: maxMessageSize),
            // Every limit is checked in front of the aggregator, with errors that say which; its own are a backstop.
            NIOWebSocketFrameAggregator(
                minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: Self.maxFragments + 1,
                maxAccumulatedFrameSize: maxMessageSize),
        ]
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = self.unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            guard !self.failed else { return }
            if let error = self.account(frame) {
                // The rest of the message is dropped: the caller closes the connection on the error.
                self.failed = true
                self.bytes = nil
                context.fireErrorCaught(error)
                return
            }
        default:
            break
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? NIOWebSocketError, error == .invalidFrameLength {
            // The decoder read only the header: the frame's payload alone is over the limit.
            context.fireErrorCaught(Refused(description: "agent frame longer than the \(Self.size(self.limit)) message limit"))
        } else {
            context.fireErrorCaught(error)
        }
    }

    /// Adds `frame` to the message in progress; the error that ends the call, if any.
    private func account(_ frame: WebSocketFrame) -> (any Error)? {
        if frame.opcode == .continuation {
            guard let bytes = self.bytes else {
                return Refused(description: "agent sent a continuation frame outside a fragmented message")
            }
            self.bytes = bytes + frame.length
            self.fragments += 1
        } else {
            guard self.bytes == nil else {
                return Refused(description: "agent started a new message before finishing its fragmented one")
            }
            guard !frame.fin else { return nil }  // whole; the decoder has checked its length
            self.bytes = frame.length
            self.fragments = 1
        }
        let bytes = self.bytes!
        if bytes > self.limit {
            // Counted up to this fragment: the rest of the message is never read.
            return Refused(description: "agent message of \(bytes) bytes exceeds the \(Self.size(self.limit)) limit")
        }
        if self.fragments > Self.maxFragments {
            return Refused(description: "agent message in more than \(Self.maxFragments) fragments (\(bytes) bytes so far)")
        }
        if frame.fin { self.bytes = nil }
        return nil
    }

    /// `16 MiB`, `64 KiB` or `1000-byte`, to follow "the".
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes)-byte"
    }
}

@available(*, unavailable)
extension WebSocketMessageLimit: Sendable {}
