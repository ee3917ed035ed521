/// Which shard runs `chorus merge` copies into the merged run, and its one validity verdict (docs/distributed.md).
///
/// Pure: built from what the files say (`ShardRun`s), so every way a distributed run goes wrong is tested without
/// running one. The run being merged is the run id most files hold (ties: the first file's). Every shard of it must
/// be there exactly once with the same scenario hash, Chorus version and shard count; the merged run is valid only
/// when shards 0…N−1 are all present, none is foreign, and each one is valid and ended.
public struct ShardMergePlan: Sendable {
    /// One slot of the merged run's shards, as recorded in `run_shards`.
    public struct Entry: Sendable, Hashable {
        public enum State: String, Sendable {
            /// Copied into the merged run.
            case merged
            /// No file held this shard.
            case missing
            /// A shard of another run, scenario or Chorus version: not copied.
            case foreign
        }
        public var index: Int
        public var state: State
        /// The shard's run as read; nil when missing.
        public var run: ShardRun?
        /// Why this entry makes the merged run invalid; nil when it does not.
        public var problem: String?
    }

    public var runId: String
    public var shardCount: Int
    public var scenarioHash: String?
    public var harnessVersion: String
    /// One entry per index 0…N−1 (merged or missing), then the foreign shards.
    public var entries: [Entry]

    /// The shards copied, by index.
    public var merged: [ShardRun] { self.entries.filter { $0.state == .merged }.compactMap(\.run) }

    /// Each problem as `shard i of N: reason`, by index; empty when the merged run is valid.
    public var problems: [String] {
        self.entries.compactMap { e in e.problem.map { "shard \(e.index) of \(self.shardCount): \($0)" } }
    }

    /// True when every shard is present, none is foreign, and each is valid and ended.
    public var isValid: Bool { self.problems.isEmpty }

    /// The merged run's status: `failed` when a shard is missing or crashed, `aborted` when one was stopped by the
    /// user, else `completed`.
    public var status: String {
        let present = self.merged
        if present.count < self.shardCount || present.contains(where: { $0.endedAt == nil || $0.status == "running" || $0.status == "failed" }) {
            return "failed"
        }
        return present.contains(where: { $0.status == "aborted" }) ? "aborted" : "completed"
    }

    /// A failure of the input itself: nothing to merge, or one shard given twice.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Plans the merge of `runs` (at most one per file: see `ResultStore.shardRuns(path:)`).
    /// - Throws: `Failure` when no run is a shard, or a shard index of the merged run is held by two files.
    public init(_ runs: [ShardRun]) throws {
        let shards = runs.filter { $0.shardIndex != nil && $0.shardCount != nil }
        if let notShard = runs.first(where: { $0.shardIndex == nil || $0.shardCount == nil }) {
            throw Failure(description: "\(notShard.path): run \(notShard.runId) is not a shard (it was run without"
                + " CHORUS_SHARD_COUNT); chorus merge takes the files a sharded run wrote")
        }
        guard let first = shards.first else { throw Failure(description: "no shard runs to merge") }
        var votes: [String: Int] = [:]
        for r in shards { votes[r.runId, default: 0] += 1 }
        let best = votes.values.max() ?? 0
        let chosenId = shards.first(where: { votes[$0.runId] == best })?.runId ?? first.runId
        let reference = shards.first(where: { $0.runId == chosenId })!
        self.runId = chosenId
        self.shardCount = reference.shardCount!
        self.scenarioHash = reference.scenarioHash
        self.harnessVersion = reference.harnessVersion

        var byIndex: [Int: ShardRun] = [:]
        var foreign: [Entry] = []
        for r in shards {
            if let why = Self.foreignReason(r, reference: reference) {
                foreign.append(Entry(index: r.shardIndex!, state: .foreign, run: r, problem: "foreign (\(why)), from \(r.path)"))
                continue
            }
            if let other = byIndex[r.shardIndex!] {
                throw Failure(description: "shard \(r.shardIndex!) of run \(chosenId) is in both \(other.path) and \(r.path);"
                    + " give each shard's file once")
            }
            byIndex[r.shardIndex!] = r
        }
        self.entries = (0..<self.shardCount).map { i in
            guard let r = byIndex[i] else { return Entry(index: i, state: .missing, run: nil, problem: "missing") }
            return Entry(index: i, state: .merged, run: r, problem: r.problem)
        } + foreign
    }

    /// Why `run` does not belong to the run `reference` is part of; nil when it does.
    static func foreignReason(_ run: ShardRun, reference: ShardRun) -> String? {
        if run.runId != reference.runId { return "run id \(run.runId), expected \(reference.runId)" }
        if run.shardCount != reference.shardCount {
            return "one of \(run.shardCount ?? 0) shards, expected \(reference.shardCount ?? 0)"
        }
        if run.scenarioHash != reference.scenarioHash {
            return "scenario hash \(run.scenarioHash ?? "none"), expected \(reference.scenarioHash ?? "none")"
        }
        if run.harnessVersion != reference.harnessVersion {
            return "Chorus \(run.harnessVersion), expected \(reference.harnessVersion)"
        }
        if let i = run.shardIndex, let n = run.shardCount, !(0..<n).contains(i) { return "index \(i) out of range" }
        return nil
    }
}
