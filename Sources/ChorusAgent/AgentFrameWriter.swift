import ChorusDialects
import NIOCore

/// Sits between the socket (or TLS) and NIO's WebSocket frame encoder so a session can write reply frames as
/// pre-built byte slices: no encoding, copy or allocation per frame. Frames written through the encoder pass
/// through it, so the channel's write order is kept.
///
/// With `fragmentBytes` set, every data message from either path leaves as continuation frames of at most that
/// many payload bytes (`ServerFrameFragmenter`), for testing callers against fragmenting agents.
final class AgentFrameWriter: ChannelOutboundHandler, RemovableChannelHandler, ServerFrameWriter {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?
    private var fragmenter: ServerFrameFragmenter?

    init(fragmentBytes: Int? = nil) {
        self.fragmenter = fragmentBytes.map { ServerFrameFragmenter(maxPayload: $0) }
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes bytes that are (part of) complete WebSocket frames toward the socket, without flushing.
    func write(_ bytes: ByteBuffer) {
        guard let context = self.context else { return }
        self.forward(bytes, context: context, promise: nil)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard self.fragmenter != nil else {
            context.write(data, promise: promise)
            return
        }
        self.forward(self.unwrapOutboundIn(data), context: context, promise: promise)
    }

    private func forward(_ bytes: ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard self.fragmenter != nil else {
            context.write(NIOAny(bytes), promise: promise)
            return
        }
        let headers = 1 + bytes.readableBytes / self.fragmenter!.maxPayload
        var out = context.channel.allocator.buffer(capacity: bytes.readableBytes + 14 * headers)
        self.fragmenter!.process(bytes, into: &out)
        // Written even when empty (all of it a held-back piece of a header), so the promise is kept.
        context.write(self.wrapOutboundOut(out), promise: promise)
    }
}

@available(*, unavailable)
extension AgentFrameWriter: Sendable {}
