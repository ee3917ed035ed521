import ChorusCore
import ChorusEngine
import ChorusTestSupport
import ChorusTransport
import Foundation
import Testing

@Suite("Scenario parsing and validation")
struct ScenarioTests {
    /// A scenario file path inside Scenarios/ so relative audio paths resolve.
    let path = "\(Fixtures.packageRoot)/Scenarios/under-test.yaml"

    let valid = """
        name: t
        target: {dialect: chorus, codec: pcm16/16000}
        agent: {latency: 250ms}
        load: {callers: 4, ramp: 1s}
        session:
          turns: 2
          think_time: 1s..3s
          utterances: [audio/book-a-table.wav]
        thresholds:
          ttfa.p95: "< 900ms"
          errors.rate: "< 1%"
        """

    @Test func happyPathReadsEveryKey() throws {
        let s = try Scenario.parse(yaml: self.valid, path: self.path)
        #expect(s.name == "t")
        #expect(s.load.callers == 4)
        #expect(s.load.rampMs == 1000)
        #expect(s.agent.latencyMs == 250)
        #expect(s.session.thinkTimeMs == 1000...3000)
        #expect(s.session.utterances.count == 1 && s.session.utterances[0].hasSuffix("Scenarios/audio/book-a-table.wav"))
        #expect(s.thresholds.count == 2)
        #expect(s.thresholds.contains(Threshold(metric: "ttfa.p95", comparator: .lessThan, limit: 900)))
        #expect(s.thresholds.contains(Threshold(metric: "errors.rate", comparator: .lessThan, limit: 1)))
    }

