import NIOCore

/// Spare buffers for the copies that delay lines hold, shared by every impaired channel on a loop.
///
/// A held unit is copied into a buffer from here and the buffer comes back once the unit is passed on, so a
/// steady stream allocates nothing per unit. One pool per loop rather than per channel: how many units a channel
/// holds at once has a long tail (a TCP timeout holds back every frame behind the lost one), so each channel's
/// own peak keeps growing long after the loop's total has settled (100 TCP links with a pool each still allocated
/// 0.06 times per unit after 3 s; with this one, none after 1 s), and the spares a burst leaves behind serve the
/// next burst on any channel instead of staying with one call. Confined to its loop.
final class BufferPool {
    /// Spare buffers kept at most.
    let limit: Int
    /// Larger buffers (a big TCP read) are not kept: a pool of them would pin their size.
    let maxCapacity: Int
    private var spare: [ByteBuffer] = []
    private let allocator = ByteBufferAllocator()

    /// A pool keeping up to `limit` spare buffers of at most `maxCapacity` bytes.
    init(limit: Int = 4_096, maxCapacity: Int = 4_096) {
        self.limit = limit
        self.maxCapacity = maxCapacity
    }

    /// Spare buffers now.
    var spareCount: Int { self.spare.count }

    /// A buffer holding a copy of the readable bytes of `bytes`, shared with nothing.
    func copy(of bytes: ByteBuffer) -> ByteBuffer {
        var buffer = self.spare.popLast() ?? self.allocator.buffer(capacity: max(bytes.readableBytes, 256))
        // A buffer someone still holds (a decoder keeping a partial frame) is replaced here, never overwritten.
        buffer.clear()
        buffer.writeImmutableBuffer(bytes)
        return buffer
    }

    /// Takes back a buffer whose unit the link has passed on.
    func recycle(_ buffer: ByteBuffer) {
        if self.spare.count < self.limit && buffer.capacity <= self.maxCapacity { self.spare.append(buffer) }
    }
}

@available(*, unavailable)
extension BufferPool: Sendable {}
