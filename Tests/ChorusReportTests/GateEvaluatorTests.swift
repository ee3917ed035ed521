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
