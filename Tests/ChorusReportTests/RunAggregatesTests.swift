import ChorusCore
import ChorusReport
import Testing

@Suite("Run aggregates")
struct RunAggregatesTests {
    @Test func latenciesCoverOkTurnsAndErrorsCountAttemptedTurns() {
        let report = RunReport(run: ReportFixtures.run(), sessions: ReportFixtures.tenTurns())
        let okTTFAs = (1...9).map { Double($0) * 100 }
        #expect(report.ttfa == LatencySummary(okTTFAs))
        #expect(report.ttfa.p50 == 500)
        #expect(report.ttfaAudible.p50 == 530)
        #expect(report.overall.turnCount == 10)
        #expect(report.overall.attemptedTurns == 10)
        #expect(report.errorRatePct == 10)
        #expect(report.okRatePct == 90)
        #expect(report.turnOutcomes == [.ok: 9, .timeout: 1])
        #expect(report.sessionOutcomes == [.ok: 1, .timeout: 1])
        #expect(report.connect.count == 2)
    }

    @Test func interruptedTurnsAreNotAttempted() {
        let turns = (0..<9).map { ReportFixtures.turn($0, ttfa: 300) }
            + [ReportFixtures.turn(9, ttfa: nil, outcome: .interrupted)]
        let a = RunAggregates(sessions: [ReportFixtures.session(0, turns: turns)])
        #expect(a.attemptedTurns == 9)
        #expect(a.errorRatePct == 0)
        #expect(a.okRatePct == 100)
    }

    @Test func aSessionThatFailedBeforeItsFirstTurnCountsAsOneFailedAttempt() {
        let ok = ReportFixtures.session(0, turns: (0..<3).map { ReportFixtures.turn($0, ttfa: 200) })
        let failed = ReportFixtures.session(1, turns: [], outcome: .connectFailed, connectMs: nil)
        let a = RunAggregates(sessions: [ok, failed])
        #expect(a.sessionsFailedBeforeFirstTurn == 1)
        #expect(a.attemptedTurns == 4)
        #expect(a.errorRatePct == 25)
        #expect(a.connect.count == 1)
    }

    @Test func stallsPerMinuteOfReplyAudio() {
        let turns = [
            ReportFixtures.turn(0, ttfa: 100, audioMs: 30_000, stalls: 1),
            ReportFixtures.turn(1, ttfa: 100, audioMs: 30_000, stalls: 2),
            ReportFixtures.turn(2, ttfa: nil, outcome: .noResponse, audioMs: nil),
        ]
        let a = RunAggregates(sessions: [ReportFixtures.session(0, turns: turns)])
        #expect(a.stallCount == 3)
        #expect(a.stallsPerMinute == 3)
        #expect(a.stalledTurnsPct == 100)
        #expect(RunAggregates(sessions: []).stallsPerMinute == nil)
        #expect(RunAggregates(sessions: []).errorRatePct == nil)
    }

    @Test func cellsSplitByTransportDialectCodecAndNetwork() {
        let report = ReportFixtures.report(cells: ["clean", "wifi-lossy"])
        #expect(report.cellKeys.map(\.networkProfile) == ["clean", "wifi-lossy"])
        #expect(report.cells.count == 2)
        for key in report.cellKeys {
            #expect(report.cells[key]?.turnCount == 10)
            #expect(report.cells[key]?.errorRatePct == 10)
        }
        #expect(report.overall.turnCount == 20)
        #expect(CellKey.shortLabels(report.cellKeys)[report.cellKeys[1]] == "wifi-lossy")
    }
}
