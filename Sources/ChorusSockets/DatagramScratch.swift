import NIOCore

/// Reused buffers for datagrams, taken in turn: packets are built, sealed or decrypted in them. Callers share one set
/// per event loop; a handler given none makes a set of its own.
///
/// A datagram written to a NIO channel stays queued, holding its `ByteBuffer`, until the next flush; a sender that
/// reused one buffer would find it still shared at its second write before a flush (a late wake-up sends its
/// backlog that way) and `clear()` would copy it, an allocation per packet. With `count` buffers in turn, a burst
/// of up to `count` packets between flushes reuses storage that has already gone to the kernel.
///
/// Shared by the calls of one loop, the few buffers stay in the CPU's cache: a set per call (16 buffers of 2 KB)
/// made every packet write to memory last touched 1,000 calls ago. A buffer is only ever filled, handed to the
/// channel or the handler above, and flushed or read before the loop moves on, so calls never see each other's
/// bytes; one still held somewhere is copied by `clear()`, never overwritten.
///
/// Confined to one event loop.
public final class DatagramScratch {
    private var buffers: [ByteBuffer]
    private var next = 0

    /// `count` buffers of `capacity` bytes each, allocated now.
    public init(count: Int = 16, capacity: Int) {
        self.buffers = (0..<max(1, count)).map { _ in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(capacity)
            return buffer
        }
    }

    /// The next buffer in turn, cleared, for `fill` to write one packet into; returns the filled buffer (a
    /// reference to the same storage) for the channel.
    @inline(__always)
    public func fill(_ fill: (inout ByteBuffer) -> Void) -> ByteBuffer {
        let index = self.next
        self.next = index + 1 == self.buffers.count ? 0 : index + 1
        self.buffers[index].clear()
        fill(&self.buffers[index])
        return self.buffers[index]
    }
}

@available(*, unavailable)
extension DatagramScratch: Sendable {}
