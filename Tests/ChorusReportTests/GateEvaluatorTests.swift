import ChorusCore
import ChorusReport
import Testing

@Suite("Gate evaluation")
struct GateEvaluatorTests {
    @Test func passAndFailRows() throws {
        let report = RunReport(run: ReportFixtures.run(), sessions: ReportFixtures.tenTurns())
        let thresholds = try [
            ReportFixtures.threshold("ttfa.p50", "< 900ms"),
            ReportFixtures.threshold("ttfa.max", "<= 850ms"),
            ReportFixtures.threshold("errors.rate", "< 1%"),
            ReportFixtures.threshold("turns.ok_rate", ">= 90%"),
            ReportFixtures.threshold("ttfa_audible.p95", "< 1.2s"),
        ]
        let gates = GateEvaluator.evaluate(thresholds, report: report)
        #expect(gates.map(\.metric) == ["ttfa.p50", "ttfa.max", "errors.rate", "turns.ok_rate", "ttfa_audible.p95"])
        #expect(gates.map(\.passed) == [true, false, false, true, true])
        #expect(gates[0].observed == 500 && gates[0].comparator == "<" && gates[0].threshold == 900)
        #expect(gates[1].observed == 900)
        #expect(gates[2].observed == 10)
        #expect(gates[4].threshold == 1200)
    }

    @Test func aMetricWithNoDataFails() throws {
        let empty = RunReport(run: ReportFixtures.run(), sessions: [])
        let gates = GateEvaluator.evaluate(
            try [ReportFixtures.threshold("ttfa.p95", "< 900ms"), ReportFixtures.threshold("errors.rate", "< 1%")],
            report: empty, baselineRunId: "base")
        #expect(gates.allSatisfy { $0.observed == nil && !$0.passed })
        #expect(gates.allSatisfy { $0.baselineRunId == "base" })
        let unknown = Threshold(metric: "nonsense.p95", comparator: .lessThan, limit: 1)
        let result = GateEvaluator.evaluate([unknown], report: ReportFixtures.report())
        #expect(result.first?.observed == nil && result.first?.passed == false)
    }

    @Test func unitsFollowTheMetric() {
        #expect(GateEvaluator.unit(of: "errors.rate") == "%")
        #expect(GateEvaluator.unit(of: "ttfa.p95") == "ms")
        #expect(GateEvaluator.unit(of: "ttfa.count") == "")
    }
}

@Suite("Gate evaluation: cells and every metric")
struct GateEvaluatorCellTests {
    @Test func cellRulesGiveOneResultPerMatchingCell() throws {
        let report = ReportFixtures.report(cells: ["clean", "very-bad"])
        let thresholds = try [
            ReportFixtures.threshold("ttfa.p50", "< 900ms"),
            Threshold.parse(metric: "ttfa.p50", rule: "< 400ms", cell: "websocket/very-bad").get(),
            Threshold.parse(metric: "errors.rate", rule: "< 20%", cell: "clean").get(),
            Threshold.parse(metric: "ttfa.p50", rule: "< 400ms", cell: "rtp/clean").get(),
        ]
        let gates = GateEvaluator.evaluate(thresholds, report: report)
        #expect(gates.map(\.cellLabel) == ["all", "websocket/very-bad", "websocket/clean", "rtp/clean"])
        #expect(gates.map(\.passed) == [true, false, true, false])
        #expect(gates[1].observed == 500)
        #expect(gates[3].observed == nil && gates[3].note?.contains("no session") == true)
    }

    @Test func everyGatedMetricHasAnObservedValue() throws {
        var sessions = ReportFixtures.tenTurns()
        sessions[0].network = [NetworkStats(direction: "down", effectiveLossPct: 2, mos: 4.0)]
        sessions[1].network = [NetworkStats(direction: "down", effectiveLossPct: 4, mos: 3.0)]
        sessions[0].turns[1].stallCount = 2
        let report = RunReport(run: ReportFixtures.run(), sessions: sessions)
        let rules: [(String, String, Double)] = [
            ("mos.p05", "> 3.5", 3.05), ("mos.mean", ">= 3.5", 3.5), ("loss.effective", "< 5%", 3),
            ("turns.ok_rate", ">= 90%", 90), ("errors.rate", "< 20%", 10), ("stalls.rate", "< 20%", 10),
            ("stalls.per_min", "< 10", 6), ("ttfa.p05", "> 100ms", 140), ("connect.p95", "< 1s", 10),
            ("drift.slope", "< 200ms", 100), ("ttfa.count", ">= 9", 9),
        ]
        for (metric, rule, expected) in rules {
            let gate = try #require(GateEvaluator.evaluate([ReportFixtures.threshold(metric, rule)], report: report).first)
            let observed: Double = gate.observed ?? -1
            #expect(abs(observed - expected) < 1e-9, "\(metric): \(observed)")
        }
    }
}
