/// The last N packets' transit times (arrival − media time), for the playout target. A ring sized at init.
struct DelayHistory: Sendable {
    private var values: [Int64]
    private var next = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.values = [Int64](repeating: 0, count: max(capacity, 1))
    }

    mutating func append(_ transitNs: Int64) {
        self.values[self.next] = transitNs
        self.next = (self.next + 1) % self.values.count
        self.count = min(self.count + 1, self.values.count)
    }

    mutating func removeAll() {
        self.next = 0
        self.count = 0
    }

    /// The `quantile` of relative delay: the nearest-rank quantile of the stored transits minus their minimum
    /// (the packet that came through fastest is the reference, as in NetEq's packet arrival history). 0 when empty.
    ///
    /// Sorts a stack copy, so it costs O(N²) for N ≤ a few hundred but never allocates; it runs at talk-spurt
    /// starts and when asked, not per packet.
    func spread(quantile: Double) -> Int64 {
        guard self.count > 0 else { return 0 }
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: self.count) { scratch in
            for i in 0..<self.count { scratch[i] = self.values[i] }
            for i in 1..<max(self.count, 1) {  // insertion sort
                let value = scratch[i]
                var j = i - 1
                while j >= 0 && scratch[j] > value {
                    scratch[j + 1] = scratch[j]
                    j -= 1
                }
                scratch[j + 1] = value
            }
            let rank = Int((quantile * Double(self.count) - 1e-9).rounded(.up)) - 1
            return scratch[min(max(rank, 0), self.count - 1)] - scratch[0]
        }
    }
}
