/// Which 1 ms slot of the 20 ms frame period each caller of a loop sends in.
///
/// A loop wakes once per occupied slot per period, and a wake-up costs more than the frame it sends (about
/// 12 µs), so slots fill up before new ones open: a slot opens for every `callersPerSlot` callers, in an order
/// that keeps the open slots evenly spread over the period. Five callers wake their loop 50 times a second, a
/// hundred 500 times, a thousand or more 1,000 times (every slot). Each caller still sends on its own absolute grid.
struct PacerSlots {
    static let count = 20
    /// Callers a slot takes before the next slot opens.
    static let callersPerSlot = 10
    /// The order slots open in: each new slot falls in the middle of one of the largest gaps.
    static let openingOrder = [0, 10, 5, 15, 2, 12, 7, 17, 1, 11, 6, 16, 3, 13, 8, 18, 4, 14, 9, 19]

    /// Callers in each slot.
    private(set) var occupancy = [Int](repeating: 0, count: PacerSlots.count)
    private(set) var members = 0

    /// Chooses the slot for a new caller: the least occupied open slot, the earliest opened on a tie.
    mutating func assign() -> Int {
        let open = min(Self.count, self.members / Self.callersPerSlot + 1)
        var best = Self.openingOrder[0]
        for slot in Self.openingOrder.prefix(open) where self.occupancy[slot] < self.occupancy[best] {
            best = slot
        }
        self.occupancy[best] += 1
        self.members += 1
        return best
    }

    /// Frees a caller's place in `slot`.
    mutating func release(_ slot: Int) {
        precondition(self.occupancy[slot] > 0, "slot \(slot) has no caller to release")
        self.occupancy[slot] -= 1
        self.members -= 1
    }

    /// The first tick at or after `tick` whose slot has callers (tick t is slot t mod 20); `tick` itself when
    /// no slot has any.
    func nextOccupied(from tick: Int64) -> Int64 {
        for step in 0..<Int64(Self.count) where self.occupancy[Int((tick + step) % Int64(Self.count))] > 0 {
            return tick + step
        }
        return tick
    }
}
