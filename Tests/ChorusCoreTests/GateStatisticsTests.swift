import ChorusCore
import Testing

@Suite("Gate statistics: metrics, tolerances, Mann-Whitney U, cluster bootstrap")
struct GateStatisticsTests {
    @Test(arguments: [
        ("ttfa.p95", 95.0), ("ttfa.p05", 5.0), ("mos.p05", 5.0), ("ttfa.p999", 99.9), ("voice_to_voice.p99.9", 99.9),
        ("connect.median", 50.0), ("ttfa_audible.p9", 9.0),
    ])
    func percentilesParse(name: String, p: Double) throws {
        let metric = try GateMetric.parse(name).get()
        #expect(metric.statistic == .percentile(p))
        #expect(metric.comparableWithBaseline)
    }

    @Test func familiesHaveUnitsAndDirections() throws {
        #expect(try GateMetric.parse("ttfa.p95").get().unit == .milliseconds)
        #expect(try GateMetric.parse("ttfa.count").get().unit == .none)
        #expect(try GateMetric.parse("mos.p05").get().higherIsBetter)
        #expect(try GateMetric.parse("turns.ok_rate").get().higherIsBetter)
        #expect(try !GateMetric.parse("errors.rate").get().higherIsBetter)
        #expect(try GateMetric.parse("stalls.per_min").get().unit == .perMinute)
        #expect(try GateMetric.parse("drift.slope").get().unit == .msPerTurn)
        #expect(try !GateMetric.parse("drift.slope").get().comparableWithBaseline)
        #expect(try !GateMetric.parse("ttfa.max").get().comparableWithBaseline)
        for bad in ["ttfa.p100", "ttfa.p0", "ttfa.q95", "latency.p95", "mos", "errors.count", "ttfa.pxx"] {
            #expect(throws: ThresholdError.self, "\(bad)") { try GateMetric.parse(bad).get() }
        }
    }

    @Test func minimumSamplesFollowTheOrderStatisticRule() throws {
        #expect(try GateMetric.parse("ttfa.p95").get().minimumSamples == 72)
        #expect(try GateMetric.parse("ttfa.p99").get().minimumSamples == 368)
        #expect(try GateMetric.parse("ttfa.p999").get().minimumSamples == 3688)
        #expect(try GateMetric.parse("mos.p05").get().minimumSamples == 72)
        #expect(try GateMetric.parse("ttfa.p50").get().minimumSamples == 20)
        #expect(try GateMetric.parse("errors.rate").get().minimumSamples == 20)
    }

    @Test func thresholdsTakeTheirMetricsUnits() throws {
        #expect(try Threshold.parse(metric: "mos.p05", rule: "> 3.5").get().limit == 3.5)
        #expect(try Threshold.parse(metric: "ttfa.p95", rule: "< 1.2s").get().limit == 1200)
        #expect(try Threshold.parse(metric: "stalls.per_min", rule: "<= 0.5").get().limit == 0.5)
        #expect(try Threshold.parse(metric: "loss.effective", rule: "< 2%").get().limit == 2)
        #expect(try Threshold.parse(metric: "drift.slope", rule: "< 2ms").get().limit == 2)
        #expect(try Threshold.parse(metric: "ttfa.p95", rule: "< 1s", cell: "rtp/4g").get().cell == "rtp/4g")
        #expect(throws: ThresholdError.self) { try Threshold.parse(metric: "mos.p05", rule: "> 3.5ms").get() }
        #expect(throws: ThresholdError.self) { try Threshold.parse(metric: "loss.effective", rule: "< 2").get() }
    }

    @Test func tolerancesParseAndApply() {
        let ms = GateMetric.Unit.milliseconds
        #expect(RegressionRule.Tolerance.parse("10%", unit: ms) == .init(absolute: 0, relativePct: 10))
        #expect(RegressionRule.Tolerance.parse("40ms", unit: ms) == .init(absolute: 40, relativePct: 0))
        #expect(RegressionRule.Tolerance.parse("25ms, 5%", unit: ms) == .init(absolute: 25, relativePct: 5))
        #expect(RegressionRule.Tolerance.parse("0.5, 10%", unit: .percent) == .init(absolute: 0.5, relativePct: 10))
        for bad in ["", "fast", "10", "-5%", "5%, 6%", "1s, 2s"] {
            #expect(RegressionRule.Tolerance.parse(bad, unit: ms) == nil, "\(bad)")
        }
        let standard = RegressionRule.Tolerance.standard(for: ms)
        #expect(standard.amount(baseline: 300) == 25)
        #expect(standard.amount(baseline: 1000) == 50)
    }

    @Test func mannWhitneyMatchesScipy() throws {
        // scipy.stats.mannwhitneyu(b, a, alternative=…, method="asymptotic", use_continuity=True)
        let a: [Double] = [10, 12, 12, 15, 18, 20, 21, 21, 25, 30]
        let b: [Double] = [14, 16, 16, 19, 22, 25, 27, 28, 31, 35, 40]
        let greater = try #require(MannWhitneyU(baseline: a, candidate: b, alternative: .greater))
        #expect(greater.u == 80.5)
        #expect(abs(greater.pValue - 0.03897236673396661) < 1e-9)
        let less = try #require(MannWhitneyU(baseline: a, candidate: b, alternative: .less))
        #expect(abs(less.pValue - 0.9666170944491828) < 1e-9)
        #expect(abs(greater.probabilityOfSuperiority - 80.5 / 110) < 1e-12)
        let tied = try #require(MannWhitneyU(baseline: [5, 5, 5], candidate: [5, 5], alternative: .greater))
        #expect(tied.pValue == 1)
        #expect(MannWhitneyU(baseline: [], candidate: [1], alternative: .greater) == nil)
    }

    @Test func theBootstrapIsSeededAndCoversTheShift() throws {
        var rng = SplitMix64(seed: 7)
        let base = (0..<30).map { _ in (0..<4).map { _ in 300 + Double.random(in: 0..<40, using: &rng) } }
        let slower = base.map { $0.map { $0 + 50 } }
        let bootstrap = ClusterBootstrap(resamples: 2000, seed: 3)
        let i = try #require(bootstrap.difference(baseline: base, candidate: slower, statistic: .percentile(95)))
        #expect(abs(i.estimate - 50) < 1e-9)
        #expect(i.low > 0 && i.low <= 50 && i.high >= 50)
        #expect(bootstrap.difference(baseline: base, candidate: slower, statistic: .percentile(95)) == i, "same seed, same interval")
        let other = ClusterBootstrap(resamples: 2000, seed: 4).difference(baseline: base, candidate: slower, statistic: .percentile(95))
        #expect(other != i, "another seed draws other resamples")
        let means = try #require(bootstrap.difference(baseline: base, candidate: base, statistic: .mean))
        #expect(means.estimate == 0 && means.low < 0 && means.high > 0)
        #expect(bootstrap.difference(baseline: [[]], candidate: slower, statistic: .mean) == nil)
    }
}
