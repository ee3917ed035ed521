import Testing

@testable import ChorusTransport

/// The heap under the delay lines and the scheduler.
@Suite("Delay heap")
struct DelayHeapTests {
    /// Pushes `count` elements with due times from a fixed pseudo-random sequence (many ties).
    static func filled(_ count: Int) -> (heap: DelayHeap<Int>, dues: [Int64]) {
        var heap = DelayHeap<Int>(capacity: 4)
        var state: UInt64 = 12345
        var dues: [Int64] = []
        for i in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let due = Int64(state >> 58)  // 0..<64
            dues.append(due)
            #expect(heap.push(i, dueNs: due) == UInt64(i + 1))
        }
        return (heap, dues)
    }

    @Test func itPopsByDueTimeThenPushOrderAndOnlyWhatIsDue() {
        var (heap, dues) = Self.filled(1_000)
        #expect(heap.popDue(nowNs: -1) == nil && heap.count == 1_000)
        var popped: [Int] = []
        for now in stride(from: Int64(0), through: 64, by: 8) {
            while let due = heap.popDue(nowNs: now) {
                #expect(due.dueNs <= now && due.dueNs == dues[due.element] && due.order == UInt64(due.element + 1))
                popped.append(due.element)
            }
            #expect(heap.firstDueNs.map { $0 > now } ?? true)
        }
        #expect(popped == (0..<1_000).sorted { (dues[$0], $0) < (dues[$1], $1) })
        #expect(heap.count == 0 && heap.firstDueNs == nil)
    }

    @Test func removingSomeKeepsTheOrderOfTheRest() {
        var (heap, dues) = Self.filled(500)
        heap.removeAll { $0 % 3 == 0 }
        #expect(heap.count == (0..<500).filter { $0 % 3 != 0 }.count)
        var popped: [Int] = []
        while let due = heap.popDue(nowNs: .max) { popped.append(due.element) }
        #expect(popped == (0..<500).filter { $0 % 3 != 0 }.sorted { (dues[$0], $0) < (dues[$1], $1) })
        heap.push(7, dueNs: 3)
        heap.removeAll()
        #expect(heap.count == 0)
    }
}
