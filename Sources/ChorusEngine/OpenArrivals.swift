import ChorusCore

/// Open model: sessions arrive at a rate whatever the agent does (docs/load-models.md), on intended times
/// generated from the seed. Pure and sequential, so tests need no clock.
public struct OpenArrivals: Sendable {
    /// How inter-arrival gaps are drawn.
    public enum Process: String, Sendable, Codable, Hashable, CaseIterable {
        /// Exponential gaps with mean 1/rate (a Poisson process).
        case poisson
        /// Constant gaps of exactly 1/rate.
        case uniform
    }

    public let ratePerSecond: Double
    public let process: Process
    public let durationNs: Int64
    private var rng: SplitMix64
    private var nextNs: Int64 = 0
    private var count = 0

    public init(ratePerSecond: Double, process: Process, durationNs: Int64, seed: UInt64) {
        self.ratePerSecond = ratePerSecond
        self.process = process
        self.durationNs = durationNs
        self.rng = SplitMix64(seed: seed ^ 0xA5A5_5A5A_F00D_CAFE)
    }

    /// The intended start offset of the next session, or nil once the duration is over.
    public mutating func next() -> Int64? {
        let meanGapNs = 1e9 / self.ratePerSecond
        let offset: Int64
        switch self.process {
        case .uniform:
            offset = Int64(Double(self.count) * meanGapNs)
        case .poisson:
            if self.count > 0 {
                let u = max(Double.leastNonzeroMagnitude, Double.random(in: 0..<1, using: &self.rng))
                self.nextNs += Int64(-log(u) * meanGapNs)
            }
            offset = self.nextNs
        }
        guard offset < self.durationNs else { return nil }
        self.count += 1
        return offset
    }
}

#if canImport(Glibc)
import Glibc
#endif
