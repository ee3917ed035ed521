/// A session-level (cluster) bootstrap of the difference of one statistic between two runs.
///
/// Turns of one session are correlated (same connection, same network draw), so resampling turns one by one would
/// understate the uncertainty. Each resample draws whole sessions with replacement from each run independently,
/// pools their values and computes the statistic on the pool; the interval is the percentile interval of the
/// differences (candidate − baseline). A fixed seed makes the interval, and with it every verdict, reproducible.
public struct ClusterBootstrap: Sendable {
    /// A statistic of pooled values.
    public enum Statistic: Sendable, Hashable {
        /// Hyndman–Fan type 7 percentile, 0–100 (`LatencySummary.percentile`).
        case percentile(Double)
        /// The arithmetic mean (a rate, for 0/1 values times 100).
        case mean
    }

    /// The difference of the statistic with its interval.
    public struct Interval: Sendable, Hashable {
        /// Statistic of the candidate minus statistic of the baseline, on the full samples.
        public var estimate: Double
        public var low: Double
        public var high: Double
    }

    /// Resamples drawn (≥ 2,000 for a gate).
    public var resamples: Int
    /// Two-sided confidence of the interval, e.g. 0.95.
    public var confidence: Double
    /// Seeds the resampling.
    public var seed: UInt64

    public init(resamples: Int = 2000, confidence: Double = 0.95, seed: UInt64 = 1) {
        self.resamples = resamples
        self.confidence = confidence
        self.seed = seed
    }

    /// The interval of `statistic(candidate) − statistic(baseline)`.
    /// - Parameters:
    ///   - baseline: the baseline run's values, one array per session; sessions with none are left out.
    ///   - candidate: the run's values, one array per session.
    /// - Returns: nil when either side has no value.
    public func difference(baseline: [[Double]], candidate: [[Double]], statistic: Statistic) -> Interval? {
        let a = baseline.filter { !$0.isEmpty }, b = candidate.filter { !$0.isEmpty }
        guard !a.isEmpty, !b.isEmpty else { return nil }
        var pool: [Double] = []
        pool.reserveCapacity(Swift.max(a.map(\.count).reduce(0, +), b.map(\.count).reduce(0, +)) * 2)
        guard let full = Self.value(Array(b.joined()), statistic, pool: &pool).flatMap({ vb in
            Self.value(Array(a.joined()), statistic, pool: &pool).map { vb - $0 }
        }) else { return nil }
        var rng = SplitMix64(seed: self.seed)
        var deltas: [Double] = []
        deltas.reserveCapacity(self.resamples)
        for _ in 0..<self.resamples {
            guard let vb = Self.resampled(b, statistic, rng: &rng, pool: &pool),
                let va = Self.resampled(a, statistic, rng: &rng, pool: &pool)
            else { continue }
            deltas.append(vb - va)
        }
        deltas.sort()
        let tail = (1 - self.confidence) / 2 * 100
        guard let low = LatencySummary.percentile(deltas, tail), let high = LatencySummary.percentile(deltas, 100 - tail)
        else { return nil }
        return Interval(estimate: full, low: low, high: high)
    }

    /// The statistic of one resample of `clusters`: as many sessions as there are, drawn with replacement.
    private static func resampled(
        _ clusters: [[Double]], _ statistic: Statistic, rng: inout SplitMix64, pool: inout [Double]
    ) -> Double? {
        pool.removeAll(keepingCapacity: true)
        for _ in 0..<clusters.count {
            pool.append(contentsOf: clusters[Int.random(in: 0..<clusters.count, using: &rng)])
        }
        return Self.statistic(of: &pool, statistic)
    }

    private static func value(_ values: [Double], _ statistic: Statistic, pool: inout [Double]) -> Double? {
        pool.removeAll(keepingCapacity: true)
        pool.append(contentsOf: values)
        return Self.statistic(of: &pool, statistic)
    }

    /// The statistic of `values`, which it may reorder.
    public static func statistic(of values: inout [Double], _ statistic: Statistic) -> Double? {
        guard !values.isEmpty else { return nil }
        switch statistic {
        case .mean:
            return values.reduce(0, +) / Double(values.count)
        case .percentile(let p):
            values.sort()
            return LatencySummary.percentile(values, p)
        }
    }
}
