import Testing

@testable import ChorusStore

/// `chorus merge`'s plan: which shards are copied and the one validity verdict, from what the files say.
@Suite("shard merge plan")
struct ShardMergePlanTests {
    static func shard(
        _ index: Int, of count: Int = 3, run: String = "R", hash: String = "h", version: String = "0.1.0",
        ended: Bool = true, status: String = "completed", valid: Bool = true, reason: String? = nil
    ) -> ShardRun {
        ShardRun(
            path: "shard-\(index)-of-\(count)-\(run).sqlite", runId: run, shardIndex: index, shardCount: count,
            scenarioHash: hash, harnessVersion: version, endedAt: ended ? "2026-12-05T07:00:10Z" : nil, status: status,
            valid: valid, invalidReason: reason)
    }

    @Test("all shards present, ended and valid: a valid, completed run")
    func allPresent() throws {
        let plan = try ShardMergePlan([Self.shard(2), Self.shard(0), Self.shard(1)])
        #expect(plan.isValid && plan.problems.isEmpty)
        #expect(plan.merged.map(\.shardIndex) == [0, 1, 2])
        #expect(plan.status == "completed" && plan.runId == "R" && plan.shardCount == 3)
    }

    @Test("a missing shard makes the run invalid and failed, naming it")
    func missing() throws {
        let plan = try ShardMergePlan([Self.shard(0), Self.shard(2)])
        #expect(!plan.isValid)
        #expect(plan.problems == ["shard 1 of 3: missing"])
        #expect(plan.status == "failed")
    }

    @Test("a shard with no end (killed) is merged but makes the run invalid")
    func crashed() throws {
        let plan = try ShardMergePlan([Self.shard(0), Self.shard(1, ended: false, status: "running"), Self.shard(2)])
        #expect(plan.problems == ["shard 1 of 3: crashed (no end recorded)"])
        #expect(plan.merged.count == 3 && plan.status == "failed")
    }

    @Test("a late or harness-limited shard passes its own reason on")
    func lateAndLimited() throws {
        let plan = try ShardMergePlan([
            Self.shard(0, valid: false, reason: "late start by 2.3 s (CHORUS_START_AT x, tolerance 1 s)"),
            Self.shard(1), Self.shard(2, valid: false, reason: "harness-limited: send lateness p99 9.0 ms > 5.0 ms"),
        ])
        #expect(plan.problems == [
            "shard 0 of 3: late start by 2.3 s (CHORUS_START_AT x, tolerance 1 s)",
            "shard 2 of 3: harness-limited: send lateness p99 9.0 ms > 5.0 ms",
        ])
        #expect(plan.status == "completed")
    }

    @Test("a foreign shard (other run id, scenario, version or count) is not copied and makes the run invalid")
    func foreign() throws {
        for odd in [
            Self.shard(1, run: "OTHER"), Self.shard(1, hash: "other"), Self.shard(1, version: "9.9.9"),
            Self.shard(1, of: 4),
        ] {
            let plan = try ShardMergePlan([Self.shard(0), odd, Self.shard(2)])
            #expect(plan.merged.map(\.shardIndex) == [0, 2])
            #expect(plan.problems.count == 2, "\(plan.problems)")
            #expect(plan.problems.contains("shard 1 of 3: missing"))
            #expect(plan.problems.contains { $0.hasPrefix("shard 1 of 3: foreign (") && $0.contains(odd.path) }, "\(plan.problems)")
        }
    }

    @Test("the run merged is the one most files hold")
    func majority() throws {
        let plan = try ShardMergePlan([Self.shard(0, run: "X"), Self.shard(0), Self.shard(1), Self.shard(2)])
        #expect(plan.runId == "R" && plan.merged.count == 3)
        #expect(plan.problems.count == 1 && plan.problems[0].contains("run id X, expected R"))
    }

    @Test("one shard given twice, or a run that is no shard, is bad input")
    func badInput() {
        #expect(throws: ShardMergePlan.Failure.self) { try ShardMergePlan([Self.shard(0), Self.shard(0)]) }
        var whole = Self.shard(0)
        whole.shardIndex = nil
        #expect(throws: ShardMergePlan.Failure.self) { try ShardMergePlan([whole]) }
        #expect(throws: ShardMergePlan.Failure.self) { try ShardMergePlan([]) }
    }
}
