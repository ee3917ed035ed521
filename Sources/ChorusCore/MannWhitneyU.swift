import Foundation

/// The Mann–Whitney U (rank-sum) test of whether one sample is stochastically larger than another.
///
/// Large-sample normal approximation with average ranks for ties, the tie-corrected variance
/// `n1·n2/12 · [(N + 1) − Σ(t³ − t) / (N(N − 1))]` and a continuity correction of 0.5, one-sided.
public struct MannWhitneyU: Sendable, Hashable {
    /// Which way the candidate is tested against the baseline.
    public enum Alternative: Sendable, Hashable {
        /// The candidate's values tend to be larger (slower latencies, more errors).
        case greater
        /// The candidate's values tend to be smaller (lower MOS, fewer ok turns).
        case less
    }

    /// U of the candidate sample: the number of (baseline, candidate) pairs where the candidate is larger, ties
    /// counting one half.
    public var u: Double
    /// The standardised statistic, continuity-corrected toward the null.
    public var z: Double
    /// One-sided p-value for the alternative.
    public var pValue: Double
    /// `u / (n1·n2)`: the probability that a candidate value exceeds a baseline value (0.5 = no effect).
    public var probabilityOfSuperiority: Double

    /// Tests `candidate` against `baseline`; nil when either is empty.
    public init?(baseline: [Double], candidate: [Double], alternative: Alternative) {
        let n1 = Double(baseline.count), n2 = Double(candidate.count)
        guard n1 > 0, n2 > 0 else { return nil }
        var all = baseline.map { ($0, false) } + candidate.map { ($0, true) }
        all.sort { $0.0 < $1.0 }
        var rankSumCandidate = 0.0, tieTerm = 0.0
        var i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count && all[j + 1].0 == all[i].0 { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            for k in i...j where all[k].1 { rankSumCandidate += averageRank }
            i = j + 1
        }
        let n = n1 + n2
        self.u = rankSumCandidate - n2 * (n2 + 1) / 2
        self.probabilityOfSuperiority = self.u / (n1 * n2)
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        let mean = n1 * n2 / 2
        guard variance > 0 else {
            // Every value tied: no evidence either way.
            self.z = 0
            self.pValue = 1
            return
        }
        let sigma = variance.squareRoot()
        switch alternative {
        case .greater:
            self.z = (self.u - mean - 0.5) / sigma
            self.pValue = Self.upperTail(self.z)
        case .less:
            self.z = (self.u - mean + 0.5) / sigma
            self.pValue = Self.upperTail(-self.z)
        }
    }

    /// P(Z > z) for a standard normal Z.
    public static func upperTail(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }
}
