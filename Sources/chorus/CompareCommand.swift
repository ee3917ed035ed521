import ArgumentParser
import ChorusCore
import ChorusReport
import ChorusStore
import Foundation

/// `chorus compare`: two stored runs side by side, cell by cell.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs: latency percentiles, errors, stalls and MOS per cell, with overlaid TTFA charts.")

    @Argument(help: "The baseline run (id, prefix or 'latest').") var runA: String
    @Argument(help: "The run to compare with it.") var runB: String
    @Option(help: "SQLite file holding the runs.") var db = "Reports/chorus.sqlite"
    @Option(help: "Directory for the comparison report (default Reports/compare-<A>-<B>).") var out: String?

    func run() async throws {
        let store = try DatabaseOpener.open(self.db)
        guard let a = try store.resolveRunId(self.runA) else { throw CLIError("no run matches '\(self.runA)' in \(self.db)") }
        guard let b = try store.resolveRunId(self.runB) else { throw CLIError("no run matches '\(self.runB)' in \(self.db)") }
        let reportA = try RunReport.load(store: store, runId: a)
        let reportB = try RunReport.load(store: store, runId: b)
        print(Self.table(reportA, reportB))
        // One report whose cells are each run's cells, labelled A and B: every chart and table then compares them.
        func labelled(_ r: RunReport, _ tag: String) -> [SessionResult] {
            r.sessions.map { s in
                var s = s
                s.networkProfile = "\(s.networkProfile) · \(tag)"
                return s
            }
        }
        var info = reportB.run
        info.id = "\(a) vs \(b)"
        info.name = "\(reportA.run.name) (A) against \(reportB.run.name) (B)"
        info.valid = reportA.run.valid && reportB.run.valid
        if !info.valid {
            info.invalidReason = [reportA.run.invalidReason.map { "A: \($0)" }, reportB.run.invalidReason.map { "B: \($0)" }]
                .compactMap { $0 }.joined(separator: "; ")
        }
        let merged = RunReport(run: info, sessions: labelled(reportA, "A") + labelled(reportB, "B"))
        let paths = try ReportWriter.write(merged, to: self.out ?? "Reports/compare-\(a)-\(b)", formats: ["html"])
        for p in paths { print("report: \(p)") }
    }

    /// Overall statistics of A and B with B − A.
    static func table(_ a: RunReport, _ b: RunReport) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%9.1f", $0) } ?? "        —" }
        func d(_ x: Double?, _ y: Double?) -> String {
            guard let x, let y else { return "        —" }
            return String(format: "%+9.1f", y - x)
        }
        var lines = ["compare A \(a.run.id) (\(a.run.name)) with B \(b.run.id) (\(b.run.name))",
                     "metric                         A          B      B − A"]
        let rows: [(String, Double?, Double?)] = [
            ("TTFA p50 (ms)", a.overall.ttfa.p50, b.overall.ttfa.p50),
            ("TTFA p95 (ms)", a.overall.ttfa.p95, b.overall.ttfa.p95),
            ("TTFA p99 (ms)", a.overall.ttfa.p99, b.overall.ttfa.p99),
            ("TTFA audible p95 (ms)", a.overall.ttfaAudible.p95, b.overall.ttfaAudible.p95),
            ("voice-to-voice p95 (ms)", a.overall.voiceToVoice.p95, b.overall.voiceToVoice.p95),
            ("errors (%)", a.overall.errorRatePct, b.overall.errorRatePct),
            ("stalls per minute", a.overall.stallsPerMinute, b.overall.stallsPerMinute),
            ("MOS (agent → caller)", a.overall.mosDown, b.overall.mosDown),
        ]
        for (name, x, y) in rows {
            lines.append(name.padding(toLength: 24, withPad: " ", startingAt: 0) + " " + f(x) + "  " + f(y) + "  " + d(x, y))
        }
        return lines.joined(separator: "\n")
    }
}
