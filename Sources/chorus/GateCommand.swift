import ArgumentParser
import ChorusCore
import ChorusReport
import ChorusStore
import Foundation

/// `chorus gate`: check a stored run against its thresholds and against a baseline run, for CI.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Gate a run: its thresholds, and a comparison with a baseline run that tells a regression from noise.",
        discussion: """
            Each metric of thresholds.baseline (default: ttfa.p50 and ttfa.p95) is compared overall and per cell: \
            a session-level bootstrap interval of the difference and a Mann-Whitney U test. A gate fails only on a \
            significant regression larger than its tolerance; too small a sample is inconclusive, never a pass. \
            Exit status: 0 every gate passed, 1 a gate failed or was inconclusive or the run is invalid, 2 bad input. \
            See docs/ci.md.
            """)

    @Argument(help: "The run to gate: id, unique prefix or 'latest'.") var run = "latest"
    @Option(help: ArgumentHelp(
        "The baseline: 'latest-passing' (the newest valid run of the same scenario whose gates all passed), a tag, a run id, or 'none'.",
        discussion: "Default: the scenario's thresholds.baseline.against; with 'none' or neither, only the thresholds are checked."))
    var baseline: String?
    @Option(help: "Read the baseline from this SQLite file (a CI artifact from the default branch) instead of --db.")
    var baselineDb: String?
    @Option(help: "SQLite file holding the run; the gate rows are written back to it.") var db = "Reports/chorus.sqlite"
    @Option(help: "Write a JUnit XML report here.") var junit: String?
    @Option(help: "Write the JSON gate report (schema chorus.gate v1) here.") var json: String?
    @Option(help: "Write a Markdown summary (job summary, PR comment) here.") var markdown: String?
    @Option(help: "Bootstrap resamples per comparison (at least 2000).") var resamples = 2000
    @Option(help: "Seed of the bootstrap: the same seed gives the same verdict.") var seed: UInt64 = 1

    func validate() throws {
        guard self.resamples >= 2000 else { throw ValidationError("--resamples must be at least 2000 (got \(self.resamples))") }
    }

    func run() async throws {
        let store = try DatabaseOpener.open(self.db)
        guard let id = try store.resolveRunId(self.run) else {
            throw CLIError("no run matches '\(self.run)' in \(self.db) (see `chorus runs`)")
        }
        let report = try RunReport.load(store: store, runId: id)
        let plan = try StoredGatePlan(configJSON: report.run.configJSON, runId: id)
        var gates = GateEvaluator.evaluate(plan.thresholds ?? [], report: report)
        let method = BaselineComparison(resamples: self.resamples, seed: self.seed)
        var baselineRun: RunInfo?
        if let spec = self.baseline ?? plan.baseline?.against, spec != "none" {
            let baselineReport = try self.loadBaseline(spec, for: report, store: store)
            baselineRun = baselineReport.run
            if baselineReport.run.name != report.run.name {
                FileHandle.standardError.write(Data(
                    "warning: the baseline \(baselineReport.run.id) ran scenario '\(baselineReport.run.name)', not '\(report.run.name)'\n".utf8))
            }
            gates += method.compare(
                plan.baseline?.rules ?? BaselinePlan.standard.rules, run: report, baseline: baselineReport,
                baselineSource: self.baselineDb)
        } else if plan.baseline != nil && self.baseline != "none" {
            FileHandle.standardError.write(Data(
                "warning: the scenario has thresholds.baseline but no baseline was given: pass --baseline (or set thresholds.baseline.against)\n".utf8))
        }
        try store.replaceGates(gates, runId: id)
        let gateReport = GateReport(
            run: report.run, baseline: baselineRun, baselineSource: self.baselineDb, gates: gates, method: method)
        print(TerminalSummary.render(gateReport), terminator: "")
        try self.write(gateReport)
        if !gateReport.passed { throw ExitCode(1) }
    }

    /// The baseline run `spec` names, from `--baseline-db` or the run's own database.
    /// - Throws: `CLIError` when nothing matches, it is the gated run itself, or it is invalid.
    private func loadBaseline(_ spec: String, for report: RunReport, store: ResultStore) throws -> RunReport {
        let baselineStore = try self.baselineDb.map(DatabaseOpener.open) ?? store
        let source = self.baselineDb ?? self.db
        guard let id = try baselineStore.resolveBaseline(
            spec, scenario: report.run.name, excluding: self.baselineDb == nil ? report.run.id : nil)
        else {
            let what = spec == "latest-passing" ? "no passing run of scenario '\(report.run.name)'" : "no run or tag matches '\(spec)'"
            throw CLIError("baseline: \(what) in \(source) (see `chorus runs --db \(source)`)")
        }
        if id == report.run.id && self.baselineDb == nil {
            throw CLIError("baseline: '\(spec)' is run \(id), the run being gated; name an earlier run, a tag or latest-passing")
        }
        let baseline = try RunReport.load(store: baselineStore, runId: id)
        if let problem = GateReport.problems(of: baseline.run).first {
            throw CLIError("baseline: \(problem) in \(source); it cannot be a baseline")
        }
        return baseline
    }

    private func write(_ report: GateReport) throws {
        var files: [(String, String)] = []
        if let junit { files.append((junit, JUnitReport.render(report))) }
        if let json { files.append((json, try GateJSON.render(report))) }
        if let markdown { files.append((markdown, GateMarkdown.render(report))) }
        for (path, text) in files {
            let url = URL(fileURLWithPath: path)
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw CLIError("cannot write \(path): \(error)")
            }
            print("wrote \(path)")
        }
    }
}

/// The gating part of a stored run's resolved configuration (`runs.config_json`).
struct StoredGatePlan: Decodable {
    var thresholds: [Threshold]?
    var baseline: BaselinePlan?

    init(configJSON: String, runId: String) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(configJSON.utf8))
        } catch {
            throw CLIError("run \(runId): cannot read the thresholds from its stored configuration: \(error)")
        }
    }
}

/// `chorus tag`: name a run, to use it as a baseline.
struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Name a run (release-1.4) for use as a baseline: chorus gate --baseline release-1.4.")

    @Argument(help: "Run id, unique prefix or 'latest'.") var run: String
    @Argument(help: "The tag: letters, digits, '.', '_', '-', '/', '+'; a tag already used moves to this run.") var name: String
    @Option(help: "SQLite file holding the runs.") var db = "Reports/chorus.sqlite"

    func run() async throws {
        let store = try DatabaseOpener.open(self.db)
        guard let id = try store.resolveRunId(self.run) else {
            throw CLIError("no run matches '\(self.run)' in \(self.db) (see `chorus runs`)")
        }
        do {
            try store.tag(runId: id, name: self.name, at: RunCommand.now())
        } catch let error as StoreError {
            throw CLIError("tag: \(error)")
        }
        print("tagged \(id) as \(self.name)")
    }
}
