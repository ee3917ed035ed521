/// A fixed-size log-linear histogram of non-negative integer values (microseconds, say), for the hot path.
///
/// Values below 1,024 are counted exactly; above that, each power-of-two range is cut into 512 equal buckets, so
/// any recorded value is known to within 0.2 %. Recording is a few integer operations and never allocates; the
/// storage (about 28 KB) is allocated once at init. Merging and percentile queries are for the once-a-second monitor.
public struct LatencyHistogram: Sendable, Hashable {
    private static let subBucketBits = 9
    private static let subBuckets = 1 << subBucketBits  // 512
    private static let exactLimit: UInt64 = UInt64(subBuckets) * 2  // values below are counted exactly
    private static let bucketCount = Int(exactLimit) + (64 - subBucketBits - 1) * subBuckets

    private var counts: [UInt64]
    /// How many values were recorded.
    public private(set) var count: UInt64 = 0
    /// The largest value recorded (exact).
    public private(set) var max: UInt64 = 0

    public init() {
        self.counts = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    /// Counts one value; negative values count as zero.
    @inlinable
    public mutating func record(_ value: Int64) {
        self.record(UInt64(Swift.max(0, value)))
    }

    /// Counts one value.
    public mutating func record(_ value: UInt64) {
        self.counts[Self.index(of: value)] &+= 1
        self.count &+= 1
        if value > self.max { self.max = value }
    }

    /// Adds every value counted by `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        for i in 0..<self.counts.count where other.counts[i] != 0 {
            self.counts[i] &+= other.counts[i]
        }
        self.count &+= other.count
        self.max = Swift.max(self.max, other.max)
    }

    /// Forgets everything recorded, keeping the storage.
    public mutating func reset() {
        for i in 0..<self.counts.count { self.counts[i] = 0 }
        self.count = 0
        self.max = 0
    }

    /// The smallest bucket upper bound below which `percent` (0–100) of the values lie; 0 when empty.
    public func value(atPercentile percent: Double) -> UInt64 {
        guard self.count > 0 else { return 0 }
        let target = UInt64((Swift.min(100, Swift.max(0, percent)) / 100 * Double(self.count)).rounded(.up))
        var seen: UInt64 = 0
        for i in 0..<self.counts.count {
            seen += self.counts[i]
            if seen >= Swift.max(1, target) { return Swift.min(Self.upperBound(of: i), self.max) }
        }
        return self.max
    }

    static func index(of value: UInt64) -> Int {
        if value < exactLimit { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount  // ≥ subBucketBits + 1
        let shift = magnitude - subBucketBits
        let sub = Int((value >> UInt64(shift)) & UInt64(subBuckets - 1))
        return Int(exactLimit) + (magnitude - subBucketBits - 1) * subBuckets + sub
    }

    static func upperBound(of index: Int) -> UInt64 {
        if index < Int(exactLimit) { return UInt64(index) }
        let rel = index - Int(exactLimit)
        let magnitude = rel / subBuckets + subBucketBits + 1
        let sub = UInt64(rel % subBuckets)
        let shift = UInt64(magnitude - subBucketBits)
        return ((UInt64(1) << UInt64(subBucketBits)) | sub) << shift | ((UInt64(1) << shift) - 1)
    }
}
