/// Order statistics of a sample of latencies: what every report table shows.
///
/// Percentiles use linear interpolation between closest ranks (Hyndman–Fan type 7, numpy's default), so a
/// p95 of 20 values is neither the 19th nor the 20th value but between them.
public struct LatencySummary: Sendable, Codable, Hashable {
    public var count: Int
    public var min: Double?
    public var mean: Double?
    public var p50: Double?
    public var p90: Double?
    public var p95: Double?
    public var p99: Double?
    public var max: Double?

    /// Summarises `values`; NaN values are ignored.
    public init(_ values: [Double]) {
        let sorted = values.filter { !$0.isNaN }.sorted()
        self.count = sorted.count
        self.min = sorted.first
        self.max = sorted.last
        self.mean = sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
        self.p50 = Self.percentile(sorted, 50)
        self.p90 = Self.percentile(sorted, 90)
        self.p95 = Self.percentile(sorted, 95)
        self.p99 = Self.percentile(sorted, 99)
    }

    /// The `p`-th percentile (0–100) of an ascending array; nil when it is empty.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Swift.max(0, Swift.min(1, p / 100)) * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = rank - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// Looks a statistic up by the name thresholds use (`p50`, `p95`, `max`, `mean`, …).
    public func value(named name: String) -> Double? {
        switch name {
        case "min": return self.min
        case "mean", "avg": return self.mean
        case "p50", "median": return self.p50
        case "p90": return self.p90
        case "p95": return self.p95
        case "p99": return self.p99
        case "max": return self.max
        case "count": return Double(self.count)
        default: return nil
        }
    }

    /// Statistic names `value(named:)` understands.
    public static let statisticNames = ["min", "mean", "p50", "median", "p90", "p95", "p99", "max", "count"]
}
