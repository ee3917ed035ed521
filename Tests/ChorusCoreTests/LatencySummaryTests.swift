import ChorusCore
import Testing

@Suite("Percentiles and histograms")
struct LatencySummaryTests {
    @Test func percentilesInterpolateBetweenRanks() {
        let s = LatencySummary((1...10).map(Double.init))
        #expect(s.count == 10)
        #expect(s.p50 == 5.5)
        #expect(abs(s.p90! - 9.1) < 1e-9)
        #expect(abs(s.p95! - 9.55) < 1e-9)
        #expect(s.max == 10 && s.min == 1 && s.mean == 5.5)
    }

    @Test func emptyAndSingleSamples() {
        #expect(LatencySummary([]).p50 == nil)
        #expect(LatencySummary([42]).p99 == 42)
        #expect(LatencySummary([.nan, 3]).count == 1)
    }

    @Test func histogramIsExactBelow1024AndWithinAFifthOfAPercentAbove() {
        var h = LatencyHistogram()
        for v in 0..<1000 { h.record(UInt64(v)) }
        #expect(h.value(atPercentile: 50) == 499)
        #expect(h.value(atPercentile: 100) == 999)
        var big = LatencyHistogram()
        for v in stride(from: 10_000, through: 1_000_000, by: 10_000) { big.record(UInt64(v)) }
        let p50 = Double(big.value(atPercentile: 50))
        #expect(abs(p50 - 500_000) / 500_000 < 0.002)
        #expect(big.max == 1_000_000)
        big.merge(h)
        #expect(big.count == 1100)
        big.reset()
        #expect(big.count == 0 && big.value(atPercentile: 99) == 0)
    }

    @Test(arguments: [("300ms", 300.0), ("1.5s", 1500.0), ("2m", 120_000.0), ("250us", 0.25), (" 10 ms", 10.0)])
    func durationsParse(text: String, ms: Double) {
        #expect(DurationParser.milliseconds(text) == ms)
    }

    @Test(arguments: ["", "fast", "10", "ms", "1x"])
    func badDurationsAreRejected(text: String) {
        #expect(DurationParser.milliseconds(text) == nil)
    }

    @Test func rangesParse() {
        #expect(DurationParser.range("1s..3s") == 1000...3000)
        #expect(DurationParser.range("500ms") == 500...500)
        #expect(DurationParser.range("3s..1s") == nil)
    }

    @Test func comparatorsHold() throws {
        let t = try Threshold.parse(metric: "ttfa.p95", rule: "<= 900ms").get()
        #expect(t.comparator == .lessOrEqual && t.limit == 900)
        #expect(t.comparator.holds(900, t.limit) && !t.comparator.holds(901, t.limit))
    }
}
