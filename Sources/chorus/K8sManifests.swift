import Foundation

/// The plain Kubernetes manifests of a sharded run: a ConfigMap holding the scenario (and the audio files it names)
/// and an Indexed Job whose pods each run one shard (docs/distributed.md). No operator, no custom resource.
///
/// Pure string building with every string value JSON-quoted (valid YAML), so the output is the same byte for byte
/// for the same inputs (golden files) and no value can break the document's structure.
struct K8sManifests {
    /// Where the shards write their `shard-<i>-of-<N>.sqlite` files.
    enum Results: Equatable {
        /// A PersistentVolumeClaim every node can mount read-write (ReadWriteMany).
        case pvc(String)
        /// A directory on each node (`hostPath`): each node keeps the files of the shards it ran.
        case dir(String)

        /// Parses `pvc:NAME` or `dir:PATH`.
        static func parse(_ text: String) -> Results? {
            if text.hasPrefix("pvc:"), case let name = String(text.dropFirst(4)), !name.isEmpty { return .pvc(name) }
            if text.hasPrefix("dir:"), case let path = String(text.dropFirst(4)), path.hasPrefix("/") { return .dir(path) }
            return nil
        }
    }

    /// A file the scenario names, shipped in the ConfigMap and mounted beside the scenario.
    struct File: Equatable {
        /// Path relative to the scenario's directory (`audio/hello.wav`).
        var relativePath: String
        var bytes: Data
    }

    var name: String
    var namespace: String?
    var image: String
    var shards: Int
    var runId: String
    var startAt: String
    var startTolerance: String
    var scenarioHash: String
    var scenarioYAML: String
    var files: [File]
    /// `--set` overrides passed to every shard.
    var overrides: [String]
    var results: Results
    var cpu: String
    var memory: String
    var activeDeadlineSeconds: Int
    var ttlSecondsAfterFinished: Int

    /// Where the pods mount the scenario and the results.
    static let scenarioDir = "/scenario"
    static let resultsDir = "/results"
    /// The shard's exit codes the pod failure policy acts on (docs/distributed.md): 2 is bad input, the same for
    /// every shard (fail the Job); 1 is a shard whose part is invalid (fail its index, never retry it: a retry
    /// would start late).
    static let badInputExitCode = 2
    static let invalidShardExitCode = 1

    var configMapName: String { "\(self.name)-scenario" }

    /// The ConfigMap, then the Job, as one multi-document YAML stream.
    func render() -> String {
        self.configMap() + "---\n" + self.job()
    }

    func configMap() -> String {
        var y = "apiVersion: v1\nkind: ConfigMap\n"
        y += self.metadata(name: self.configMapName, indent: 0)
        y += "data:\n"
        y += "  scenario.yaml: " + Self.block(self.scenarioYAML, indent: 4)
        if !self.files.isEmpty {
            y += "binaryData:\n"
            for f in self.files {
                y += "  \(Self.key(for: f.relativePath)): \(Self.q(f.bytes.base64EncodedString()))\n"
            }
        }
        return y
    }

    func job() -> String {
        var y = "apiVersion: batch/v1\nkind: Job\n"
        y += self.metadata(name: self.name, indent: 0, annotations: true)
        y += """
            spec:
              completionMode: Indexed
              completions: \(self.shards)
              parallelism: \(self.shards)
              # A failed shard never stops the others: they finish, and the merge names the one that failed.
              backoffLimitPerIndex: 0
              maxFailedIndexes: \(self.shards)
              podFailurePolicy:
                rules:
                  # Bad input is the same for every shard: stop them all.
                  - action: FailJob
                    onExitCodes:
                      containerName: "chorus"
                      operator: In
                      values: [\(Self.badInputExitCode)]
                  # This shard's part is invalid (late start, harness-limited): a retry would start late too.
                  - action: FailIndex
                    onExitCodes:
                      containerName: "chorus"
                      operator: In
                      values: [\(Self.invalidShardExitCode)]
                  # Preempted or evicted: the merged run is invalid by design; a late retry cannot repair it.
                  - action: FailIndex
                    onPodConditions:
                      - type: DisruptionTarget
                        status: "True"
              activeDeadlineSeconds: \(self.activeDeadlineSeconds)
              ttlSecondsAfterFinished: \(self.ttlSecondsAfterFinished)
              template:

            """
        y += self.labels(indent: 4, header: "metadata:")
        y += """
                spec:
                  restartPolicy: Never
                  # One shard per node: a node holds a second shard only when every node already holds one.
                  topologySpreadConstraints:
                    - maxSkew: 1
                      topologyKey: "kubernetes.io/hostname"
                      whenUnsatisfiable: DoNotSchedule
                      labelSelector:
                        matchLabels:
                          app.kubernetes.io/instance: \(Self.q(self.name))
                  containers:
                    - name: "chorus"
                      image: \(Self.q(self.image))
                      # The shell raises the open-file limit (one socket per caller) to the node's hard limit.
                      command: ["/bin/sh", "-c"]
                      args:
                        - \(Self.q(self.shellCommand))
                      env:
                        - name: "CHORUS_SHARD_COUNT"
                          value: \(Self.q(String(self.shards)))
                        - name: "CHORUS_RUN_ID"
                          value: \(Self.q(self.runId))
                        - name: "CHORUS_START_AT"
                          value: \(Self.q(self.startAt))
                        - name: "CHORUS_START_TOLERANCE"
                          value: \(Self.q(self.startTolerance))
                        - name: "CHORUS_RESULTS_DIR"
                          value: \(Self.q(Self.resultsDir))
                      # Requests equal limits: Guaranteed QoS, so no neighbour takes the CPU a shard's timing needs.
                      resources:
                        requests:
                          cpu: \(Self.q(self.cpu))
                          memory: \(Self.q(self.memory))
                        limits:
                          cpu: \(Self.q(self.cpu))
                          memory: \(Self.q(self.memory))
                      volumeMounts:
                        - name: "scenario"
                          mountPath: \(Self.q(Self.scenarioDir))
                          readOnly: true
                        - name: "results"
                          mountPath: \(Self.q(Self.resultsDir))
                  volumes:
                    - name: "scenario"
                      configMap:
                        name: \(Self.q(self.configMapName))
                        items:
                          - key: "scenario.yaml"
                            path: "scenario.yaml"

            """
        for f in self.files {
            y += "              - key: \(Self.q(Self.key(for: f.relativePath)))\n"
            y += "                path: \(Self.q(f.relativePath))\n"
        }
        y += "        - name: \"results\"\n"
        switch self.results {
        case .pvc(let claim):
            y += "          persistentVolumeClaim:\n            claimName: \(Self.q(claim))\n"
        case .dir(let path):
            y += "          hostPath:\n            path: \(Self.q(path))\n            type: DirectoryOrCreate\n"
        }
        return y
    }

