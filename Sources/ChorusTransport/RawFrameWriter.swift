import NIOCore

/// Sits next to the socket so a caller can write complete, pre-masked WebSocket frames without passing NIO's
/// frame encoder (which accepts only `WebSocketFrame`). Writes through its context keep the channel's order.
final class RawFrameWriter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes one complete frame toward the socket (no flush).
    func write(_ frame: ByteBuffer) {
        self.context?.write(NIOAny(frame), promise: nil)
    }

    /// Flushes the channel from next to the socket: a flush issued by the caller at the pipeline's end would walk
    /// every handler in between, once per frame.
    func flush() {
        self.context?.flush()
    }
}

@available(*, unavailable)
extension RawFrameWriter: Sendable {}
