import ArgumentParser
import ChorusAgent
import ChorusAudio
import ChorusCore
import ChorusDialects
import ChorusEngine
import ChorusReport
import ChorusStore
import ChorusTransport
import Foundation
import NIOCore
import NIOPosix

/// `chorus run`: load a scenario, drive its callers, store every result, render the report, apply the gates.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a scenario against a voice agent (the embedded reference agent by default).")

    @Argument(help: "Scenario YAML file.") var scenario: String
    @Option(help: ArgumentHelp(
        "SQLite file that receives results (every run is appended).",
        discussion: "Default Reports/chorus.sqlite; a shard of a distributed run: $CHORUS_RESULTS_DIR/shard-<i>-of-<N>.sqlite."))
    var db: String?
    @Option(help: "Directory for the run's report (default Reports/<run-id>).") var out: String?
    @OptionGroup var changes: ScenarioOverrides
    @Option(help: "Report formats: html,csv,json.") var format = "html,csv"
    @Option(help: "Write the harness's own cost (CPU per frame, RSS, lateness) as JSON to this file.")
    var statsJson: String?
    @Option(help: ArgumentHelp(
        "Compare the callers' TTFA with a reference agent's ground truth (`chorus agent --truth FILE`) on this machine.",
        discussion: "Automatic with the embedded agent."))
    var verifyTruth: String?
    @Option(help: ArgumentHelp(
        "Scale the embedded reference agent's scripted latency and jitter by this factor (1.2 = 20 % slower).",
        discussion: "For trying a regression gate: run once as is, once scaled, then `chorus gate` (docs/ci.md)."))
    var agentLatencyScale: Double?

    /// Rejects bad `--format` values before anything runs, so a long run cannot end without its reports.
    func validate() throws {
        _ = try ReportFormats.parse(self.format)
        if let k = self.agentLatencyScale, !(k > 0 && k.isFinite) {
            throw ValidationError("--agent-latency-scale must be a positive number like 1.2 (got \(k))")
        }
    }

    func run() async throws {
        let loaded = try self.changes.load(path: self.scenario)
        var scenario = loaded.scenario
        let (yaml, sets) = (loaded.yaml, loaded.overrides)
        if let k = self.agentLatencyScale {
            scenario.agent.latencyMs *= k
            scenario.agent.jitterMs *= k
        }
        let shardEnv = try ShardEnvironment.read(ProcessInfo.processInfo.environment)
        let shard = shardEnv.partition
        let scenarioHash = ScenarioFingerprint.hash(yaml: yaml, overrides: sets, scenario: scenario)
        let maxOpenCalls = FileLimits.raise(toAtLeast: shard.slotCount(of: scenario.load.callers) * 2 + 256)

        let dbPath = self.db ?? (shard.isWhole
            ? "Reports/chorus.sqlite" : "\(shardEnv.resultsDir ?? "Reports")/\(shardEnv.fileStem).sqlite")
        let store: ResultStore
        do { store = try ResultStore(path: dbPath) } catch { throw CLIError("cannot open database \(dbPath): \(error)") }
        let runId = shardEnv.sharedRunId(scenarioHash: scenarioHash) ?? Self.makeRunId()
        let outDir = self.out ?? (shard.isWhole
            ? "Reports/\(runId)" : "\(shardEnv.resultsDir ?? "Reports")/\(shardEnv.fileStem)-\(runId)")
        if !shard.isWhole && scenario.load.arrivalRate == nil
            && shard.slotCount(of: scenario.load.stages.map { StagedSchedule(stages: $0).maxCallers } ?? scenario.load.callers) == 0
        {
            FileHandle.standardError.write(Data("warning: \(shard) has no caller: the scenario has fewer callers than shards\n".utf8))
        }

        var agentProcess: EmbeddedAgentProcess?
        let transports = TransportRegistry.standard
        let usesRTP = scenario.transports.contains(.rtp)
        if transports.callsEmbeddedAgent(scenario) {
            try? FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            agentProcess = try EmbeddedAgentProcess(
                behavior: scenario.agent, replyPath: scenario.agentReply, truthPath: "\(outDir)/agent-truth.jsonl",
                rtp: usesRTP, webRTC: scenario.transports.contains(.webrtc))
        }
        defer { agentProcess?.stop() }
        if self.agentLatencyScale != nil && agentProcess == nil {
            FileHandle.standardError.write(Data("warning: --agent-latency-scale changes only the embedded reference agent; this scenario calls its own target\n".utf8))
        }
        let cells: [RunCell]
        do {
            cells = try transports.cells(for: scenario, embeddedAgent: agentProcess?.addresses)
        } catch let problem as TargetProblem {
            throw CLIError(problem.description)
        }

        // Secrets never reach the database: the stored YAML and configuration are redacted (docs/dialects.md).
        let secrets = WebSocketTarget.secrets(of: scenario, environment: ProcessInfo.processInfo.environment)
        if scenario.target.tls.insecure && cells.contains(where: { $0.target.description.hasPrefix("wss://") }) {
            FileHandle.standardError.write(Data("warning: target.tls.insecure is set: the agent's TLS certificate is not verified\n".utf8))
        }
        // Every shard waits for the common start instant; one that wakes too late measures a different load.
        var startProblem: String?
        var startLateMs: Double?
        if let startAt = shardEnv.startAt {
            let ahead = startAt.timeIntervalSinceNow
            if ahead > 0 {
                print("\(shard): waiting \(String(format: "%.1f", ahead)) s for CHORUS_START_AT \(shardEnv.startAtText ?? "")")
            }
            let lateS = await ShardEnvironment.wait(until: startAt)
            startLateMs = lateS * 1000
            if lateS > shardEnv.toleranceS {
                startProblem = "late start by \(String(format: "%.1f", lateS)) s (CHORUS_START_AT"
                    + " \(shardEnv.startAtText ?? ""), tolerance \(String(format: "%g", shardEnv.toleranceS)) s)"
            }
        }
        let info = RunInfo(
            id: runId, name: scenario.name, scenarioYAML: Secrets.redact(yaml, secrets: secrets),
            configJSON: Self.json(scenario.redactedForStorage),
            startedAt: Self.now(), harnessVersion: ChorusVersion.string, host: ProcessInfo.processInfo.hostName,
            gitCommit: ChorusVersion.gitCommit)
        try store.insertRun(info)
        try store.recordProvenance(
            RunProvenance(
                shardIndex: shard.isWhole ? nil : shard.index, shardCount: shard.isWhole ? nil : shard.count,
                scenarioHash: scenarioHash, startAt: shardEnv.startAtText, startLateMs: startLateMs),
            runId: runId)
        if !shard.isWhole { print("\(shard) of run \(runId) → \(dbPath)") }
        let turns = scenario.session.maxTurns.map { "\(scenario.session.turns)–\($0)" } ?? "\(scenario.session.turns)"
        print("chorus run \(runId): \(scenario.name), \(scenario.load.callers) callers × \(turns) turns → \(cells.map { "\($0.transport)/\($0.profile.name) \($0.target.description)" }.joined(separator: ", "))")

        let baselineRSS = HarnessMonitor.rssMB()
        let cpuBefore = HarnessMonitor.cpuSeconds()
        let wallBefore = Date()
        let threads = scenario.callerLoops(cores: UsableCores.count)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let load = LoadRun(
            scenario: scenario, cells: cells, runId: runId, group: group, maxOpenCalls: maxOpenCalls, shard: shard)
        let writer = ResultWriter(store: store, runId: runId)
        let writerTask = Task {
            BookkeepingPriority.lowerCurrentThread()
            await writer.run()
        }  // cancelled after the run; flushes on the way out
        let signals = Signals.onInterrupt { load.abort() }
        let progress = ProgressLine()
        let outcome = await load.run(
            onSession: { await writer.add($0) },
            onSample: { sample in
                await writer.add(sample)
                progress.show(load.progress.snapshot, active: sample.activeSessions, elapsedS: sample.tMs / 1000)
            })
        progress.clear()
        // An optimized build would release the sources (and with them Ctrl-C) as soon as they were made.
        withExtendedLifetime(signals) {}
        // Taken now, before reports are written: the run's own cost.
        let stats = self.statsJson.map { _ in
            HarnessStats(
                callers: shard.slotCount(of: scenario.load.callers), totals: outcome.totals, cpuSeconds: HarnessMonitor.cpuSeconds() - cpuBefore,
                wallSeconds: Date().timeIntervalSince(wallBefore), baselineRSSMB: baselineRSS,
                invalidReason: outcome.invalidReason)
        }
        writerTask.cancel()
        await writerTask.value
        try await writer.flush()
        try? await group.shutdownGracefully()
        agentProcess?.stop()

        let verdict = try self.finish(
            runId: runId, scenario: scenario, store: store, outcome: outcome, startProblem: startProblem,
            sessionIdPrefix: load.sessionIdPrefix, isShard: !shard.isWhole, outDir: outDir, dbPath: dbPath,
            truthPath: self.verifyTruth ?? (agentProcess != nil ? "\(outDir)/agent-truth.jsonl" : nil))
        if let statsJson, var s = stats {
            s.accuracy = verdict.accuracy.map(HarnessStats.Accuracy.init)
            s.valid = verdict.invalidReason == nil
            s.invalidReason = verdict.invalidReason
            try s.write(to: statsJson)
        }
        if verdict.failed { throw ExitCode(1) }
    }

    /// How a run ended, for the exit code and `--stats-json`.
    private struct Verdict {
        /// The callers' error against the reference agent's ground truth (embedded, or `--verify-truth`).
        var accuracy: TruthComparison?
        /// Why the run is invalid: the harness's own overload, or turns below the network's physical minimum.
        var invalidReason: String?
        /// The run was invalid, aborted, failed a gate, or every call failed.
        var failed: Bool
    }

    /// Closes the run in the database, applies the gates, writes the reports, compares with the ground truth at
    /// `truthPath` and says whether the run failed.
    private func finish(
        runId: String, scenario: Scenario, store: ResultStore, outcome: LoadRun.Outcome, startProblem: String?,
        sessionIdPrefix: String, isShard: Bool, outDir: String, dbPath: String, truthPath: String?
    ) throws -> Verdict {
        let status: RunInfo.Status = outcome.aborted ? .aborted : .completed
        // A TTFA below what the network allows is a measurement bug, never data: the run cannot be trusted.
        var measured = try RunReport.load(store: store, runId: runId)
        let sessions = measured.sessions
        let implausible = measured.overall.implausibleTurns
        var invalidReason = [startProblem, outcome.invalidReason].compactMap { $0 }.joined(separator: "; ")
            .nilIfEmpty
        if implausible > 0 {
            let floors = Set(sessions.filter { $0.implausibleTurns > 0 }.map { "\($0.transport)/\($0.networkProfile)" })
            let why = "\(implausible) turn\(implausible == 1 ? "" : "s") measured a TTFA below the network's physical"
                + " minimum (\(floors.sorted().joined(separator: ", ")))"
            invalidReason = [invalidReason, why].compactMap { $0 }.joined(separator: "; ")
        }
        try store.finishRun(
            id: runId, endedAt: Self.now(), status: status, valid: invalidReason == nil, invalidReason: invalidReason)
        // Only the run's row changed: the sessions and samples already read stand.
        if let run = try store.run(id: runId) { measured.run = run }
        let gates = GateEvaluator.evaluate(scenario.thresholds, report: measured)
        try store.replaceGates(gates, runId: runId)
        let report = RunReport(run: measured.run, sessions: measured.sessions, samples: measured.samples, gates: gates)
        let formats = Set(self.format.split(separator: ",").map { String($0) })
        let paths = try ReportWriter.write(report, to: outDir, formats: formats)

        print(TerminalSummary.render(report))
        var accuracy: TruthComparison?
        if let truthPath {
            do {
                let truth = try TruthRecord.read(path: truthPath)
                let comparison = TruthComparison(
                    sessions: report.sessions, truth: truth, runId: sessionIdPrefix, originNs: outcome.originNs)
                for line in comparison.lines { print(line) }
                accuracy = comparison
            } catch {
                print("accuracy: cannot read the agent's ground truth \(truthPath): \(error)")
            }
        }
        if let html = paths.first(where: { $0.hasSuffix(".html") }) { print("report: \(html)") }
        if scenario.baseline != nil {
            print("baseline gates: chorus gate \(runId) --db \(dbPath)\(scenario.baseline?.against == nil ? " --baseline RUN|latest-passing|TAG" : "")")
        }
        if outcome.aborted { print("run aborted by the user; what was measured is kept (status aborted)") }
        let everyCallFailed = !report.sessions.isEmpty && report.sessions.allSatisfy { $0.outcome.isError }
        return Verdict(
            accuracy: accuracy, invalidReason: invalidReason,
            // A shard's gates see part of the load: they are judged on the merged run (`chorus merge`), so a shard
            // fails only when its part is invalid (the Job then marks its index failed).
            failed: invalidReason != nil || (isShard ? false : gates.contains(where: { !$0.passed }) || everyCallFailed)
                || outcome.aborted)
    }

    static func makeRunId() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return "\(f.string(from: Date()))-\(String(format: "%04x", UInt16.random(in: 0...UInt16.max)))"
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    static func json(_ scenario: Scenario) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(scenario)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension String {
    /// Nil for the empty string.
    var nilIfEmpty: String? { self.isEmpty ? nil : self }
}
