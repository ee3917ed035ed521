import ChorusCore
import ChorusReport
import Testing

@Suite("CSV export")
struct CSVExportTests {
    static func lines(_ csv: String) -> [String] {
        var lines = csv.components(separatedBy: "\r\n")
        #expect(lines.last == "")
        lines.removeLast()
        return lines
    }

    @Test func turnsHaveAHeaderAndOneRowPerTurn() {
        var report = ReportFixtures.report()
        report.sessions[0].turns[0].utterance = "hello, \"world\".wav"
        let lines = Self.lines(CSVExport.turns(report))
        #expect(lines.first == CSVExport.turnColumns.joined(separator: ","))
        #expect(lines.count == 11)
        #expect(lines[1].contains(",\"hello, \"\"world\"\".wav\",ok,"))
        // ttfa_ms with three decimals; eos_late_ms likewise; bargein_ms empty; no late audio, no link delay,
        // not implausible.
        #expect(lines[1].contains(",100.000,130.000,"))
        #expect(lines[1].hasSuffix(",0,0.000,,0.000,0.000,0.000,0.000,0,,,"))
    }

    @Test func sessionsAndSummaryHaveFixedColumns() {
        let report = ReportFixtures.report(cells: ["clean", "lossy"])
        let sessions = Self.lines(CSVExport.sessions(report))
        #expect(sessions.first == CSVExport.sessionColumns.joined(separator: ","))
        #expect(sessions.count == 5)
        let summary = Self.lines(CSVExport.summary(report))
        #expect(summary.count == 4)
        #expect(summary[1].hasPrefix("20250101-100000-abcd,all,,,,,4,20,18,2,20,10.000,90.000,"))
        for line in summary {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == CSVExport.summaryColumns.count)
        }
    }

    @Test func quotingFollowsRFC4180() {
        #expect(CSVExport.quote("plain") == "plain")
        #expect(CSVExport.quote("a,b") == "\"a,b\"")
        #expect(CSVExport.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVExport.quote("two\r\nlines") == "\"two\r\nlines\"")
    }
}
