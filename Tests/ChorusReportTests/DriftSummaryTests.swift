import ChorusCore
import ChorusReport
import Testing

@Suite("Long-session drift summary, gates and report section")
struct DriftSummaryTests {
    /// `count` sessions of `turns` turns whose TTFA is `base + slope·k` plus a small per-session wobble.
    static func sessions(count: Int, turns: Int, slope: Double, base: Double = 500, wobble: Double = 4)
        -> [SessionResult]
    {
        (0..<count).map { s in
            let t = (0..<turns).map { k in
                ReportFixtures.turn(k, ttfa: base + slope * Double(k) + Double((k * 7 + s * 3) % 5) * wobble)
            }
            return ReportFixtures.session(s, turns: t)
        }
    }

    @Test("Per-session slopes, the rising share, turn buckets and where p95 crosses the gate")
    func summaryOfRisingSessions() throws {
        var sessions = Self.sessions(count: 6, turns: 60, slope: 10)
        sessions[5].clockDriftPpm = 190
        sessions[4].clockDriftPpm = 210
        let d = DriftSummary(sessions: sessions, ttfaP95ThresholdMs: 800)
        #expect(d.sessionsFitted == 6)
        #expect(abs(try #require(d.medianSlopeMsPerTurn) - 10) < 0.5)
        #expect(d.significantlyPositivePct == 100)
        #expect(d.buckets.map(\.label) == ["1–5", "6–10", "11–20", "21–50", "51+"])
        #expect(d.buckets[0].ttfa.count == 30 && d.buckets[4].ttfa.count == 60)
        // 500 + 10·k (+ up to 16) passes 800 at the 29th or 30th turn.
        let first = try #require(d.firstTurnOverThreshold)
        #expect((29...31).contains(first), "\(first)")
        #expect(d.clockDriftPpm == 200 && d.clockDriftSessions == 2 && d.clockDriftRange == 190...210)
        let flat = DriftSummary(sessions: Self.sessions(count: 6, turns: 60, slope: 0), ttfaP95ThresholdMs: 800)
        #expect(flat.significantlyPositivePct == 0)
        #expect(flat.firstTurnOverThreshold == nil)
        #expect(abs(try #require(flat.medianSlopeMsPerTurn)) < 0.5)
    }

    @Test("drift.slope_ms_per_turn and drift.p95_by_turn_21plus gate; drift.slope still works")
    func driftGates() throws {
        let report = RunReport(run: ReportFixtures.run(), sessions: Self.sessions(count: 4, turns: 30, slope: 5))
        let rules: [(String, String, Bool)] = [
            ("drift.slope_ms_per_turn", "< 2ms", false), ("drift.slope_ms_per_turn", "< 8ms", true),
            ("drift.p95_by_turn_21plus", "< 600ms", false), ("drift.p95_by_turn_21plus", "< 700ms", true),
            ("drift.slope", "< 8ms", true),
        ]
        for (metric, rule, passes) in rules {
            let gate = try #require(GateEvaluator.evaluate([ReportFixtures.threshold(metric, rule)], report: report).first)
            #expect(gate.passed == passes, "\(metric) \(rule): observed \(gate.observed ?? .nan)")
        }
        let slope = try #require(
            GateEvaluator.evaluate([ReportFixtures.threshold("drift.slope_ms_per_turn", "< 8ms")], report: report)
                .first?.observed)
        #expect(abs(slope - 5) < 0.5)
        // Turns 21–30 of 500 + 5·k (+ up to 16): p95 about 660 ms.
        let late = try #require(
            GateEvaluator.evaluate([ReportFixtures.threshold("drift.p95_by_turn_21plus", "< 1s")], report: report)
                .first?.observed)
        #expect(late > 640 && late < 670, "\(late)")
    }

    @Test("The report has the drift table with the slope per cell and the clock drift")
    func reportSection() {
        var sessions = Self.sessions(count: 3, turns: 20, slope: 15, wobble: 0)
        sessions[0].clockDriftPpm = 200
        let html = HTMLReport.render(RunReport(run: ReportFixtures.run(), sessions: sessions))
        #expect(html.contains("id=\"long-drift\""))
        #expect(html.contains("+15.00"))
        #expect(html.contains("+200.0"))
        #expect(html.contains("Theil–Sen"))
    }
}
