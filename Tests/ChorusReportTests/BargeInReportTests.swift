import ChorusCore
import ChorusReport
import Testing

/// Barge-in gates and the report's barge-in section, from hand-built interrupting turns.
@Suite("Barge-in gates and report")
struct BargeInReportTests {
    /// Session 0: three interruptions stopped after 100, 140 and 180 ms; session 1: one stopped after 120 ms and
    /// one missed. Plus the usual ten ordinary turns, which interrupt nothing.
    static func report() -> RunReport {
        var sessions = ReportFixtures.tenTurns()
        func interrupting(_ index: Int, bargeIn: Double?, leaked: Double) -> TurnResult {
            var t = ReportFixtures.turn(index, ttfa: 400)
            t.bargeInMissed = bargeIn == nil
            t.bargeInMs = bargeIn
            t.bargeInStopMs = bargeIn.map { $0 + 5 }
            t.leakedAudioMs = leaked
            return t
        }
        sessions[0].turns += [
            interrupting(5, bargeIn: 100, leaked: 100), interrupting(6, bargeIn: 140, leaked: 140),
            interrupting(7, bargeIn: 180, leaked: 180),
        ]
        sessions[1].turns += [interrupting(5, bargeIn: 120, leaked: 120), interrupting(6, bargeIn: nil, leaked: 2000)]
        return RunReport(run: ReportFixtures.run(), sessions: sessions)
    }

    @Test func gatesSummariseStoppedInterruptionsAndTheMissedRate() throws {
        let gates = GateEvaluator.evaluate(
            try [
                ReportFixtures.threshold("bargein.p50", "< 200ms"), ReportFixtures.threshold("bargein.max", "< 150ms"),
                ReportFixtures.threshold("bargein.missed_rate", "< 10%"),
            ],
            report: Self.report())
        // Stopped interruptions only: 100, 120, 140, 180.
        #expect(gates[0].observed == 130 && gates[0].passed)
        #expect(gates[1].observed == 180 && !gates[1].passed)
        // One missed of five.
        #expect(gates[2].observed == 20 && !gates[2].passed)
        #expect(GateEvaluator.unit(of: "bargein.missed_rate") == "%" && GateEvaluator.unit(of: "bargein.p95") == "ms")
        // A run without interruptions has no barge-in data: the gate fails for lack of it.
        let none = GateEvaluator.evaluate(
            [try ReportFixtures.threshold("bargein.missed_rate", "< 10%")], report: ReportFixtures.report())
        #expect(none[0].observed == nil && !none[0].passed)
    }

    @Test func theReportHasABargeInSectionOnlyWhenTheRunInterrupted() {
        let html = HTMLReport.render(Self.report())
        #expect(html.contains("id=\"bargein\""))
        // 5 interruptions, missed 20 %, every one answered.
        #expect(html.contains("<td>5</td>"))
        #expect(html.contains("20.0 %") && html.contains("100.0 %"))
        #expect(!HTMLReport.render(ReportFixtures.report()).contains("id=\"bargein\""))
    }

    @Test func theJSONSummaryCountsInterruptions() throws {
        let json = try JSONSummary.render(Self.report())
        #expect(json.contains("\"bargein_count\" : 5"), "\(json)")
        #expect(json.contains("\"bargein_missed\" : 1") && json.contains("\"bargein_missed_rate_pct\" : 20"))
        #expect(json.contains("\"bargein_ms\"") && json.contains("\"leaked_audio_ms\""))
        let plain = try JSONSummary.render(ReportFixtures.report())
        #expect(plain.contains("\"bargein_count\" : 0") && !plain.contains("\"bargein_ms\""))
    }

    @Test func theTerminalSummaryShowsBargeInOnlyWhenTheRunInterrupted() {
        let text = TerminalSummary.render(Self.report())
        #expect(text.contains("barge-in"), "\(text)")
        #expect(text.contains("interruptions 5  missed 1 (20.00 %)  leaked audio p50 140 ms"), "\(text)")
        #expect(!TerminalSummary.render(ReportFixtures.report()).contains("barge-in"))
    }
}
