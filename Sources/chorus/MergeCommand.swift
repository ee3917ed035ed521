import ArgumentParser
import ChorusCore
import ChorusReport
import ChorusStore
import Foundation

/// `chorus merge`: one run from the results files of a sharded run, exact and with one validity verdict.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the shard files of a distributed run into one run (docs/distributed.md).",
        discussion: """
            Checks that shards 0…N−1 of one run are each there once with the same run id, scenario hash and Chorus \
            version; copies every per-run row (sessions, turns, network stats, samples) into one run of --db; \
            computes every percentile from the merged raw rows and applies the scenario's thresholds. The merged run \
            is valid only when every shard is present, ended and valid; otherwise it is invalid and names each shard \
            and why (missing, crashed, late start, harness-limited, foreign). \
            Exit status: 0 valid and every gate passed, 1 invalid or a gate failed, 2 bad input.
            """)

    @Argument(help: "The shards' SQLite files (shard-<i>-of-<N>.sqlite).") var shards: [String]
    @Option(help: "SQLite file that receives the merged run (created if needed; other runs in it are kept).")
    var db: String
    @Option(help: "Also write the merged run's reports to this directory.") var out: String?
    @Option(help: "Report formats with --out: html,csv,json.") var format = "html,csv"

    func validate() throws {
        guard !self.shards.isEmpty else { throw ValidationError("give the shard files to merge") }
        _ = try ReportFormats.parse(self.format)
    }

    func run() async throws {
        let plan = try self.plan()
        let reference = try self.referenceRun(plan)
        let store: ResultStore
        do { store = try ResultStore(path: self.db) } catch { throw CLIError("cannot open database \(self.db): \(error)") }
        if try store.run(id: plan.runId) != nil {
            throw CLIError("\(self.db) already holds run \(plan.runId); merge into another file or remove it first")
        }
        let merged = plan.merged
        var info = reference
        info.startedAt = merged.map(\.startedAt).min() ?? reference.startedAt
        info.endedAt = nil
        info.status = .running
        info.valid = plan.isValid
        info.invalidReason = nil
        info.host = Set(merged.map(\.host)).sorted().joined(separator: ", ")
        try store.insertRun(info)
        let startAt = try ResultStore.shardRuns(path: merged[0].path).first { $0.runId == plan.runId }?.startAt
        try store.recordProvenance(
            RunProvenance(shardCount: plan.shardCount, scenarioHash: plan.scenarioHash, startAt: startAt),
            runId: plan.runId)

        let clock = ContinuousClock()
        var rows = 0
        let copying = try clock.measure {
            for shard in merged {
                let copy = try store.importShard(
                    path: shard.path, sourceRunId: shard.runId, into: plan.runId, shardIndex: shard.shardIndex ?? 0)
                rows += copy.total
            }
        }
        let numbering = try clock.measure { try store.renumberSessions(runId: plan.runId) }
        try store.recordShards(plan)
        for line in Self.shardLines(plan) { print(line) }
        let seconds = Self.seconds(copying)
        print(String(
            format: "copied %ld rows from %ld shard files in %.3f s (%.0f rows/s); sessions renumbered in %.3f s", rows,
            merged.count, seconds, seconds > 0 ? Double(rows) / seconds : 0, Self.seconds(numbering)))

        let invalidReason = plan.problems.joined(separator: "; ").nilIfEmpty
        let ended = merged.compactMap(\.endedAt).max() ?? RunCommand.now()
        try store.finishRun(
            id: plan.runId, endedAt: ended, status: RunInfo.Status(rawValue: plan.status) ?? .failed,
            valid: plan.isValid, invalidReason: invalidReason)
        var report = try RunReport.load(store: store, runId: plan.runId)
        let thresholds = try StoredGatePlan(configJSON: report.run.configJSON, runId: plan.runId).thresholds ?? []
        let gates = GateEvaluator.evaluate(thresholds, report: report)
        try store.replaceGates(gates, runId: plan.runId)
        report = RunReport(run: report.run, sessions: report.sessions, samples: report.samples, gates: gates)
        print(TerminalSummary.render(report))
        if let out = self.out {
            for p in try ReportWriter.write(report, to: out, formats: Set(self.format.split(separator: ",").map(String.init))) {
                print("wrote \(p)")
            }
        }
        print("merged run \(plan.runId) in \(self.db): chorus report \(plan.runId) --db \(self.db); chorus gate \(plan.runId) --db \(self.db)")
        if !plan.isValid || gates.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }

    /// Reads each file's runs and plans the merge of the run most files hold.
    private func plan() throws -> ShardMergePlan {
        var perFile: [[ShardRun]] = []
        for path in self.shards {
            let runs: [ShardRun]
            do { runs = try ResultStore.shardRuns(path: path) } catch { throw CLIError("merge: \(error)") }
            if runs.isEmpty {
                // A shard killed before its start instant leaves an empty file: its index is reported missing.
                FileHandle.standardError.write(Data("warning: \(path) holds no run (a shard stopped before it started?)\n".utf8))
                continue
            }
            let shardRuns = runs.filter { $0.shardIndex != nil && $0.shardCount != nil }
            guard !shardRuns.isEmpty else {
                throw CLIError("merge: \(path) holds no shard run (run \(runs[0].runId) was run without CHORUS_SHARD_COUNT)")
            }
            perFile.append(shardRuns)
        }
        guard !perFile.isEmpty else { throw CLIError("merge: none of the files holds a run") }
        var votes: [String: Int] = [:]
        for runs in perFile { for id in Set(runs.map(\.runId)) { votes[id, default: 0] += 1 } }
        let best = votes.values.max() ?? 0
        let chosen = perFile.flatMap { $0 }.first { votes[$0.runId] == best }!.runId
        let picked = perFile.map { runs in runs.first { $0.runId == chosen } ?? runs[0] }
        do { return try ShardMergePlan(picked) } catch { throw CLIError("merge: \(error)") }
    }

    /// The run row the merged run starts from: the lowest-index shard copied.
    private func referenceRun(_ plan: ShardMergePlan) throws -> RunInfo {
        guard let first = plan.merged.first else {
            throw CLIError("merge: no file holds a shard of run \(plan.runId) that can be merged")
        }
        do {
            guard let info = try ResultStore.runInfo(path: first.path, runId: first.runId) else {
                throw CLIError("merge: \(first.path) lost run \(first.runId) while it was read")
            }
            return info
        } catch let e as CLIError { throw e } catch { throw CLIError("merge: \(error)") }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// One line per shard: index, state, file, rows and verdict.
    static func shardLines(_ plan: ShardMergePlan) -> [String] {
        plan.entries.map { e in
            let what: String
            if let r = e.run {
                what = "\(r.path)  \(r.sessions) sessions, \(r.turns) turns  \(r.host)"
            } else {
                what = "-"
            }
            let verdict = e.problem.map { "INVALID: \($0)" } ?? "valid"
            return "shard \(e.index) of \(plan.shardCount)  \(e.state.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(what)  \(verdict)"
        }
    }
}
