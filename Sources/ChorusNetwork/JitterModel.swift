import Foundation

/// The random part of one direction's delay, added to `NetworkProfile.delayMs` per packet (netem's `delay μ σ`).
///
/// Each case follows netem's distribution so that a profile means the same here as under `tc qdisc … netem`:
/// - `uniform`: uniform in [−halfWidthMs, +halfWidthMs) (netem's default when no `distribution` is given);
/// - `normal`: Gaussian with standard deviation `sdMs`, clipped at ±4 σ (netem's table cannot hold more);
/// - `pareto`: netem's Pareto table, `σ·(4/3)·(u^(−1/3) − 1.5)` (shape 3, zero mean before the clip), capped at
///   +4 σ; it spans −0.67 σ … +4 σ with a long right tail, and its standard deviation is ≈ 1.15 σ.
public enum JitterModel: Sendable, Codable, Hashable {
    /// No jitter: every packet gets exactly the base delay.
    case none
    /// Uniform in [−halfWidthMs, +halfWidthMs).
    case uniform(halfWidthMs: Double)
    /// Normal with standard deviation `sdMs` (clipped at ±4 σ).
    case normal(sdMs: Double)
    /// netem's Pareto table scaled by `sigmaMs` (long right tail).
    case pareto(sigmaMs: Double)

    /// The scale parameter in milliseconds (half-width, standard deviation or σ); 0 for `.none`.
    public var scaleMs: Double {
        switch self {
        case .none: return 0
        case .uniform(let ms), .normal(let ms), .pareto(let ms): return ms
        }
    }

    /// The name used in scenario files (`jitter_distribution`).
    public var distributionName: String {
        switch self {
        case .none: return "none"
        case .uniform: return "uniform"
        case .normal: return "normal"
        case .pareto: return "pareto"
        }
    }

    /// The model with the same distribution and a new scale (the scale is clamped at 0).
    public func withScale(_ ms: Double) -> JitterModel {
        let ms = max(0, ms)
        switch self {
        case .none, .uniform: return ms == 0 ? .none : .uniform(halfWidthMs: ms)
        case .normal: return ms == 0 ? .none : .normal(sdMs: ms)
        case .pareto: return ms == 0 ? .none : .pareto(sigmaMs: ms)
        }
    }
}

/// The running state of a jitter model: correlated uniform source plus inverse-CDF mapping, no allocation per call.
struct JitterProcess: Sendable {
    private enum Kind: Sendable { case none, uniform, normal, pareto }

    /// netem clips table values at 32767 / 8192 (NETEM_DIST_SCALE) ≈ 4 σ.
    private static let tableLimit = 32767.0 / 8192.0

    private let kind: Kind
    private let scaleNs: Double
    private let correlation: Double
    private var last: Double
    private var random: ImpairmentRandom

    init(model: JitterModel, correlation: Double, random: ImpairmentRandom) {
        var random = random
        switch model {
        case .none: self.kind = .none
        case .uniform: self.kind = .uniform
        case .normal: self.kind = .normal
        case .pareto: self.kind = .pareto
        }
        self.scaleNs = max(0, model.scaleMs) * 1_000_000
        self.correlation = min(1, max(0, correlation))
        self.last = random.nextUnit()  // netem's init_crandom seeds `last` with a random value
        self.random = random
    }

    /// The next jitter offset in nanoseconds (may be negative).
    mutating func nextOffsetNs() -> Double {
        guard self.kind != .none, self.scaleNs > 0 else { return 0 }
        let u = self.nextCorrelatedUnit()
        switch self.kind {
        case .none:
            return 0
        case .uniform:
            return self.scaleNs * (2 * u - 1)
        case .normal:
            let z = Self.inverseNormalCDF(min(max(u, 1e-12), 1 - 1e-12))
            return self.scaleNs * min(Self.tableLimit, max(-Self.tableLimit, z))
        case .pareto:
            let x = (4.0 / 3.0) * (pow(1 - u, -1.0 / 3.0) - 1.5)
            return self.scaleNs * min(Self.tableLimit, x)
        }
    }

    /// netem's `get_crandom`: `u_n = (1 − ρ)·v + ρ·u_{n−1}` with `v` fresh; not a true correlation (docs/network.md §1.2).
    private mutating func nextCorrelatedUnit() -> Double {
        let fresh = self.random.nextUnit()
        guard self.correlation > 0 else { return fresh }
        let blended = (1 - self.correlation) * fresh + self.correlation * self.last
        self.last = blended
        return blended
    }

    /// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9); `p` in (0, 1).
    static func inverseNormalCDF(_ p: Double) -> Double {
        let low = 0.02425
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            return Self.tail(q)
        }
        if p > 1 - low {
            let q = (-2 * log(1 - p)).squareRoot()
            return -Self.tail(q)
        }
        let q = p - 0.5
        let r = q * q
        let num =
            (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
        let den =
            ((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1
        return num / den
    }

    private static func tail(_ q: Double) -> Double {
        let num =
            ((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
                - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00
        let den =
            (((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
                + 3.754408661907416e+00) * q + 1
        return num / den
    }
}
