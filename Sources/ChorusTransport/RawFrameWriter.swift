import ChorusSockets
import NIOCore

/// Sits next to the socket so a caller can write complete, pre-masked WebSocket frames without passing NIO's
/// frame encoder (which accepts only `WebSocketFrame`). Writes through its context keep the channel's order.
///
/// Given the connection's socket (plain `ws://` on a clean link: nothing between this handler and the socket), it
/// writes every frame, its own and those passing from above, with one `send(2)` each instead of through NIO's write
/// path, and keeps doing so while the kernel takes them whole. Once a write is short or refused for a full buffer,
/// the rest of it and everything after goes through NIO, which queues it in order: nothing written directly may
/// overtake bytes NIO holds. It sits below NIO's frame encoder, so what passes from above is bytes.
final class RawFrameWriter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var context: ChannelHandlerContext?
    /// The connection written directly; nil when writes go through NIO.
    private var direct: DirectStreamSocket?

    /// - Parameter direct: the connection's socket, when nothing sits between this handler and it.
    init(direct: DirectStreamSocket? = nil) {
        self.direct = direct
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Whether frames go to the socket directly (for tests).
    var writesDirectly: Bool { self.direct != nil }

    /// Writes one complete frame toward the socket (no flush).
    func write(_ frame: ByteBuffer) {
        guard let context = self.context else { return }
        self.write(frame, context: context, promise: nil)
    }

    /// Flushes the channel from next to the socket: a flush issued by the caller at the pipeline's end would walk
    /// every handler in between, once per frame. Nothing to do while frames go to the socket directly.
    func flush() {
        guard self.direct == nil else { return }
        self.context?.flush()
    }

    /// The channel has closed: NIO has closed the descriptor, whose number may already belong to another socket.
    func channelClosed() {
        self.direct = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Bytes from above (the dialect's control frames, the close frame) keep their place among the audio frames.
        guard self.direct != nil else {
            context.write(data, promise: promise)
            return
        }
        self.write(self.unwrapOutboundIn(data), context: context, promise: promise)
    }

    @inline(__always)
    private func write(_ bytes: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard let direct = self.direct else {
            context.write(NIOAny(bytes), promise: promise)
            return
        }
        switch direct.write(bytes) {
        case .written:
            promise?.succeed(())
        case .partial(let count):
            self.direct = nil
            context.write(NIOAny(bytes.getSlice(at: bytes.readerIndex + count, length: bytes.readableBytes - count)!), promise: promise)
        case .busy:
            self.direct = nil
            context.write(NIOAny(bytes), promise: promise)
        case .failed(let code):
            // As NIO does when a write fails: the connection is broken, so the channel closes.
            self.direct = nil
            promise?.fail(IOError(errnoCode: code, reason: "write"))
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension RawFrameWriter: Sendable {}
