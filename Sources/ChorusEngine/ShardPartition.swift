import ChorusCore

/// Which part of a scenario one shard of a distributed run plays (docs/distributed.md). Pure, so the partition's
/// properties are tested without running anything.
///
/// Shard `index` of `count` runs the caller slots `k` with `k mod count == index`, an open model's arrival rate
/// split by largest remainder (the shards' rates add up to the whole), `load.max_concurrency` split the same way,
/// and draws its random choices from a seed derived from the run's seed and its index. `whole` (0 of 1) is an
/// unsharded run: every slot, the whole rate and the run's own seed.
public struct ShardPartition: Sendable, Hashable, CustomStringConvertible {
    /// This shard, 0-based.
    public let index: Int
    /// How many shards the run has; at least 1.
    public let count: Int

    /// An unsharded run.
    public static let whole = ShardPartition(uncheckedIndex: 0, count: 1)

    /// Shard `index` of `count`; nil unless `0 <= index < count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// True for an unsharded run.
    public var isWhole: Bool { self.count == 1 }

    /// `shard 1 of 3`.
    public var description: String { "shard \(self.index) of \(self.count)" }

    // MARK: - Callers

    /// Whether caller slot `slot` (0-based, numbered over the whole run) belongs to this shard.
    public func owns(slot: Int) -> Bool { slot % self.count == self.index }

    /// The slots of `0..<total` this shard runs, ascending.
    public func slots(of total: Int) -> StrideTo<Int> { stride(from: self.index, to: max(total, self.index), by: self.count) }

    /// How many of `total` slots this shard runs: ⌈(total − index) / count⌉, so shards differ by at most one.
    public func slotCount(of total: Int) -> Int { total > self.index ? (total - self.index - 1) / self.count + 1 : 0 }

    /// The run-wide slot number of this shard's `local`-th session of an open model (local × count + index), so
    /// merged shards never repeat a caller number.
    public func globalSlot(local: Int) -> Int { local * self.count + self.index }

    // MARK: - Open-model rates and caps

    /// The smallest rate step the split keeps exactly: one millionth of a session per second.
    public static let rateQuantum = 1e-6

    /// This shard's share of an open model's arrival rate (sessions per second).
    ///
    /// The rate is counted in `rateQuantum` steps and the steps are split by largest remainder, so the shares of
    /// all shards add up to the whole rate (to a millionth of a session per second) and differ by at most one step.
    public func share(ofRate rate: Double) -> Double {
        let units = Int((rate / Self.rateQuantum).rounded())
        return Double(Self.apportion(units, among: self.count)[self.index]) * Self.rateQuantum
    }

    /// This shard's share of an integer cap (`load.max_concurrency`), by largest remainder; at least 1 when the cap
    /// is positive, so no shard is left unable to start anything.
    public func share(ofCap cap: Int) -> Int {
        max(cap > 0 ? 1 : 0, Self.apportion(cap, among: self.count)[self.index])
    }

    /// Splits `total` whole units among `parts` equal claimants by the largest-remainder (Hamilton) method:
    /// everyone gets ⌊total / parts⌋, and the units left over go one each to the first claimants (equal claims
    /// have equal remainders; ties go to the lowest index). The result adds up to `total` exactly.
    public static func apportion(_ total: Int, among parts: Int) -> [Int] {
        precondition(parts >= 1, "apportion among at least one part")
        let total = max(0, total)
        let base = total / parts
        let left = total % parts
        return (0..<parts).map { base + ($0 < left ? 1 : 0) }
    }

    // MARK: - Seeds

    /// The seed this shard draws its random choices from: the run's seed itself for an unsharded run, otherwise a
    /// SplitMix64 hash of the run's seed and the shard index (so shards do not repeat each other's think times,
    /// clips or Poisson gaps, and the same run seed gives the same shards).
    public func seed(runSeed: UInt64) -> UInt64 {
        guard !self.isWhole else { return runSeed }
        var mix = SplitMix64(seed: runSeed ^ (UInt64(self.index) &* 0xD1B5_4A32_D192_ED03))
        return mix.next()
    }
}
