import ChorusCore
import Foundation
import Testing

@Suite("Theil–Sen slope and its interval")
struct TheilSenTests {
    /// A standard normal deviate from a seeded generator (Box–Muller).
    static func normal(_ rng: inout SplitMix64) -> Double {
        let u1 = max(Double.leastNonzeroMagnitude, Double.random(in: 0..<1, using: &rng))
        let u2 = Double.random(in: 0..<1, using: &rng)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// TTFA of `turns` turns: `base + slope·k` plus normal noise of `sd` ms.
    static func series(slope: Double, turns: Int, sd: Double, seed: UInt64) -> [(x: Double, y: Double)] {
        var rng = SplitMix64(seed: seed)
        return (0..<turns).map { k in (Double(k), 800 + slope * Double(k) + sd * Self.normal(&rng)) }
    }

    @Test("A known slope is recovered within 10 %, and its 95 % interval covers it about 95 % of the time")
    func knownSlopeIsRecovered() throws {
        var covered = 0
        for seed in UInt64(1)...100 {
            let fit = try #require(TheilSen.fit(Self.series(slope: 15, turns: 40, sd: 25, seed: seed)))
            #expect(abs(fit.slope - 15) <= 1.5, "seed \(seed): \(fit.slope)")
            if fit.low <= 15 && 15 <= fit.high { covered += 1 }
            #expect(fit.isSignificantlyPositive)
            #expect(fit.count == 40)
        }
        // Binomial(100, 0.95): 89 or more with probability above 99.9 %.
        #expect(covered >= 89, "\(covered) of 100 intervals cover the true slope")
    }

    @Test("A few wild outliers barely move the slope (least squares would be dragged far off)")
    func outliersAreTolerated() throws {
        var points = Self.series(slope: 10, turns: 50, sd: 20, seed: 7)
        // Five 10-second stalls late in the session: a least-squares line would gain about 50 ms/turn.
        for k in [30, 36, 41, 45, 49] { points[k].y += 10_000 }
        let fit = try #require(TheilSen.fit(points))
        #expect(abs(fit.slope - 10) <= 1, "\(fit.slope)")
    }

    @Test("Flat noisy series are called significantly rising about as often as the 2.5 % the interval allows")
    func flatSeriesIsNotAFalsePositive() throws {
        var rising = 0
        for seed in UInt64(1)...200 {
            let fit = try #require(TheilSen.fit(Self.series(slope: 0, turns: 20, sd: 60, seed: seed)))
            if fit.isSignificantlyPositive { rising += 1 }
            #expect(fit.low <= fit.slope && fit.slope <= fit.high)
        }
        // Binomial(200, 0.025): mean 5; 14 or more has probability below 0.1 %.
        #expect(rising <= 13, "\(rising) of 200 flat series called rising")
    }

    @Test("The interval matches scipy.stats.theilslopes on a small hand series")
    func intervalMatchesScipy() throws {
        // scipy.stats.theilslopes([1, 3, 2, 5, 4, 7, 6, 9], alpha=0.95) → slope 1.0, low 0.5, high 1.6667.
        let y: [Double] = [1, 3, 2, 5, 4, 7, 6, 9]
        let fit = try #require(TheilSen.fit(y.enumerated().map { (Double($0.offset), $0.element) }))
        #expect(fit.slope == 1)
        #expect(fit.low == 0.5)
        #expect(abs(fit.high - 5.0 / 3) < 1e-12)
    }

    @Test("Fewer than three points, or one x only, give no fit")
    func tooFewPoints() {
        #expect(TheilSen.fit([(0, 1), (1, 2)]) == nil)
        #expect(TheilSen.fit([(1, 1), (1, 2), (1, 3)]) == nil)
        #expect(TheilSen.fit([(0, .nan), (1, 2), (2, .infinity)]) == nil)
    }

    @Test("Grouped: segments with their own offsets share one slope")
    func groupsHaveTheirOwnOffsets() throws {
        var points: [(x: Double, y: Double)] = []
        var groups: [Int] = []
        for g in 0..<6 {
            for k in 0..<5 {
                let x = Double(g * 10 + k)
                points.append((x, 1000 * Double(g % 2) - 3 * x))
                groups.append(g)
            }
        }
        let grouped = try #require(TheilSen.fit(points, groups: groups))
        #expect(abs(grouped.slope + 3) < 1e-9)
    }
}
