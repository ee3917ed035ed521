import ArgumentParser
import ChorusCore
import ChorusEngine
import Foundation

/// `chorus k8s`: run a scenario on Kubernetes with plain manifests (docs/distributed.md).
struct K8sCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s", abstract: "Kubernetes: render the manifests of a sharded run.",
        subcommands: [K8sRenderCommand.self])
}

/// `chorus k8s render`: a ConfigMap with the scenario and an Indexed Job with one pod per shard.
struct K8sRenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write a ConfigMap and an Indexed Job that run SCENARIO in N shards (kubectl apply -f them).",
        discussion: """
            Every shard waits for one start instant (--start-at, or now + --start-delay), records the same run id, \
            and writes shard-<i>-of-<N>.sqlite to the results volume; `chorus merge` then makes one run of them. \
            The scenario's audio files go into the ConfigMap (about 1 MiB at most in all).
            """)

    @Argument(help: "Scenario YAML file.") var scenario: String
    @Option(help: "Number of shards (pods), 1…100000.") var shards: Int
    @Option(help: "Container image holding the chorus binary (see Containerfile).") var image: String
    @Option(help: "Results volume: pvc:NAME (a ReadWriteMany claim) or dir:PATH (a hostPath directory on each node).")
    var results = "pvc:chorus-results"
    @Option(help: "Write configmap.yaml and job.yaml to this directory instead of standard output.") var output: String?
    @Option(help: "Job name (a DNS label of at most 50 characters); default chorus-<scenario name>.") var name: String?
    @Option(help: "Namespace written into the manifests.") var namespace: String?
    @Option(help: "The common start instant, RFC 3339 (default: now + --start-delay, whole seconds).") var startAt: String?
    @Option(help: "How long after rendering the shards start: time to apply, schedule and pull the image.")
    var startDelay = "2m"
    @Option(help: "How late a shard may start before its part, and so the merged run, is invalid.")
    var startTolerance = "1s"
    @Option(help: "The run id (default: derived from the scenario hash and the start instant).") var runId: String?
    @Option(help: "CPU of each shard's pod (requests = limits).") var cpu = "2"
    @Option(help: "Memory of each shard's pod (requests = limits).") var memory = "2Gi"
    @Option(help: "Delete the finished Job this long after it ends (ttlSecondsAfterFinished).") var ttl = "24h"
    @Option(help: "Added to the start delay and the run's length for the Job's activeDeadlineSeconds.")
    var deadlineMargin = "5m"
    @OptionGroup var changes: ScenarioOverrides

    /// Largest total size of the bundled files: a ConfigMap holds at most 1 MiB, and base64 adds a third.
    static let maxBundledBytes = 700 * 1024

    func validate() throws {
        guard (1...100_000).contains(self.shards) else {
            throw ValidationError("--shards must be between 1 and 100000 (got \(self.shards))")
        }
        guard !self.image.isEmpty else { throw ValidationError("--image must name a container image") }
        guard K8sManifests.Results.parse(self.results) != nil else {
            throw ValidationError("--results must be pvc:NAME or dir:/absolute/path (got '\(self.results)')")
        }
        if let name, !Self.isJobName(name) {
            throw ValidationError("--name must be a DNS label: lowercase letters, digits and '-', at most 50 characters (got '\(name)')")
        }
        if let startAt, ShardEnvironment.parseInstant(startAt) == nil {
            throw ValidationError("--start-at must be an RFC 3339 instant like 2026-12-05T07:30:00Z (got '\(startAt)')")
        }
        if let runId, !ShardEnvironment.isRunId(runId) {
            throw ValidationError("--run-id must be 1 to 64 letters, digits, '.', '_' or '-' (got '\(runId)')")
        }
        for (flag, text) in [
            ("--start-delay", self.startDelay), ("--start-tolerance", self.startTolerance), ("--ttl", self.ttl),
            ("--deadline-margin", self.deadlineMargin),
        ] where (DurationParser.milliseconds(text) ?? -1) < 0 {
            throw ValidationError("\(flag) must be a duration like 90s or 2m (got '\(text)')")
        }
    }

    func run() async throws {
        let (scenario, yaml, sets) = try self.changes.load(path: self.scenario)
        let hash = ScenarioFingerprint.hash(yaml: yaml, overrides: sets, scenario: scenario)
        let startDate = self.startAt.flatMap(ShardEnvironment.parseInstant)
            ?? Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + self.seconds(self.startDelay)).rounded(.up))
        let startText = self.startAt ?? Self.rfc3339(startDate)
        let manifests = K8sManifests(
            name: self.name ?? Self.jobName(for: scenario.name), namespace: self.namespace, image: self.image,
            shards: self.shards, runId: self.runId ?? ShardEnvironment.derivedRunId(scenarioHash: hash, startAt: startDate),
            startAt: startText, startTolerance: self.startTolerance, scenarioHash: hash, scenarioYAML: yaml,
            files: try self.bundledFiles(scenario), overrides: sets, results: K8sManifests.Results.parse(self.results)!,
            cpu: self.cpu, memory: self.memory,
            activeDeadlineSeconds: Int((self.seconds(self.startDelay) + Self.runLengthSeconds(scenario)
                + self.seconds(self.deadlineMargin)).rounded(.up)),
            ttlSecondsAfterFinished: Int(self.seconds(self.ttl).rounded(.up)))
        guard let output else {
            print(manifests.render(), terminator: "")
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try Data(manifests.configMap().utf8).write(to: URL(fileURLWithPath: "\(output)/configmap.yaml"))
            try Data(manifests.job().utf8).write(to: URL(fileURLWithPath: "\(output)/job.yaml"))
        } catch {
            throw CLIError("cannot write the manifests to \(output): \(error)")
        }
        print("wrote \(output)/configmap.yaml and \(output)/job.yaml: run \(manifests.runId), \(self.shards) shards from \(startText)")
        print("apply: kubectl apply -f \(output)/configmap.yaml -f \(output)/job.yaml")
        print("then: chorus merge shard-*-of-\(self.shards).sqlite --db merged.sqlite (docs/distributed.md)")
    }

    private func seconds(_ text: String) -> Double { (DurationParser.milliseconds(text) ?? 0) / 1000 }

    /// The audio files the scenario names, relative to its directory.
    /// - Throws: `CLIError` for a file outside the scenario's directory, or files too large for a ConfigMap.
    private func bundledFiles(_ scenario: Scenario) throws -> [K8sManifests.File] {
        let dir = URL(fileURLWithPath: self.scenario).deletingLastPathComponent().standardizedFileURL.path
        var seen = Set<String>()
        var files: [K8sManifests.File] = []
        var total = 0
        let paths = scenario.session.utterances + [scenario.session.bargeIn?.utterance, scenario.agentReply].compactMap { $0 }
        for path in paths {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            guard absolute.hasPrefix(dir + "/") else {
                throw CLIError("k8s render: \(path) is outside the scenario's directory \(dir); the pods see only that directory (copy the file into it)")
            }
            let relative = String(absolute.dropFirst(dir.count + 1))
            guard seen.insert(relative).inserted else { continue }
            guard let bytes = FileManager.default.contents(atPath: absolute) else {
                throw CLIError("k8s render: cannot read \(absolute)")
            }
            total += bytes.count
            files.append(K8sManifests.File(relativePath: relative, bytes: bytes))
        }
        if total > Self.maxBundledBytes {
            throw CLIError("k8s render: the scenario's audio files take \(total / 1024) KiB, more than a ConfigMap holds (\(Self.maxBundledBytes / 1024) KiB); use shorter clips or fewer of them")
        }
        return files.sorted { $0.relativePath < $1.relativePath }
    }

    /// An upper bound of how long a run of `scenario` takes once started: its duration (or stages), or for one
    /// session per caller the ramp plus each turn's response timeout, think time and 30 s of speech; plus the
    /// grace period in which the last sessions finish.
    static func runLengthSeconds(_ scenario: Scenario) -> Double {
        let s = scenario.session
        let graceS = (s.responseTimeoutMs + 5000) / 1000
        if let d = scenario.load.durationMs { return d / 1000 + graceS }
        if let stages = scenario.load.stages { return Double(StagedSchedule(stages: stages).totalNs) / 1e9 + graceS }
        let perTurnS = (s.responseTimeoutMs + s.thinkTimeMs.upperBound) / 1000 + 30
        return scenario.load.rampMs / 1000 + Double(s.turns) * perTurnS + graceS
    }

    static func jobName(for scenarioName: String) -> String {
        var out = ""
        for c in scenarioName.lowercased() {
            let ok = c.isASCII && (c.isLetter || c.isNumber)
            if ok { out.append(c) } else if !out.hasSuffix("-") { out.append("-") }
        }
        let trimmed = String(("chorus-" + out).prefix(50)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed
    }

    static func isJobName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 50 && !s.hasPrefix("-") && !s.hasSuffix("-")
            && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    static func rfc3339(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
