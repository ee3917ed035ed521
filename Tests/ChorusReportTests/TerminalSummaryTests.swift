import ChorusCore
import ChorusReport
import Testing

@Suite("Terminal summary")
struct TerminalSummaryTests {
    @Test func showsCountsPercentilesGatesAndValidity() {
        let gates = [GateResult(metric: "ttfa.p95", comparator: "<", threshold: 900, observed: 860, passed: true)]
        var report = ReportFixtures.report(gates: gates)
        let text = TerminalSummary.render(report)
        #expect(text.contains("20250101-100000-abcd"))
        #expect(text.contains("turns ok 9/10 attempted"))
        #expect(text.contains("errors 10.00 %"))
        #expect(text.contains("p95"))
        // TTFA p95 of 100…900 ms is 860 ms (type 7).
        #expect(text.contains("860.0"))
        #expect(text.contains("PASS  ttfa.p95 < 900 ms"))
        #expect(text.contains("valid"))
        report.run.valid = false
        report.run.invalidReason = "loop lag"
        #expect(TerminalSummary.render(report).contains("INVALID: loop lag"))
    }
}
