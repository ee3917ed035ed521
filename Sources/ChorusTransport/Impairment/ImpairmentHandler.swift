import ChorusNetwork
import NIOCore

/// Impairs both directions of one channel: put it next to the socket (`.first`, below TLS if any), so the caller
/// above it sees the network the link models.
///
/// Every outbound write goes through `up` and every inbound read through `down`, stamped with the loop's `now`:
/// a dropped unit goes nowhere, a unit due now passes straight on, and a unit due later (or, on a stream, behind
/// one held) is held on a `DelayLine` until its time, on the loop's shared `DelayScheduler`. Released outbound
/// units are written and flushed once per batch; released inbound units are delivered with `tap.heldDelivery` set
/// and followed by one `channelReadComplete` per batch. The `tap` tells the caller on the channel what the link did.
///
/// A held unit is a copy in a buffer from the loop's `BufferPool` (`scheduler.buffers`): holding the caller's
/// buffer would make its next in-place rewrite copy it (copy-on-write: an allocation per held packet), and holding
/// the socket's receive buffer would keep NIO from reusing it. Buffers go back to the pool once written or
/// delivered, so a steady stream allocates nothing per unit once the pool and heaps are warm. Confined to the
/// channel's event loop.
final class ImpairmentHandler<Inbound: LinkUnit, Outbound: LinkUnit>: ChannelDuplexHandler {
    typealias InboundIn = Inbound
    typealias InboundOut = Inbound
    typealias OutboundIn = Outbound
    typealias OutboundOut = Outbound

    /// Caller → agent: outbound writes.
    private(set) var up: LinkModel
    /// Agent → caller: inbound reads.
    private(set) var down: LinkModel
    /// What the link tells the caller on this channel.
    let tap: LinkTap
    private let scheduler: DelayScheduler
    private var context: ChannelHandlerContext?
    private var closed = false
    private var upLine: DelayLine<HeldUnit>?
    private var downLine: DelayLine<HeldUnit>?
    /// Buffers written in the release batch under way: back to the pool once flushed (the socket has taken them).
    private var written: [ByteBuffer] = []

    /// A handler that impairs writes with `up` and reads with `down`, holding units on `scheduler`'s loop.
    init(up: LinkModel, down: LinkModel, tap: LinkTap, scheduler: DelayScheduler) {
        self.up = up
        self.down = down
        self.tap = tap
        self.scheduler = scheduler
        self.tap.upStream = up.streamStats
        self.tap.downStream = down.streamStats
        self.written.reserveCapacity(64)
        self.upLine = DelayLine(
            scheduler: scheduler,
            release: { [weak self] held, _ in self?.releaseOutbound(held) },
            afterRelease: { [weak self] in self?.outboundBatchReleased() })
        self.downLine = DelayLine(
            scheduler: scheduler,
            release: { [weak self] held, dueNs in self?.releaseInbound(held, dueNs: dueNs) },
            afterRelease: { [weak self] in self?.context?.fireChannelReadComplete() })
    }

    /// Outbound units held.
    var heldOutbound: Int { self.upLine?.count ?? 0 }
    /// Inbound units held.
    var heldInbound: Int { self.downLine?.count ?? 0 }

    // MARK: - Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.dropHeld()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.dropHeld()
        context.fireChannelInactive()
    }

    /// Drops everything held and leaves the scheduler.
    private func dropHeld() {
        self.closed = true
        self.upLine?.cancel()
        self.downLine?.cancel()
        self.written.removeAll()
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !self.closed, let line = self.upLine else {
            context.write(data, promise: promise)
            return
        }
        let unit = self.unwrapOutboundIn(data)
        let nowNs = Int64(context.eventLoop.now.uptimeNanoseconds)
        let fate = self.up.fate(sendNs: nowNs, bytes: unit.linkBytes)
        if self.up.preservesOrder { self.tap.upStream = self.up.streamStats }
        switch fate {
        case .dropped:
            self.tap.lastOutboundDueNs = nil
            promise?.succeed(())
        case .deliver(let atNs, let duplicateAtNs):
            // A held unit leaves on the scheduler's grid: that, not the model's due time, is when it reaches the
            // agent, and what the end of speech's link delay must say.
            self.tap.lastOutboundDueNs = atNs > nowNs ? self.scheduler.releaseNs(dueNs: atNs) : atNs
            if let copyNs = duplicateAtNs { line.push(self.held(unit, nowNs), dueNs: copyNs) }
            if atNs > nowNs || (self.up.preservesOrder && line.count > 0) {
                line.push(self.held(unit, nowNs), dueNs: atNs)
                promise?.succeed(())
            } else {
                context.write(data, promise: promise)
            }
        }
    }

    private func releaseOutbound(_ held: HeldUnit) {
        guard let context = self.context else { return }
        context.write(held.unit, promise: nil)
        self.written.append(held.buffer)
    }

    private func outboundBatchReleased() {
        self.context?.flush()
        while let buffer = self.written.popLast() { self.scheduler.buffers.recycle(buffer) }
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.closed, let line = self.downLine else {
            context.fireChannelRead(data)
            return
        }
        let nowNs = Int64(context.eventLoop.now.uptimeNanoseconds)  // before anything else: the bytes are here now
        let unit = self.unwrapInboundIn(data)
        let fate = self.down.fate(sendNs: nowNs, bytes: unit.linkBytes)
        if self.down.preservesOrder { self.tap.downStream = self.down.streamStats }
        switch fate {
        case .dropped:
            return
        case .deliver(let atNs, let duplicateAtNs):
            if let copyNs = duplicateAtNs { line.push(self.held(unit, nowNs), dueNs: copyNs) }
            if atNs > nowNs || (self.down.preservesOrder && line.count > 0) {
                line.push(self.held(unit, nowNs), dueNs: atNs)
                return
            }
            context.fireChannelRead(data)
        }
    }

    private func releaseInbound(_ held: HeldUnit, dueNs: Int64) {
        guard let context = self.context else { return }
        self.tap.heldDelivery = (dueNs, dueNs - held.socketNs)
        context.fireChannelRead(held.unit)
        self.tap.heldDelivery = nil
        // The caller has read it; a caller that keeps it makes the next reuse copy, never share.
        self.scheduler.buffers.recycle(held.buffer)
    }

    // MARK: - Held copies

    /// `unit`, reached at `nowNs`, with its bytes copied into a buffer from the loop's pool.
    private func held<Unit: LinkUnit>(_ unit: Unit, _ nowNs: Int64) -> HeldUnit {
        let buffer = self.scheduler.buffers.copy(of: unit.linkPayload)
        return HeldUnit(unit: NIOAny(unit.replacingLinkPayload(with: buffer)), buffer: buffer, socketNs: nowNs)
    }
}

@available(*, unavailable)
extension ImpairmentHandler: Sendable {}
