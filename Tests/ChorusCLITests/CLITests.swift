import Foundation
import Testing

/// Runs the built `chorus` binary the way a user would and checks exit codes, files and database rows.
@Suite("chorus command line, end to end", .serialized)
struct CLITests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return "."
    }()

    /// The `chorus` binary next to this test bundle.
    static let binary: String = {
        let dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("chorus").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return "\(root)/.build/debug/chorus"
    }()

    struct Run {
        var code: Int32
        var out: String
        var err: String
    }

    static func chorus(_ args: [String], cwd: String = root) throws -> Run {
        try Self.run(binary, args, cwd: cwd)
    }

    /// Runs `executable` with `args` in `cwd` to its end; its exit code and what it wrote.
    static func run(_ executable: String, _ args: [String], cwd: String = root) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// `chorus agent` in a process of its own, up once it has said where it listens; it exits when `stop()`
    /// closes its standard input.
    final class AgentProcess {
        private let process = Process()
        private let input = Pipe()
        /// What it printed up to and including `listening on …`.
        private(set) var banner = ""

        init(_ arguments: [String], environment: [String: String] = [:], cwd: String? = nil) throws {
            self.process.executableURL = URL(fileURLWithPath: CLITests.binary)
            self.process.arguments = ["agent"] + arguments + ["--exit-on-stdin-eof"]
            self.process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            if let cwd { self.process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
            let output = Pipe()
            self.process.standardOutput = output
            self.process.standardInput = self.input
            self.process.standardError = FileHandle.nullDevice
            try self.process.run()
            while !self.banner.contains("listening on") {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                self.banner += String(decoding: data, as: UTF8.self)
            }
        }

        func stop() {
            try? self.input.fileHandleForWriting.close()
            self.process.waitUntilExit()
        }
    }

    static func tempDir() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-cli-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func sqlite(_ db: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('\\n'.join('|'.join(str(x) for x in r) for r in c.execute(sys.argv[2])))", db, sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("run a small scenario: rows in SQLite, report files on disk", .timeLimit(.minutes(3)))
    func runWritesDatabaseAndReports() throws {
        let dir = Self.tempDir()
        let db = "\(dir)/chorus.sqlite"
        let r = try Self.chorus([
            "run", "Scenarios/quickstart.yaml", "--db", db, "--out", "\(dir)/report", "--callers", "3",
            "--set", "session.turns=2", "--set", "load.ramp=500ms", "--stats-json", "\(dir)/stats.json",
        ])
        // Exit 1 is allowed only when this machine was too busy for the harness to keep its schedule (the run
        // is then marked invalid, with the reason); everything else about the run must still be there.
        let valid = try Self.sqlite(db, "select valid from runs") == "1"
        #expect(r.code == (valid ? 0 : 1), "stdout: \(r.out)\nstderr: \(r.err)")
        if !valid { #expect(r.out.contains("INVALID: harness-limited")) }
        #expect(r.out.contains("report: \(dir)/report/report.html"))
        #expect(r.out.contains("accuracy vs agent ground truth"))
        // What `make bench` reads: the harness's cost and, against the embedded agent, its error.
        let stats = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/stats.json")))
        let fields = try #require(stats as? [String: Any])
        #expect((fields["frames_sent"] as? Int ?? 0) > 100)
        #expect((fields["cpu_us_per_frame"] as? Double ?? 0) > 0)
        // Three calls opened together and streaming for seconds: a steady state, and a set-up cost per call.
        let steady = try #require(fields["steady_cpu_us_per_frame"] as? Double, "\(fields)")
        #expect(steady > 0 && steady <= (fields["cpu_us_per_frame"] as? Double ?? 0) * 1.5)
        #expect((fields["setup_cpu_ms_per_session"] as? Double ?? -1) >= 0)
        let accuracy = try #require(fields["accuracy"] as? [String: Any], "\(fields)")
        #expect(accuracy["turns"] as? Int == 6)
        #expect((accuracy["abs_error_p99_ms"] as? Double ?? .infinity) < 10)
        #expect((accuracy["harness_part_p99_ms"] as? Double ?? .infinity) < 10)
        for f in ["report.html", "turns.csv", "sessions.csv", "summary.csv", "agent-truth.jsonl"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/report/\(f)"), "\(f)")
        }
        #expect(try Self.sqlite(db, "select count(*) from runs") == "1")
        #expect(try Self.sqlite(db, "select status from runs") == "completed")
        #expect(try Self.sqlite(db, "select count(*) from sessions where outcome='ok'") == "3")
        #expect(try Self.sqlite(db, "select count(*) from turns where outcome='ok' and ttfa_ms between 280 and 400") == "6")
        #expect(try Self.sqlite(db, "select count(*) > 0 from samples") == "1")
        #expect(try Self.sqlite(db, "select count(*) from gates") == "3")
        #expect(try Self.sqlite(db, "select count(*) from gates where passed=1") == "3")
        let runs = try Self.chorus(["runs", "--db", db])
        #expect(runs.code == 0 && runs.out.contains("completed"))
        let report = try Self.chorus(["report", "latest", "--db", db, "--out", "\(dir)/again"])
        #expect(report.code == 0)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/again/report.html"))
        let compare = try Self.chorus(["compare", "latest", "latest", "--db", db, "--out", "\(dir)/cmp"])
        #expect(compare.code == 0 && compare.out.contains("TTFA p50"), "\(compare.out)\n\(compare.err)")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/cmp/report.html"))
    }

    @Test("a low open-file limit: the calls it has no room for are connect_failed rows, and nothing crashes", .timeLimit(.minutes(2)))
    func fileLimitLeavesRowsNotACrash() throws {
        let dir = Self.tempDir()
        let db = "\(dir)/f.sqlite"
        // 160 descriptors hold about 20 calls beside the runtime's reserve; 60 callers at once need more.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = [
            "-c", "ulimit -n 160 && exec \"$0\" \"$@\"", Self.binary, "run", "Scenarios/quickstart.yaml", "--db", db,
            "--out", "\(dir)/r", "--callers", "60", "--set", "session.turns=1", "--set", "load.ramp=200ms",
        ]
        p.currentDirectoryURL = URL(fileURLWithPath: Self.root)
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 1, "status \(p.terminationStatus): \(e)")
        #expect(e.contains("open-file limit is 160"))
        #expect(try Self.sqlite(db, "select count(*) from sessions") == "60")
        let refused = Int(try Self.sqlite(db, "select count(*) from sessions where outcome='connect_failed' and error like 'not started: the open-file limit%'")) ?? 0
        let ok = Int(try Self.sqlite(db, "select count(*) from sessions where outcome='ok'")) ?? 0
        #expect(refused > 0 && ok > 0 && refused + ok == 60, "ok \(ok), refused \(refused)")
    }

    @Test("--verify-truth compares a run with a reference agent started on its own", .timeLimit(.minutes(2)))
    func verifyTruthAgainstASeparateAgent() throws {
        let dir = Self.tempDir()
        let truth = "\(dir)/truth.jsonl"
        let agent = try AgentProcess(["--listen", "127.0.0.1:0", "--truth", truth])
        defer { agent.stop() }
        let banner = agent.banner
        let port = try #require(banner.firstMatch(of: /listening on [\d.]+:(\d+)/)?.1, "agent said: \(banner)")
        let base = [
            "run", "Scenarios/quickstart.yaml", "--db", "\(dir)/v.sqlite", "--out", "\(dir)/r", "--callers", "2",
            "--set", "session.turns=2", "--set", "load.ramp=200ms", "--target", "ws://127.0.0.1:\(port)/chorus",
        ]
        let r = try Self.chorus(base + ["--verify-truth", truth])
        #expect(r.out.contains("accuracy vs agent ground truth (4 turns)"), "\(r.out)\n\(r.err)")
        let missing = try Self.chorus(base + ["--verify-truth", "\(dir)/nope.jsonl"])
        #expect(missing.out.contains("accuracy: cannot read the agent's ground truth \(dir)/nope.jsonl"), "\(missing.out)")
    }

    @Test("a typo'd key exits 2 and names the key")
    func typoExitsTwo() throws {
        let dir = Self.tempDir()
        let bad = "\(dir)/bad.yaml"
        try "load: {calers: 3}\nsession: {utterances: [\(Self.root)/Scenarios/audio/goodbye.wav]}\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try Self.chorus(["run", bad, "--db", "\(dir)/x.sqlite"])
        #expect(r.code == 2)
        #expect(r.err.contains("load.calers") && r.err.contains("did you mean 'callers'"), "\(r.err)")
        let v = try Self.chorus(["validate", bad])
        #expect(v.code == 2)
    }

    @Test("validate shows where the barge-in utterance's speech starts; a bad --bargein-stop names the flag")
    func bargeInScenarioAndFlag() throws {
        let v = try Self.chorus(["validate", "Scenarios/barge-in.yaml"])
        #expect(v.code == 0, "\(v.err)")
        #expect(v.out.contains("change-time.wav (session.barge_in): speech starts in frame 2"), "\(v.out)")
        let agent = try Self.chorus(["agent", "--listen", "127.0.0.1:0", "--bargein-stop", "soon"])
        #expect(agent.code == 2)
        #expect(agent.err.contains("--bargein-stop: 'soon' is not a duration or never"), "\(agent.err)")
    }

    @Test("profiles lists the built-in network profiles")
    func profilesAreListed() throws {
        let r = try Self.chorus(["profiles"])
        #expect(r.code == 0)
        for name in ["clean", "wifi", "4g", "3g", "edge", "satellite", "very-bad"] { #expect(r.out.contains(name)) }
    }

    @Test("a missing scenario and a bad flag value exit 2")
    func badInputExitsTwo() throws {
        #expect(try Self.chorus(["run", "/nonexistent.yaml"]).code == 2)
        let r = try Self.chorus(["run", "Scenarios/quickstart.yaml", "--set", "agent.latency=soon"])
        #expect(r.code == 2 && r.err.contains("agent.latency"))
    }

    @Test("a bad --format value exits 2 before the run starts, naming the value and the allowed ones")
    func badFormatIsRejectedBeforeTheRun() throws {
        let dir = Self.tempDir()
        let db = "\(dir)/f.sqlite"
        let r = try Self.chorus(["run", "Scenarios/quickstart.yaml", "--db", db, "--out", "\(dir)/r", "--format", "html,pdf"])
        #expect(r.code == 2, "\(r.out)\n\(r.err)")
        #expect(r.err.contains("--format") && r.err.contains("'pdf'") && r.err.contains("csv, html, json"), "\(r.err)")
        #expect(!r.err.contains("'html'"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: db), "the run started")
        #expect(!r.out.contains("chorus run "), "\(r.out)")
    }

    @Test("an unreachable target records connect_failed sessions and exits 1", .timeLimit(.minutes(1)))
    func unreachableTargetIsRecorded() throws {
        let dir = Self.tempDir()
        let db = "\(dir)/c.sqlite"
        let r = try Self.chorus([
            "run", "Scenarios/quickstart.yaml", "--db", db, "--out", "\(dir)/r", "--callers", "2",
            "--target", "ws://127.0.0.1:9/", "--set", "load.connect_timeout=1s",
        ])
        #expect(r.code == 1, "\(r.out)\n\(r.err)")
        #expect(try Self.sqlite(db, "select count(*) from sessions where outcome='connect_failed'") == "2")
        #expect(try Self.sqlite(db, "select count(*) from runs") == "1")
    }
}

extension CLITests {
    @Test("Ctrl-C stops the run cleanly: status aborted, what was measured is kept, exit 1", .timeLimit(.minutes(1)))
    func interruptKeepsMeasurements() throws {
        let dir = Self.tempDir()
        let db = "\(dir)/i.sqlite"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["run", "Scenarios/quickstart.yaml", "--db", db, "--out", "\(dir)/r", "--callers", "4"]
        p.currentDirectoryURL = URL(fileURLWithPath: Self.root)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until the first turn has been answered (a session row is only written at hang-up, so poll the agent's truth).
        let truth = "\(dir)/r/agent-truth.jsonl"
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: truth, encoding: .utf8), !text.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(try Self.sqlite(db, "select status from runs") == "aborted")
        #expect(try Self.sqlite(db, "select count(*) from sessions") == "4")
        #expect(try Self.sqlite(db, "select count(*) >= 1 from turns where ttfa_ms is not null") == "1")
        #expect(try Self.sqlite(db, "select count(*) from sessions where outcome='interrupted'") == "4")
    }
}

extension CLITests {
    /// The release binary `make test` builds for load tests (debug builds are about ten times slower).
    static let releaseBinary = "\(root)/.build/release/chorus"

    @Test(
        "200 callers: every turn's TTFA within 5 ms of the agent's ground truth (release build)",
        .enabled(if: FileManager.default.isExecutableFile(atPath: releaseBinary), "needs .build/release/chorus (make test builds it)"),
        .timeLimit(.minutes(2)))
    func twoHundredCallersMatchGroundTruth() throws {
        let dir = Self.tempDir()
        let db = "\(dir)/l.sqlite"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.releaseBinary)
        p.arguments = [
            "run", "Scenarios/quickstart.yaml", "--db", db, "--out", "\(dir)/r", "--callers", "200",
            "--set", "load.ramp=4s", "--set", "session.turns=2",
        ]
        p.currentDirectoryURL = URL(fileURLWithPath: Self.root)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(try Self.sqlite(db, "select count(*) from turns where outcome='ok'") == "400")
        // Join each turn with the agent's truth by session id and turn index; report the worst error.
        let worst = try Self.python(
            """
            import json, sqlite3, sys
            c = sqlite3.connect(sys.argv[1]); run = c.execute('select id from runs').fetchone()[0]
            truth = {}
            for line in open(sys.argv[2]):
                t = json.loads(line); truth[(t['session'], t['turn'])] = (t['first_reply_sent_ns'] - t['eos_received_ns']) / 1e6
            errs = [abs(ttfa - truth[(f'{run}-{s}', i)]) for s, i, ttfa in c.execute(
                'select s.session_index, t.turn_index, t.ttfa_ms from turns t join sessions s on s.id = t.session_id')
                if (f'{run}-{s}', i) in truth]
            print(len(errs), max(errs))
            """, db, "\(dir)/r/agent-truth.jsonl")
        let parts = worst.split(separator: " ")
        #expect(parts.first == "400", "matched turns: \(worst)")
        #expect((parts.last.flatMap { Double($0) } ?? .infinity) <= 5, "worst |error| \(worst) ms")
    }

    /// Runs python3 with `code` and `args`; returns its exit code and output.
    static func python(_ code: String, _ args: [String]) throws -> Run {
        try Self.run("/usr/bin/env", ["python3", "-c", code] + args)
    }

    /// Runs python3 with `code` and `args`; returns its standard output, trimmed.
    static func python(_ code: String, _ args: String...) throws -> String {
        try Self.python(code, args).out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension CLITests {
    @Test(
        "secrets reach a wss:// agent that demands them, and never the database or the report",
        .timeLimit(.minutes(2)))
    func secretsAreSentButNeverStored() throws {
        let dir = Self.tempDir()
        let secret = "sk-test-\(UUID().uuidString)"
        // An agent in its own process that refuses calls without the token, over TLS with a fresh certificate.
        let agent = try AgentProcess(["--listen", "127.0.0.1:0", "--tls"], environment: ["CHORUS_AGENT_TOKEN": secret], cwd: dir)
        defer { agent.stop() }
        let banner = agent.banner
        let cert = try #require(banner.firstMatch(of: /tls certificate (\S+)/)?.1, "agent said: \(banner)")
        let port = try #require(banner.firstMatch(of: /listening on [\d.]+:(\d+)/)?.1, "agent said: \(banner)")

        let scenario = "\(dir)/secret.yaml"
        try """
        name: secret-check
        target:
          dialect: openai-realtime
          url: wss://127.0.0.1:\(port)/v1/realtime
          codec: pcm16/24000
          headers:
            Authorization: "Bearer ${CHORUS_TEST_SECRET}"
          query:
            api_key: \(secret)
          tls:
            ca_file: \(cert)
        load:
          callers: 2
        session:
          turns: 1
          utterances: [\(Self.root)/Scenarios/audio/ask-hours.wav]
        """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let db = "\(dir)/s.sqlite"
        let run = Process()
        run.executableURL = URL(fileURLWithPath: Self.binary)
        run.arguments = ["run", scenario, "--db", db, "--out", "\(dir)/report"]
        run.environment = ProcessInfo.processInfo.environment.merging(["CHORUS_TEST_SECRET": secret]) { $1 }
        run.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        run.standardOutput = out
        run.standardError = out
        try run.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()

        // The token went over the wire: the agent let both calls in.
        #expect(try Self.sqlite(db, "select count(*) from sessions where outcome='ok'") == "2", "\(printed)")
        // The stored scenario keeps the variable's name; a literal credential (the query's api_key) is masked.
        #expect(try Self.sqlite(db, "select scenario_yaml like '%${CHORUS_TEST_SECRET}%' from runs") == "1")
        #expect(try Self.sqlite(db, "select scenario_yaml like '%api_key: ***%' from runs") == "1")
        #expect(!printed.contains(secret))
        // …and is nowhere on disk: not in the database (nor its journal) nor in any report file.
        var scanned = 0
        let files = FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []
        for file in files where !file.hasSuffix(".pem") && file != "secret.yaml" {
            guard let data = FileManager.default.contents(atPath: "\(dir)/\(file)") else { continue }
            scanned += 1
            #expect(data.range(of: Data(secret.utf8)) == nil, "the secret was written to \(file)")
        }
        #expect(scanned >= 4, "scanned \(files)")
    }
}
