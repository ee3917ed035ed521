import Foundation

/// A Theil–Sen line through points: the median of the pairwise slopes, with the rank-based confidence interval of
/// that median from Kendall's tau (Sen 1968; the interval `scipy.stats.theilslopes` gives).
///
/// Robust to outliers: up to about 29 % of the points can be arbitrary before the slope moves. The interval takes the
/// pairwise slopes of ranks `(N − z·σ)/2` and `(N + z·σ)/2` among the `N` sorted slopes, where `σ²` is the variance
/// of Kendall's S under no trend, `n(n − 1)(2n + 5)/18` less the usual tie corrections.
public struct TheilSen: Sendable, Hashable, Codable {
    /// Change of y per unit of x.
    public var slope: Double
    /// `median(y) − slope · median(x)`.
    public var intercept: Double
    /// Lower and upper bound of the slope's confidence interval.
    public var low: Double
    public var high: Double
    /// Points fitted.
    public var count: Int

    public init(slope: Double, intercept: Double, low: Double, high: Double, count: Int) {
        self.slope = slope
        self.intercept = intercept
        self.low = low
        self.high = high
        self.count = count
    }

    /// True when the whole interval lies above zero: the series rises beyond what chance explains.
    public var isSignificantlyPositive: Bool { self.low > 0 }

    /// Most points a fit uses; longer series are thinned evenly (the pairs grow with the square of the points).
    public static let maxPoints = 400

    /// Fits `points` (x, y); nil with fewer than three points of distinct x or non-finite values.
    /// - Parameters:
    ///   - z: the two-sided normal quantile of the interval (1.96 for 95 %).
    ///   - groups: when given (one per point), only pairs within a group count: each group has its own unknown
    ///     offset but all share the slope (Sen's blocked estimator). The variance is the sum of the groups'.
    public static func fit(_ points: [(x: Double, y: Double)], groups: [Int]? = nil, z: Double = 1.959964) -> TheilSen? {
        var indices = points.indices.filter { points[$0].x.isFinite && points[$0].y.isFinite }
        if indices.count > Self.maxPoints {
            let step = Double(indices.count) / Double(Self.maxPoints)
            indices = (0..<Self.maxPoints).map { indices[Int(Double($0) * step)] }
        }
        let used = indices.map { points[$0] }
        let group = indices.map { groups?[$0] ?? 0 }
        let n = used.count
        guard n >= 3 else { return nil }
        var slopes: [Double] = []
        slopes.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n {
            for j in (i + 1)..<n where used[j].x != used[i].x && group[j] == group[i] {
                slopes.append((used[j].y - used[i].y) / (used[j].x - used[i].x))
            }
        }
        guard slopes.count >= 2 else { return nil }
        slopes.sort()
        let slope = Self.median(slopes)
        let intercept = Self.median(used.map(\.y).sorted()) - slope * Self.median(used.map(\.x).sorted())
        var variance = 0.0
        for g in Set(group) {
            let members = (0..<n).filter { group[$0] == g }
            let m = Double(members.count)
            variance += m * (m - 1) * (2 * m + 5)
            variance -= Self.tieTerm(members.map { used[$0].x }) + Self.tieTerm(members.map { used[$0].y })
        }
        let sigma = (Swift.max(0, variance) / 18).squareRoot()
        let total = Double(slopes.count)
        let upper = Swift.min(Int(((total + z * sigma) / 2).rounded()), slopes.count - 1)
        let lower = Swift.max(Int(((total - z * sigma) / 2).rounded()) - 1, 0)
        return TheilSen(
            slope: slope, intercept: intercept, low: slopes[Swift.min(lower, slopes.count - 1)],
            high: slopes[Swift.max(upper, 0)], count: n)
    }

    /// Σ t(t − 1)(2t + 5) over groups of tied values.
    private static func tieTerm(_ values: [Double]) -> Double {
        var counts: [Double: Int] = [:]
        for v in values { counts[v, default: 0] += 1 }
        return counts.values.reduce(0) { sum, t in
            let t = Double(t)
            return sum + t * (t - 1) * (2 * t + 5)
        }
    }

    private static func median(_ sorted: [Double]) -> Double {
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}
