import NIOCore
import Testing

@testable import ChorusTransport

/// The loop's spare buffers for held copies.
@Suite("Buffer pool")
struct BufferPoolTests {
    static func address(_ buffer: ByteBuffer) -> UInt? {
        buffer.withUnsafeReadableBytes { $0.baseAddress.map { UInt(bitPattern: $0) } }
    }

    @Test func aCopySharesNothingAndARecycledBufferIsReused() {
        let pool = BufferPool()
        var original = ByteBuffer(bytes: [1, 2, 3, 4])
        let copy = pool.copy(of: original)
        #expect(Self.address(copy) != Self.address(original))
        original.setBytes([9, 9, 9, 9], at: original.readerIndex)
        #expect(Array(copy.readableBytesView) == [1, 2, 3, 4])

        let storage = Self.address(copy)
        pool.recycle(copy)
        _ = consume copy  // the unit was passed on: the pool holds the only reference
        #expect(pool.spareCount == 1)
        let again = pool.copy(of: ByteBuffer(bytes: [5, 6]))
        #expect(Self.address(again) == storage && Array(again.readableBytesView) == [5, 6] && pool.spareCount == 0)
    }

    @Test func aBufferSomeoneStillHoldsIsReplacedNotOverwritten() {
        let pool = BufferPool()
        let kept = pool.copy(of: ByteBuffer(bytes: [1, 2, 3]))  // e.g. a decoder keeping a partial frame
        pool.recycle(kept)
        let next = pool.copy(of: ByteBuffer(bytes: [7, 7, 7]))
        #expect(Array(kept.readableBytesView) == [1, 2, 3] && Array(next.readableBytesView) == [7, 7, 7])
        #expect(Self.address(next) != Self.address(kept))
    }

    @Test func itKeepsAtMostItsLimitAndNoLargeBuffers() {
        let pool = BufferPool(limit: 2, maxCapacity: 1_024)
        for _ in 0..<3 { pool.recycle(pool.copy(of: ByteBuffer(bytes: [1]))) }
        #expect(pool.spareCount == 1)
        let buffers = (0..<3).map { _ in pool.copy(of: ByteBuffer(bytes: [1])) }
        for buffer in buffers { pool.recycle(buffer) }
        #expect(pool.spareCount == 2)
        pool.recycle(ByteBuffer(repeating: 0, count: 2_048))
        #expect(pool.spareCount == 2)
        let big = BufferPool(limit: 2, maxCapacity: 1_024)
        big.recycle(big.copy(of: ByteBuffer(repeating: 0, count: 2_048)))
        #expect(big.spareCount == 0)
    }
}
