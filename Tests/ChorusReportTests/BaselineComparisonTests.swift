import ChorusCore
import ChorusReport
import Foundation
import Testing

/// Baseline gates on synthetic runs: sessions whose turns share a per-session offset (as turns of one call do),
/// drawn from one seeded distribution.
@Suite("Baseline gates: regression against noise")
struct BaselineComparisonTests {
    /// A run of `sessions` sessions × `turns` turns, TTFA = (base + session offset + turn noise) × `scale`.
    static func run(
        _ id: String, seed: UInt64, sessions: Int = 24, turns: Int = 4, scale: Double = 1, profiles: [String] = ["clean"]
    ) -> RunReport {
        var rng = SplitMix64(seed: seed)
        var results: [SessionResult] = []
        for s in 0..<sessions {
            let profile = profiles[s % profiles.count]
            let offset = Double.random(in: -20..<20, using: &rng)
            let list = (0..<turns).map { t -> TurnResult in
                // A skewed turn noise: mostly small, sometimes a long tail.
                let u = Double.random(in: 0..<1, using: &rng)
                let noise = -30 * log(1 - u)
                return ReportFixtures.turn(t, ttfa: (300 + offset + noise) * scale)
            }
            var session = ReportFixtures.session(s, turns: list, profile: profile)
            session.network = [NetworkStats(direction: "down", effectiveLossPct: 1, mos: 4.2 - Double(s % 3) * 0.1 / scale)]
            results.append(session)
        }
        var info = ReportFixtures.run()
        info.id = id
        return RunReport(run: info, sessions: results)
    }

    static let rules = ["ttfa.p50", "ttfa.p95"].map {
        RegressionRule(metric: $0, tolerance: .standard(for: .milliseconds))
    }

    @Test func aaPasses() {
        let gates = BaselineComparison().compare(Self.rules, run: Self.run("b", seed: 2), baseline: Self.run("a", seed: 1))
        #expect(gates.count == 2)
        #expect(gates.allSatisfy { $0.verdict == .pass && $0.kind == .baseline && $0.baselineRunId == "a" }, "\(gates)")
        #expect(gates.allSatisfy { $0.cell == "websocket/clean" && $0.samples == 96 && $0.baselineSamples == 96 })
        #expect(gates.allSatisfy { ($0.ciLow ?? 1) < 0 || ($0.ciHigh ?? -1) > 0 })
    }

    @Test func fifteenPercentSlowerFailsNamingMetricAndCell() throws {
        let baseline = Self.run("a", seed: 1)
        let slower = Self.run("b", seed: 2, scale: 1.15)
        let gates = BaselineComparison().compare(Self.rules, run: slower, baseline: baseline, baselineSource: "main.sqlite")
        #expect(gates.allSatisfy { $0.verdict == .fail }, "\(gates)")
        let p95 = try #require(gates.first { $0.metric == "ttfa.p95" })
        #expect(p95.ciLow! > 0 && p95.delta! > p95.tolerance!)
        #expect(p95.pValue! < 0.001)
        #expect(p95.threshold == p95.baselineObserved! + p95.tolerance!)
        let report = GateReport(run: slower.run, baseline: baseline.run, baselineSource: "main.sqlite", gates: gates)
        #expect(!report.passed)
        let xml = JUnitReport.render(report)
        #expect(xml.contains("failures=\"2\""))
        #expect(xml.contains("<failure type=\"regression\" message=\"ttfa.p95 [websocket/clean] regressed +"), "\(xml)")
        #expect(xml.contains("Mann-Whitney p"))
        try Self.validate(xml)
        let markdown = GateMarkdown.render(report)
        #expect(markdown.contains("❌") && markdown.contains("▲ +") && markdown.contains("`ttfa.p95` | websocket/clean"))
    }

    @Test func theVerdictIsReproducible() {
        let a = Self.run("a", seed: 1), b = Self.run("b", seed: 2, scale: 1.03)
        let first = BaselineComparison(seed: 9).compare(Self.rules, run: b, baseline: a)
        #expect(BaselineComparison(seed: 9).compare(Self.rules, run: b, baseline: a) == first)
    }

    @Test func tooSmallSamplesAreInconclusiveWithTheTurnsNeeded() throws {
        let rules = ["ttfa.p50", "ttfa.p95", "ttfa.p99"].map { RegressionRule(metric: $0, tolerance: .standard(for: .milliseconds)) }
        let gates = BaselineComparison().compare(
            rules, run: Self.run("b", seed: 2, sessions: 10, turns: 10, scale: 1.5),
            baseline: Self.run("a", seed: 1, sessions: 10, turns: 10))
        #expect(gates.map(\.verdict) == [.fail, .fail, .inconclusive])
        let p99 = try #require(gates.last)
        #expect(p99.neededSamples == 368 && !p99.passed)
        #expect(p99.note?.contains("≥ 368 turns") == true, "\(p99.note ?? "")")
        // Too few sessions, however many turns.
        let few = BaselineComparison().compare(
            rules, run: Self.run("b", seed: 2, sessions: 4, turns: 100), baseline: Self.run("a", seed: 1, sessions: 4, turns: 100))
        #expect(few.allSatisfy { $0.verdict == .inconclusive })
        let report = GateReport(run: Self.run("b", seed: 2).run, gates: gates)
        #expect(!report.passed, "inconclusive is never a pass")
        #expect(JUnitReport.render(report).contains("type=\"inconclusive\""))
    }