    @Test func thresholdsReadCellsAndBaselineGates() throws {
        let yaml = """
            session: {utterances: [audio/book-a-table.wav]}
            network: [clean, very-bad]
            matrix: {transports: [websocket, rtp]}
            target: {codec: pcm16/16000}
            thresholds:
              ttfa.p95: "< 900ms"
              mos.p05: "> 3.5"
              ttfa.p50: {limit: "< 600ms", regression: "10%"}
              baseline:
                against: release-1.4
                voice_to_voice.p95: {regression: "40ms"}
                errors.rate: "0.5, 10%"
                ttfa.p95: {}
              cells:
                websocket/very-bad: {ttfa.p95: "< 1500ms", stalls.per_min: "< 2"}
                clean: {errors.rate: "< 0.5%"}
            """
        let s = try Scenario.parse(yaml: yaml, path: self.path)
        #expect(s.thresholds == [
            Threshold(metric: "ttfa.p95", comparator: .lessThan, limit: 900),
            Threshold(metric: "mos.p05", comparator: .greaterThan, limit: 3.5),
            Threshold(metric: "ttfa.p50", comparator: .lessThan, limit: 600),
            Threshold(metric: "ttfa.p95", comparator: .lessThan, limit: 1500, cell: "websocket/very-bad"),
            Threshold(metric: "stalls.per_min", comparator: .lessThan, limit: 2, cell: "websocket/very-bad"),
            Threshold(metric: "errors.rate", comparator: .lessThan, limit: 0.5, cell: "clean"),
        ])
        let plan = try #require(s.baseline)
        #expect(plan.against == "release-1.4")
        #expect(plan.rules == [
            RegressionRule(metric: "ttfa.p50", tolerance: .init(absolute: 0, relativePct: 10)),
            RegressionRule(metric: "voice_to_voice.p95", tolerance: .init(absolute: 40, relativePct: 0)),
            RegressionRule(metric: "errors.rate", tolerance: .init(absolute: 0.5, relativePct: 10)),
            RegressionRule(metric: "ttfa.p95", tolerance: .init(absolute: 25, relativePct: 5)),
        ])
        #expect(try Scenario.parse(yaml: self.valid, path: self.path).baseline == nil)
        let listed = try Scenario.parse(
            yaml: self.valid, path: self.path, overrides: ["thresholds.baseline=[ttfa.p95, mos.p05]"])
        #expect(listed.baseline?.rules.map(\.metric) == ["ttfa.p95", "mos.p05"])
        #expect(listed.baseline?.rules.last?.tolerance == .init(absolute: 0.1, relativePct: 5))
    }

    @Test func rtpCallersAreSymmetricUnlessToldOtherwise() throws {
        #expect(try Scenario.parse(yaml: self.valid, path: self.path).target.symmetricRTP)
        let s = try Scenario.parse(yaml: self.valid, path: self.path, overrides: ["target.symmetric_rtp=false"])
        #expect(!s.target.symmetricRTP)
    }

    @Test func aFragmentingAgentAndTheMessageLimitAreReadWhenGiven() throws {
        let plain = try Scenario.parse(yaml: self.valid, path: self.path)
        #expect(plain.agent.fragmentBytes == nil && plain.target.maxMessageSize == nil)
        let s = try Scenario.parse(
            yaml: self.valid, path: self.path, overrides: ["agent.fragment=100", "target.max_message_size=1000"])
        #expect(s.agent.fragmentBytes == 100)
        #expect(s.target.maxMessageSize == 1000)
    }

    @Test func overridesApplyBeforeValidation() throws {
        let s = try Scenario.parse(
            yaml: self.valid, path: self.path, overrides: ["agent.latency=500ms", "load.callers=20", "agent.jitter=5ms"])
        #expect(s.agent.latencyMs == 500)
        #expect(s.agent.jitterMs == 5)
        #expect(s.load.callers == 20)
    }

    @Test(arguments: [
        ("load: {calers: 3}", "load.calers", "did you mean 'callers'"),
        ("agent: {latency: fast}", "agent.latency", "not a duration"),
        ("thresholds: {ttfa.p95: \"900ms\"}", "thresholds.ttfa.p95", "no comparator"),
        ("thresholds: {ttfa.p100: \"< 9ms\"}", "thresholds.ttfa.p100", "unknown metric"),
        ("thresholds: {mos.p05: \"> 3.5ms\"}", "thresholds.mos.p05", "a number"),
        ("thresholds: {drift.slope: \"< 2\"}", "thresholds.drift.slope", "a duration per turn"),
        ("thresholds: {ttfa.p95: {limit: \"< 9ms\", regresion: 5%}}", "thresholds.ttfa.p95.regresion", "unknown key"),
        ("thresholds: {ttfa.p95: {regression: fast}}", "thresholds.ttfa.p95.regression", "not a tolerance"),
        ("thresholds: {baseline: {ttfa.max: {}}}", "thresholds.baseline.ttfa.max", "cannot be compared"),
        ("thresholds: {baseline: {ttfa.p95: {regression: 10}}}", "thresholds.baseline.ttfa.p95.regression", "not a tolerance"),
        ("thresholds: {baseline: {ttfa.p95: {tolerance: 10%}}}", "thresholds.baseline.ttfa.p95.tolerance", "unknown key"),
        ("thresholds: {baseline: {lag.p95: 10%}}", "thresholds.baseline.lag.p95", "unknown metric"),
        ("thresholds: {cells: {webrtc/very-bad: {ttfa.p95: \"< 1s\"}}}", "thresholds.cells.webrtc/very-bad", "no such cell"),
        ("thresholds: {cells: {clean: {ttfa.p95: \"< 1\"}}}", "thresholds.cells.clean.ttfa.p95", "a duration"),
        ("thresholds: {cells: {clean: {ttfa.p95: {regression: 5%}}}}", "thresholds.cells.clean.ttfa.p95", "thresholds.baseline"),
        ("thresholds: {errors.rate: \"< 1\"}", "thresholds.errors.rate", "percentage"),
        ("target: {codec: opus/7}", "target.codec", "not supported"),
        ("target: {dialect: klingon}", "target.dialect", "expected one of"),
        ("load: {callers: 0}", "load.callers", "whole number"),
        ("agent: {fragment: 0}", "agent.fragment", "whole number"),
        ("agent: {drift: {ms_per_turn: 15ms, aftr_turn: 3}}", "agent.drift.aftr_turn", "did you mean 'after_turn'"),
        ("agent: {drift: {after_turn: 3}}", "agent.drift", "missing ms_per_turn"),
        ("agent: {drift: {ms_per_turn: 15ms, after_turn: -1}}", "agent.drift.after_turn", "whole number"),
        ("agent: {clock_skew_ppm: fast}", "agent.clock_skew_ppm", "number of ppm"),
        ("session: {utterances: [audio/book-a-table.wav], turns: 100..20}", "session.turns", "range like 20..100"),
        ("target: {max_message_size: 16MiB}", "target.max_message_size", "whole number"),
        ("session: {utterances: [audio/missing.wav]}", "session.utterances[0]", "not found"),
        ("target: {url: http://x}", "target.url", "not a ws://"),
        ("bogus: 1", "bogus", "unknown key"),
        ("target: {transport: rtp, codec: opus/16000, symmetric_rtp: sometimes}", "target.symmetric_rtp", "not true or false"),
    ])
    func sadPathsNameTheKey(yaml: String, key: String, expected: String) throws {
        let text = yaml.hasPrefix("session") ? yaml : yaml + "\nsession: {utterances: [audio/book-a-table.wav]}"
        let error = try #require(throws: ScenarioError.self) { try Scenario.parse(yaml: text, path: self.path) }
        let line = try #require(error.problems.first { $0.contains(key) }, "\(error.problems)")
        #expect(line.contains(expected), "\(line)")
        #expect(line.hasPrefix(self.path), "names the file: \(line)")
    }

    @Test("Drift after a turn, clock skew and a range of turns are read")
    func driftSkewAndTurnRange() throws {
        let yaml = """
            agent: {drift: {ms_per_turn: 15ms, after_turn: 10}, clock_skew_ppm: -120.5}
            session: {utterances: [audio/book-a-table.wav], turns: 20..100}
            """
        let s = try Scenario.parse(yaml: yaml, path: self.path)
        #expect(s.agent.driftMsPerTurn == 15 && s.agent.driftAfterTurn == 10 && s.agent.clockSkewPpm == -120.5)
        #expect(s.agent.driftMs(turn: 10) == 0 && s.agent.driftMs(turn: 14) == 60)
        #expect(s.session.turns == 20 && s.session.maxTurns == 100)
        let linear = try Scenario.parse(
            yaml: "agent: {drift: 5ms}\nsession: {utterances: [audio/book-a-table.wav]}", path: self.path)
        #expect(linear.agent.driftMsPerTurn == 5 && linear.agent.driftMs(turn: 3) == 15)
        let planner = SessionPlanner(scenario: s, clipCount: 1, runId: "r", originNs: 0)
        let counts = (0..<200).map { planner.plan(callerIndex: 0, sessionIndex: $0).turnClips.count }
        #expect(counts.allSatisfy { (20...100).contains($0) } && Set(counts).count > 30, "\(counts)")
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let yaml = """
            load: {calers: 3, ramp: soon}
            agent: {latency: -5ms}
            session: {utterances: [audio/nope.wav], turns: zero}
            """
        let error = try #require(throws: ScenarioError.self) { try Scenario.parse(yaml: yaml, path: self.path) }
        #expect(error.problems.count == 5, "\(error.problems)")
        #expect(error.problems.contains { $0.contains(":1:") && $0.contains("load.calers") }, "with line numbers")
    }

    @Test func invalidYAMLIsAProblemNotACrash() throws {
        let error = try #require(throws: ScenarioError.self) { try Scenario.parse(yaml: "a: [1, 2", path: self.path) }
        #expect(error.problems.first?.contains("invalid YAML") == true)
    }

    @Test func missingFileNamesThePath() throws {
        let error = try #require(throws: ScenarioError.self) { try Scenario.load(path: "/nonexistent/x.yaml") }
        #expect(error.description.contains("/nonexistent/x.yaml"))
    }

    @Test func shippedScenariosValidate() throws {
        let dir = "\(Fixtures.packageRoot)/Scenarios"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for f in files { _ = try Scenario.load(path: "\(dir)/\(f)") }
    }
}
