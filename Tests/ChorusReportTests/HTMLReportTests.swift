import ChorusCore
import ChorusReport
import Foundation
import Testing

@Suite("HTML report")
struct HTMLReportTests {
    @Test func escapesTheRunNameAndHasCharts() {
        let html = HTMLReport.render(ReportFixtures.report(name: "load <script>alert('x')</script> & co"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("load &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"))
        #expect(html.contains("<svg"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<style>"))
    }

    @Test func fetchesNothingFromOutside() throws {
        let html = HTMLReport.render(ReportFixtures.report(cells: ["clean", "lossy"]))
        let external = try Regex(#"(src|href)\s*=\s*["']?\s*(https?:)?//"#)
        #expect(html.firstMatch(of: external) == nil)
        #expect(!html.contains("<link"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("url("))
    }

    @Test func invalidRunsShowAProminentBanner() {
        var report = ReportFixtures.report()
        report.run.valid = false
        report.run.invalidReason = "send lateness p99 12.0 ms > 5 ms"
        let html = HTMLReport.render(report)
        #expect(html.contains("class=\"invalid\""))
        #expect(html.contains("INVALID: send lateness p99 12.0 ms &gt; 5 ms"))
        #expect(!HTMLReport.render(ReportFixtures.report()).contains("INVALID"))
    }

    @Test func cellsTableAndOneCurvePerCellOnlyWhenThereAreSeveral() {
        let single = HTMLReport.render(ReportFixtures.report())
        let multi = HTMLReport.render(ReportFixtures.report(cells: ["clean", "wifi-lossy", "lte"]))
        #expect(!single.contains("id=\"cells\""))
        #expect(multi.contains("id=\"cells\""))
        #expect(multi.contains("wifi-lossy"))
        // TTFA and TTFA audible per cell in the CDF, plus the legend's style key.
        #expect(multi.contains("wifi-lossy TTFA audible (n=9)"))
    }

    @Test func gatesAreColouredByResult() {
        let gates = [
            GateResult(metric: "ttfa.p95", comparator: "<", threshold: 900, observed: 870, passed: true),
            GateResult(metric: "errors.rate", comparator: "<", threshold: 1, observed: 10, passed: false),
        ]
        // Two batches in one cell: 18 ok turns, enough for the tail chart.
        let html = HTMLReport.render(ReportFixtures.report(cells: ["clean", "clean"], gates: gates))
        #expect(html.contains("<tr class=\"pass\"><th><code>ttfa.p95</code>"))
        #expect(html.contains("<tr class=\"fail\"><th><code>errors.rate</code>"))
        #expect(html.contains("&lt; 900 ms"))
        // The TTFA gate is drawn on the tail chart; the rate gate is not.
        #expect(html.components(separatedBy: "class=\"gate\"").count - 1 == 1)
        #expect(html.contains("ttfa.p95 &lt; 900 ms</text>"))
    }

    @Test func emptyRunRendersWithoutCharts() {
        let html = HTMLReport.render(RunReport(run: ReportFixtures.run(), sessions: []))
        #expect(html.contains("No TTFA was measured"))
        #expect(html.contains("No harness samples"))
        #expect(html.hasSuffix("</html>\n"))
    }
}