    @Test func everyCellAndTheWholeRunAreCompared() throws {
        let profiles = ["clean", "4g"]
        let baseline = Self.run("a", seed: 1, sessions: 60, profiles: profiles)
        var run = Self.run("b", seed: 2, sessions: 60, profiles: profiles)
        // Only the 4g cell slows down.
        run.sessions = run.sessions.map { s in
            guard s.networkProfile == "4g" else { return s }
            var s = s
            s.turns = s.turns.map { t in
                var t = t
                t.ttfaMs = t.ttfaMs.map { $0 * 1.3 }
                return t
            }
            return s
        }
        run = RunReport(run: run.run, sessions: run.sessions)
        let gates = BaselineComparison().compare([Self.rules[1]], run: run, baseline: baseline)
        #expect(gates.map(\.cellLabel) == ["all", "websocket/4g", "websocket/clean"])
        #expect(gates.map(\.verdict) == [.fail, .fail, .pass], "\(gates)")
        // A cell the baseline never ran is inconclusive.
        let other = BaselineComparison().compare([Self.rules[1]], run: run, baseline: Self.run("a", seed: 1, sessions: 60))
        #expect(other.first { $0.cell == "websocket/4g" }?.verdict == .inconclusive)
    }

    @Test func mosRegressesDownward() throws {
        let rule = RegressionRule(metric: "mos.mean", tolerance: .init(absolute: 0.05, relativePct: 0))
        let gates = BaselineComparison().compare(
            [rule], run: Self.run("b", seed: 2, scale: 0.5), baseline: Self.run("a", seed: 1))
        let gate = try #require(gates.first)
        #expect(gate.comparator == ">=" && gate.delta! < 0)
        #expect(gate.verdict == .fail, "\(gate)")
        let better = BaselineComparison().compare([rule], run: Self.run("b", seed: 2, scale: 2), baseline: Self.run("a", seed: 1))
        #expect(better.first?.verdict == .pass)
        #expect(better.first?.note == "significant improvement")
    }

    /// Many A/A pairs drawn from one distribution, compared with no tolerance: the share called a significant
    /// regression is the test's false-positive rate, nominally α = 2.5 % one-sided (a 95 % two-sided interval).
    @Test func aaFalsePositiveRateIsNearNominal() {
        let pairs = 200
        let rule = RegressionRule(metric: "ttfa.p95", tolerance: .init(absolute: 0, relativePct: 0))
        var significant = 0, withTolerance = 0
        for k in 0..<pairs {
            let a = Self.run("a", seed: UInt64(2 * k + 1000)), b = Self.run("b", seed: UInt64(2 * k + 1001))
            if BaselineComparison(seed: UInt64(k)).compare([rule], run: b, baseline: a).first?.verdict == .fail {
                significant += 1
            }
            if BaselineComparison(seed: UInt64(k)).compare([Self.rules[1]], run: b, baseline: a).first?.verdict == .fail {
                withTolerance += 1
            }
        }
        let rate = Double(significant) / Double(pairs)
        print("A/A false-positive rate over \(pairs) pairs: \(significant) significant (\(rate * 100) %, nominal 2.5 %), \(withTolerance) failing with the default tolerance")
        #expect(rate <= 0.06, "\(significant) of \(pairs)")
        #expect(withTolerance <= 2, "\(withTolerance) of \(pairs)")
    }

    @Test func anInvalidRunNeverPasses() throws {
        var run = Self.run("b", seed: 2)
        run.run.valid = false
        run.run.invalidReason = "harness-limited"
        let report = GateReport(
            run: run.run, gates: BaselineComparison().compare(Self.rules, run: run, baseline: Self.run("a", seed: 1)))
        #expect(report.gates.allSatisfy(\.passed) && !report.passed)
        let xml = JUnitReport.render(report)
        #expect(xml.contains("<failure type=\"run\""))
        try Self.validate(xml)
        #expect(GateMarkdown.render(report).contains("❌ run b is invalid: harness-limited"))
        let json = try GateJSON.render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "chorus.gate" && object["schema_version"] as? Int == 1)
        #expect(object["passed"] as? Bool == false && object["verdict"] as? String == "fail")
        let gates = try #require(object["gates"] as? [[String: Any]])
        #expect(gates.count == 2 && gates[0]["ci_low"] is Double && gates[0]["p_value"] is Double)
        #expect(gates[0]["cell"] as? String == "websocket/clean" && gates[0]["unit"] as? String == "ms")
    }

    /// Validates JUnit XML with Debian's xmllint against Tests/Schemas/junit.xsd.
    static func validate(_ xml: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-junit-\(UUID().uuidString).xml")
        try Data(xml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        p.arguments = ["--noout", "--schema", root.appendingPathComponent("Schemas/junit.xsd").path, file.path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "xmllint: \(message)")
    }
}
