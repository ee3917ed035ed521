import ChorusNetwork

/// Helpers shared by the statistical tests: a packet train through an impairment, and order statistics.
enum Sampling {
    static let msNs: Int64 = 1_000_000

    /// The fates of `count` packets of `bytes` bytes sent every `intervalMs`, starting at 1 s.
    static func fates(
        _ profile: NetworkProfile, seed: UInt64 = 1, count: Int, intervalMs: Double = 20, bytes: Int = 160
    ) -> (fates: [PacketFate], sends: [Int64], stats: ImpairmentStats) {
        var impairment = Impairment(profile: profile, seed: seed)
        var fates: [PacketFate] = []
        var sends: [Int64] = []
        fates.reserveCapacity(count)
        sends.reserveCapacity(count)
        for i in 0..<count {
            let sendNs = 1_000 * msNs + Int64(Double(i) * intervalMs * 1_000_000)
            sends.append(sendNs)
            fates.append(impairment.decide(sendNs: sendNs, bytes: bytes))
        }
        return (fates, sends, impairment.stats)
    }

    /// One-way delays in ms of the delivered packets.
    static func delaysMs(_ profile: NetworkProfile, seed: UInt64 = 1, count: Int, intervalMs: Double = 20) -> [Double] {
        let run = Self.fates(profile, seed: seed, count: count, intervalMs: intervalMs)
        return zip(run.fates, run.sends).compactMap { fate, send in
            fate.arrivalNs.map { Double($0 - send) / 1_000_000 }
        }
    }

    /// The p-th percentile (0–100) by linear interpolation between closest ranks (type 7, as docs/metrics.md).
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        let h = Double(sorted.count - 1) * p / 100
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    /// Lengths of the runs of consecutive `true` values.
    static func runLengths(_ flags: [Bool]) -> [Int] {
        var runs: [Int] = []
        var current = 0
        for flag in flags {
            if flag {
                current += 1
            } else if current > 0 {
                runs.append(current)
                current = 0
            }
        }
        if current > 0 { runs.append(current) }
        return runs
    }

    /// Lag-1 autocorrelation.
    static func lagOneAutocorrelation(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        var numerator = 0.0
        var denominator = 0.0
        for i in values.indices {
            let d = values[i] - mean
            denominator += d * d
            if i > 0 { numerator += d * (values[i - 1] - mean) }
        }
        return numerator / denominator
    }
}
