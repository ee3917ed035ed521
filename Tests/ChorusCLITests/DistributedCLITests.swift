import Foundation
import Testing

/// A sharded run end to end: shard processes started the way an Indexed Job starts them, against one agent,
/// merged by `chorus merge`; and every way a shard can spoil the merged run.
@Suite("distributed runs: shards and chorus merge, end to end", .serialized)
struct DistributedCLITests {
    /// quickstart.yaml made small: 9 callers × 2 turns, about 8 seconds.
    static let small = ["--callers", "9", "--set", "session.turns=2", "--set", "load.ramp=1s", "--set", "session.think_time=300ms"]

    /// `chorus` with extra environment variables, started but not waited for.
    static func start(_ args: [String], env: [String: String]) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLITests.binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: CLITests.root)
        var environment = ProcessInfo.processInfo.environment
        for name in ["CHORUS_SHARD_INDEX", "JOB_COMPLETION_INDEX", "CHORUS_SHARD_COUNT", "CHORUS_RUN_ID", "CHORUS_START_AT"] {
            environment[name] = nil
        }
        p.environment = environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    /// Waits for a process from `start` and collects its output.
    static func finish(_ started: (Process, Pipe, Pipe)) -> CLITests.Run {
        let (p, out, err) = started
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLITests.Run(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    static func chorus(_ args: [String], env: [String: String]) throws -> CLITests.Run {
        Self.finish(try Self.start(args, env: env))
    }

    static func instant(_ offset: TimeInterval) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date().addingTimeInterval(offset))
    }

    /// TTFA percentiles (type 7, numpy's default) recomputed by Python from the raw `ok` turn rows of `dbs`.
    static func rawPercentiles(_ dbs: [String]) throws -> [Double] {
        let script = """
            import sqlite3, sys
            v = sorted(x for db in sys.argv[1:] for (x,) in sqlite3.connect(db).execute(
                "select ttfa_ms from turns where outcome = 'ok' and ttfa_ms is not null"))
            def p(q):
                r = q / 100 * (len(v) - 1); lo = int(r); hi = min(lo + 1, len(v) - 1)
                return v[lo] + (v[hi] - v[lo]) * (r - lo)
            print(' '.join('%.3f' % p(q) for q in (50, 90, 95, 99)))
            """
        let r = try CLITests.python(script, dbs)
        return r.out.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    @Test("three shards merged equal one unsharded run in sessions and turns; percentiles come from the raw rows",
          .timeLimit(.minutes(3)))
    func threeShardsEqualOneRun() throws {
        let dir = CLITests.tempDir()
        let agent = try CLITests.AgentProcess(["--listen", "127.0.0.1:0"])
        defer { agent.stop() }
        let port = try #require(agent.banner.firstMatch(of: /listening on [\d.]+:(\d+)/)?.1, "agent said: \(agent.banner)")
        let args = ["run", "Scenarios/quickstart.yaml", "--target", "ws://127.0.0.1:\(port)/chorus"] + Self.small
        let startAt = Self.instant(3)
        let shardEnv = { (i: Int) -> [String: String] in
            // Shard 1 is told its index the way a Kubernetes Indexed Job tells it.
            [i == 1 ? "JOB_COMPLETION_INDEX" : "CHORUS_SHARD_INDEX": "\(i)", "CHORUS_SHARD_COUNT": "3",
             "CHORUS_START_AT": startAt, "CHORUS_START_TOLERANCE": "5s", "CHORUS_RESULTS_DIR": "\(dir)/results"]
        }
        let shards = try (0..<3).map { try Self.start(args, env: shardEnv($0)) }
        let whole = try Self.start(args + ["--db", "\(dir)/whole.sqlite", "--out", "\(dir)/whole"], env: [:])
        let shardRuns = shards.map(Self.finish)
        let wholeRun = Self.finish(whole)
        #expect(wholeRun.code == 0 || wholeRun.code == 1, "\(wholeRun.err)")
        let files = (0..<3).map { "\(dir)/results/shard-\($0)-of-3.sqlite" }
        for (i, r) in shardRuns.enumerated() {
            #expect(r.code == 0 || r.code == 1, "shard \(i): \(r.out)\n\(r.err)")
            #expect(r.out.contains("shard \(i) of 3 of run "), "\(r.out)")
            #expect(try CLITests.sqlite(files[i], "select shard_index || '/' || shard_count from runs") == "\(i)/3")
        }
        let runIds = Set(try files.map { try CLITests.sqlite($0, "select id from runs") })
        #expect(runIds.count == 1, "\(runIds)")
        let shardsValid = try files.allSatisfy { try CLITests.sqlite($0, "select valid from runs") == "1" }

        // A column a later migration adds (as the per-session drift columns will) flows through the copy: the output
        // is an emptied copy of a shard's file, and both it and the shards get the new column.
        let merged = "\(dir)/merged.sqlite"
        let addColumn = """
            import sqlite3, sys
            sqlite3.connect(sys.argv[2]).backup(sqlite3.connect(sys.argv[1]))
            for db in sys.argv[1:]:
                c = sqlite3.connect(db)
                c.execute('alter table sessions add column future_ms real')
                c.execute('update sessions set future_ms = caller_index * 1.5')
                if db == sys.argv[1]:
                    for t in ('runs', 'sessions', 'turns', 'network_stats', 'samples', 'gates'): c.execute('delete from ' + t)
                c.commit()
            """
        let added = try CLITests.python(addColumn, [merged] + files)
        #expect(added.code == 0, "\(added.err)")
        let m = try CLITests.chorus(["merge"] + files + ["--db", merged, "--out", "\(dir)/merged", "--format", "csv"])
        #expect(try CLITests.sqlite(merged, "select count(*) from sessions where future_ms = caller_index * 1.5") == "9")
        #expect(m.code == (shardsValid ? 0 : 1), "\(m.out)\n\(m.err)")
        #expect(m.out.contains("copied") && m.out.contains("rows/s"), "\(m.out)")
        // The same load as the unsharded run: every caller once, every turn.
        #expect(try CLITests.sqlite(merged, "select count(*) from sessions") == "9")
        #expect(try CLITests.sqlite("\(dir)/whole.sqlite", "select count(*) from sessions") == "9")
        #expect(try CLITests.sqlite(merged, "select count(*) from turns")
            == CLITests.sqlite("\(dir)/whole.sqlite", "select count(*) from turns"))
        #expect(try CLITests.sqlite(merged, "select group_concat(caller_index) from (select caller_index from sessions order by caller_index)") == "0,1,2,3,4,5,6,7,8")
        #expect(try CLITests.sqlite(merged, "select count(distinct session_index) || ' ' || min(session_index) || ' ' || max(session_index) from sessions") == "9 0 8")
        #expect(try CLITests.sqlite(merged, "select count(*) from turns t join sessions s on s.id = t.session_id") == "18")
        #expect(try CLITests.sqlite(merged, "select count(*) from samples") != "0")
        #expect(try CLITests.sqlite(merged, "select group_concat(state) from run_shards order by shard_index") == "merged,merged,merged")
        #expect(try CLITests.sqlite(merged, "select shard_count, shard_index is null from runs") == "3|1")
        #expect(try CLITests.sqlite(merged, "select count(*) from gates") == "3")

        // Percentiles of the merged report, from the merged raw rows, equal those of the shards' rows pooled.
        let summary = try String(contentsOfFile: "\(dir)/merged/summary.csv", encoding: .utf8)
        let lines = summary.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        let all = try #require(lines.first { $0.count > 1 && $0[1] == "all" })
        let reported = ["ttfa_p50_ms", "ttfa_p90_ms", "ttfa_p95_ms", "ttfa_p99_ms"].compactMap { name in
            header.firstIndex(of: name).flatMap { Double(all[$0]) }
        }
        let fromMerged = try Self.rawPercentiles([merged])
        let fromShards = try Self.rawPercentiles(files)
        #expect(reported.count == 4 && fromMerged.count == 4)
        #expect(fromMerged == fromShards)
        for (a, b) in zip(reported, fromMerged) { #expect(abs(a - b) < 0.0015, "reported \(reported), raw \(fromMerged)") }

        let report = try CLITests.chorus(["report", "latest", "--db", merged, "--out", "\(dir)/again"])
        #expect(report.code == 0 && report.out.contains("sessions 9"), "\(report.out)\n\(report.err)")
        let gate = try CLITests.chorus(["gate", "latest", "--db", merged])
        #expect(gate.code == (shardsValid ? 0 : 1) && gate.out.contains("ttfa.p95"), "\(gate.out)\n\(gate.err)")
        let again = try CLITests.chorus(["merge"] + files + ["--db", merged])
        #expect(again.code == 2 && again.err.contains("already holds run"), "\(again.err)")
    }

    @Test("a killed shard, a late shard and a foreign shard each make the merged run invalid, naming it",
          .timeLimit(.minutes(3)))
    func spoiledShards() throws {
        let dir = CLITests.tempDir()
        let agent = try CLITests.AgentProcess(["--listen", "127.0.0.1:0"])
        defer { agent.stop() }
        let port = try #require(agent.banner.firstMatch(of: /listening on [\d.]+:(\d+)/)?.1, "agent said: \(agent.banner)")
        let args = [
            "run", "Scenarios/quickstart.yaml", "--target", "ws://127.0.0.1:\(port)/chorus", "--callers", "3",
            "--set", "session.turns=1",
        ]
        func env(_ i: Int, run: String = "R1", _ extra: [String: String] = [:]) -> [String: String] {
            ["CHORUS_SHARD_INDEX": "\(i)", "CHORUS_SHARD_COUNT": "3", "CHORUS_RUN_ID": run, "CHORUS_RESULTS_DIR": "\(dir)/\(run)-\(i)"]
                .merging(extra) { $1 }
        }
        func file(_ i: Int, run: String = "R1") -> String { "\(dir)/\(run)-\(i)/shard-\(i)-of-3.sqlite" }
        // Shard 2 is killed once its run is recorded: its file holds a run with no end.
        let killed = try Self.start(args, env: env(2))
        // Its output is buffered in the pipe, so the database says when its run has begun.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, killed.0.isRunning,
            (try? CLITests.sqlite(file(2), "select count(*) from runs")) != "1"
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(killed.0.processIdentifier, SIGKILL)
        _ = Self.finish(killed)
        let ok = try Self.start(args, env: env(0))
        // Woken 30 s after the common start: late by far more than the tolerance.
        let late = try Self.start(args, env: env(1, ["CHORUS_START_AT": Self.instant(-30)]))
        let foreign = try Self.start(args, env: env(2, run: "OTHER"))
        let (okRun, lateRun, foreignRun) = (Self.finish(ok), Self.finish(late), Self.finish(foreign))
        #expect(okRun.code == 0 || okRun.code == 1, "\(okRun.err)")
        #expect(lateRun.code == 1 && lateRun.out.contains("late start by 30."), "\(lateRun.out)\n\(lateRun.err)")
        #expect(foreignRun.code == 0 || foreignRun.code == 1, "\(foreignRun.err)")
        #expect(try CLITests.sqlite(file(2), "select ended_at is null from runs") == "1")

        let killedMerge = try CLITests.chorus(["merge", file(0), file(1), file(2), "--db", "\(dir)/k.sqlite"])
        #expect(killedMerge.code == 1, "\(killedMerge.out)\n\(killedMerge.err)")
        let killedReason = try CLITests.sqlite("\(dir)/k.sqlite", "select invalid_reason from runs")
        #expect(killedReason.contains("shard 1 of 3: late start by 30."), "\(killedReason)")
        #expect(killedReason.contains("shard 2 of 3: crashed (no end recorded)"), "\(killedReason)")
        #expect(try CLITests.sqlite("\(dir)/k.sqlite", "select status, valid from runs") == "failed|0")

        let foreignMerge = try CLITests.chorus([
            "merge", file(0), file(1), file(2, run: "OTHER"), "--db", "\(dir)/f.sqlite",
        ])
        #expect(foreignMerge.code == 1)
        let foreignReason = try CLITests.sqlite("\(dir)/f.sqlite", "select invalid_reason from runs")
        #expect(foreignReason.contains("shard 2 of 3: missing"), "\(foreignReason)")
        #expect(foreignReason.contains("shard 2 of 3: foreign (run id OTHER, expected R1)"), "\(foreignReason)")
        #expect(try CLITests.sqlite("\(dir)/f.sqlite", "select count(distinct run_id) from sessions") == "1")

        let missingMerge = try CLITests.chorus(["merge", file(0), "\(dir)/nope.sqlite", "--db", "\(dir)/m.sqlite"])
        #expect(missingMerge.code == 2 && missingMerge.err.contains("nope.sqlite"), "\(missingMerge.err)")
        let twoOfThree = try CLITests.chorus(["merge", file(0), file(1), "--db", "\(dir)/m.sqlite"])
        #expect(twoOfThree.code == 1 && twoOfThree.out.contains("shard 2 of 3  missing"), "\(twoOfThree.out)")
        #expect(try CLITests.sqlite("\(dir)/m.sqlite", "select invalid_reason from runs").contains("shard 2 of 3: missing"))
    }

    @Test("bad shard environment values exit 2 naming the variable and what was expected")
    func badEnvironment() throws {
        let args = ["run", "Scenarios/quickstart.yaml", "--db", "\(CLITests.tempDir())/x.sqlite"]
        let cases: [([String: String], String)] = [
            (["CHORUS_SHARD_COUNT": "three", "CHORUS_SHARD_INDEX": "0"], "CHORUS_SHARD_COUNT='three' is not valid: expected a whole number ≥ 1"),
            (["CHORUS_SHARD_COUNT": "3", "JOB_COMPLETION_INDEX": "3", "CHORUS_RUN_ID": "r"], "JOB_COMPLETION_INDEX=3 is out of range: expected 0…2"),
            (["JOB_COMPLETION_INDEX": "1"], "CHORUS_SHARD_COUNT is not: expected the number of shards"),
            (["CHORUS_SHARD_COUNT": "3", "CHORUS_SHARD_INDEX": "1"], "needs CHORUS_RUN_ID or CHORUS_START_AT"),
            (["CHORUS_SHARD_COUNT": "2", "CHORUS_SHARD_INDEX": "1", "CHORUS_START_AT": "soon"], "CHORUS_START_AT='soon' is not valid: expected an RFC 3339 instant"),
            (["CHORUS_SHARD_COUNT": "2", "CHORUS_SHARD_INDEX": "1", "CHORUS_RUN_ID": "a b"], "CHORUS_RUN_ID='a b' is not valid"),
            (["CHORUS_SHARD_COUNT": "2", "CHORUS_SHARD_INDEX": "0", "JOB_COMPLETION_INDEX": "1", "CHORUS_RUN_ID": "r"], "disagree"),
        ]
        for (env, message) in cases {
            let r = try Self.chorus(args, env: env)
            #expect(r.code == 2 && r.err.contains(message), "\(env): \(r.err)")
        }
    }
}