    /// `ulimit -n` to the hard limit, then `chorus run` (the shard and file name come from the environment).
    var shellCommand: String {
        let run = ["chorus", "run", "\(Self.scenarioDir)/scenario.yaml"]
            + self.overrides.flatMap { ["--set", $0] }
        return "ulimit -n \"$(ulimit -Hn)\" && exec " + run.map(Self.shellQuote).joined(separator: " ")
    }

    // MARK: - Pieces

    private func metadata(name: String, indent: Int, annotations: Bool = false) -> String {
        let pad = String(repeating: " ", count: indent)
        var y = "\(pad)metadata:\n\(pad)  name: \(Self.q(name))\n"
        if let namespace { y += "\(pad)  namespace: \(Self.q(namespace))\n" }
        y += self.labels(indent: indent + 2, header: nil)
        if annotations {
            y += "\(pad)  annotations:\n"
            y += "\(pad)    chorus.dev/scenario-hash: \(Self.q(self.scenarioHash))\n"
            y += "\(pad)    chorus.dev/start-at: \(Self.q(self.startAt))\n"
        }
        return y
    }

    private func labels(indent: Int, header: String?) -> String {
        let pad = String(repeating: " ", count: indent)
        var y = ""
        var inner = pad
        if let header {
            y += "\(pad)\(header)\n"
            inner += "  "
        }
        y += "\(inner)labels:\n"
        y += "\(inner)  app.kubernetes.io/name: \"chorus\"\n"
        y += "\(inner)  app.kubernetes.io/instance: \(Self.q(self.name))\n"
        y += "\(inner)  chorus.dev/run-id: \(Self.q(self.runId))\n"
        return y
    }

    /// A JSON string literal, which YAML reads as the same string.
    static func q(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A literal block scalar of `text` at `indent`, keeping its final line breaks exactly; JSON-quoted when a
    /// block cannot hold it (a tab or carriage return, or a first line that starts with a space).
    static func block(_ text: String, indent: Int) -> String {
        if text.isEmpty || text.contains("\r") || text.contains("\t") || text.hasPrefix(" ") || text.hasPrefix("\n") {
            return self.q(text) + "\n"
        }
        let trailing = text.reversed().prefix { $0 == "\n" }.count
        let chomp = trailing == 0 ? "-" : (trailing == 1 ? "" : "+")
        let pad = String(repeating: " ", count: indent)
        let body = text.dropLast(trailing).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
        return "|\(chomp)\n" + body + String(repeating: "\n", count: max(1, trailing))
    }

    /// A ConfigMap key for a relative path: `/` becomes `--`, and anything but ASCII letters, digits, `-`, `_` and `.`
    /// becomes `_` (the characters keys allow).
    static func key(for relativePath: String) -> String {
        relativePath.unicodeScalars.map { u -> String in
            if u == "/" { return "--" }
            let ok = u.isASCII && (CharacterSet.alphanumerics.contains(u) || "-_.".unicodeScalars.contains(u))
            return ok ? String(u) : "_"
        }.joined()
    }

    static func shellQuote(_ s: String) -> String {
        if !s.isEmpty && s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
