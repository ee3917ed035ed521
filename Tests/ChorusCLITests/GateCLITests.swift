import Foundation
import Testing

/// `chorus gate` and `chorus tag` end to end: short runs of Scenarios/ci-gate.yaml against the embedded agent.
@Suite("chorus gate, end to end", .serialized)
struct GateCLITests {
    /// ci-gate.yaml made small (24 callers × 1 turn, about 6 seconds) and gated on TTFA p50 alone, which 24 turns
    /// per run can decide.
    static let small = [
        "--callers", "24", "--set", "session.turns=1", "--set", "load.ramp=300ms", "--set", "session.think_time=200ms",
        "--set", "thresholds.baseline={against: latest-passing, ttfa.p50: {}}",
    ]

    static func run(_ db: String, _ out: String, _ extra: [String] = []) throws -> CLITests.Run {
        try CLITests.chorus(["run", "Scenarios/ci-gate.yaml", "--db", db, "--out", out] + Self.small + extra)
    }

    static func xmllint(_ file: String) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        p.arguments = ["--noout", "--schema", "\(CLITests.root)/Tests/Schemas/junit.xsd", file]
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test("A/A passes, the agent 15 % slower fails naming ttfa and the cell, a baseline from another file",
          .timeLimit(.minutes(4)))
    func aaPassesAndSlowerFails() throws {
        let dir = CLITests.tempDir()
        let db = "\(dir)/chorus.sqlite"
        let first = try Self.run(db, "\(dir)/a")
        // A machine too busy for the harness marks its runs invalid; a gate on them must fail, not pass.
        let firstValid = try CLITests.sqlite(db, "select valid from runs") == "1"
        #expect(first.code == (firstValid ? 0 : 1), "\(first.out)\n\(first.err)")
        #expect(first.out.contains("baseline gates: chorus gate"))
        let second = try Self.run(db, "\(dir)/b")
        #expect(second.code == 0 || second.code == 1, "\(second.err)")
        let bothValid = try CLITests.sqlite(db, "select min(valid) from runs") == "1"

        let aa = try CLITests.chorus([
            "gate", "latest", "--db", db, "--junit", "\(dir)/aa.xml", "--json", "\(dir)/aa.json", "--markdown", "\(dir)/aa.md",
        ])
        guard firstValid else {
            // An invalid run never passes, so it is never `latest-passing`: with no baseline to compare with the
            // gate is bad input, and every later comparison here is against that run; a machine too busy for the
            // harness leaves nothing more to check.
            #expect(aa.code == 2 && aa.err.contains("baseline: no passing run"), "\(aa.out)\n\(aa.err)")
            return
        }
        if bothValid {
            #expect(aa.code == 0, "\(aa.out)\n\(aa.err)")
            #expect(aa.out.contains("PASS  ttfa.p50 [websocket/clean] observed"))
        } else {
            #expect(aa.code != 0)
        }
        #expect(try Self.xmllint("\(dir)/aa.xml") == 0)
        let firstId = try CLITests.sqlite(db, "select id from runs order by started_at, rowid limit 1")
        #expect(try CLITests.sqlite(db, "select distinct baseline_run_id from gates where kind = 'baseline'") == firstId)
        #expect(try CLITests.sqlite(db, "select count(*) from gates where kind = 'baseline' and ci_low is not null and p_value is not null") == "1")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/aa.json"))) as? [String: Any]
        #expect(json?["schema"] as? String == "chorus.gate")
        #expect(try String(contentsOfFile: "\(dir)/aa.md", encoding: .utf8).contains("| `ttfa.p50` | websocket/clean |"))

        let tag = try CLITests.chorus(["tag", firstId, "release-1.4", "--db", db])
        #expect(tag.code == 0 && tag.out.contains("tagged \(firstId) as release-1.4"))
        #expect(try CLITests.chorus(["runs", "--db", db]).out.contains("[release-1.4]"))
        #expect(try CLITests.chorus(["tag", firstId, "latest", "--db", db]).code == 2)

        let slower = try Self.run(db, "\(dir)/c", ["--agent-latency-scale", "1.15"])
        #expect(slower.code == 0 || slower.code == 1, "\(slower.err)")
        let ab = try CLITests.chorus(["gate", "latest", "--baseline", "release-1.4", "--db", db, "--junit", "\(dir)/ab.xml"])
        #expect(ab.code == 1, "\(ab.out)\n\(ab.err)")
        let xml = try String(contentsOfFile: "\(dir)/ab.xml", encoding: .utf8)
        if try CLITests.sqlite(db, "select min(valid) from runs") == "1" {
            #expect(xml.contains("<failure type=\"regression\" message=\"ttfa.p50 [websocket/clean] regressed +"), "\(xml)")
        }
        #expect(try Self.xmllint("\(dir)/ab.xml") == 0)

        // The baseline from another file: a fresh database for this run, the first one as the artifact.
        let fresh = "\(dir)/fresh.sqlite"
        let third = try Self.run(fresh, "\(dir)/d")
        #expect(third.code == 0 || third.code == 1, "\(third.err)")
        let other = try CLITests.chorus([
            "gate", "latest", "--db", fresh, "--baseline-db", db, "--baseline", "release-1.4", "--markdown", "\(dir)/other.md",
        ])
        let allValid = try CLITests.sqlite(fresh, "select valid from runs") == "1" && bothValid
        #expect(other.code == (allValid ? 0 : 1), "\(other.out)\n\(other.err)")
        #expect(try CLITests.sqlite(fresh, "select distinct baseline_db from gates where kind = 'baseline'") == db)
        #expect(try String(contentsOfFile: "\(dir)/other.md", encoding: .utf8).contains("from `\(db)`"))
    }

    @Test("bad input exits 2 and names what is wrong", .timeLimit(.minutes(1)))
    func badInput() throws {
        let dir = CLITests.tempDir()
        let missing = try CLITests.chorus(["gate", "latest", "--db", "\(dir)/none.sqlite"])
        #expect(missing.code == 2 && missing.err.contains("does not exist"))
        let few = try CLITests.chorus(["gate", "latest", "--resamples", "100", "--db", "\(dir)/none.sqlite"])
        #expect(few.code == 2 && few.err.contains("at least 2000"))
        let scale = try CLITests.chorus(["run", "Scenarios/ci-gate.yaml", "--agent-latency-scale", "0"])
        #expect(scale.code == 2 && scale.err.contains("--agent-latency-scale"))
    }
}
