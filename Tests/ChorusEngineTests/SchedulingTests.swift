import ChorusEngine
import ChorusTestSupport
import Testing

@Suite("Arrival schedules and session plans")
struct SchedulingTests {
    @Test func rampSpreadsCallersEvenly() {
        let s = RampedClosedSchedule(callers: 4, rampNs: 2_000_000_000)
        #expect((0..<4).map { s.startOffsetNs(ofCaller: $0) } == [0, 500_000_000, 1_000_000_000, 1_500_000_000])
        #expect(RampedClosedSchedule(callers: 3, rampNs: 0).startOffsetNs(ofCaller: 2) == 0)
    }

    @Test func plansRepeatForTheSameSeedAndDifferAcrossSessions() {
        var scenario = AgentHarness.scenario(callers: 2, turns: 5)
        scenario.session.thinkTimeMs = 1000...3000
        let planner = SessionPlanner(scenario: scenario, clipCount: 4, runId: "r", originNs: 0)
        let a = planner.plan(callerIndex: 0, sessionIndex: 7)
        let b = planner.plan(callerIndex: 0, sessionIndex: 7)
        let c = planner.plan(callerIndex: 1, sessionIndex: 8)
        #expect(a.turnClips == b.turnClips && a.thinkNs == b.thinkNs)
        #expect(a.turnClips != c.turnClips || a.thinkNs != c.thinkNs)
        #expect(a.thinkNs.allSatisfy { (1_000_000_000...3_000_000_000).contains($0) })
        #expect(a.turnClips.allSatisfy { (0..<4).contains($0) })
        #expect(a.sessionId == "r-7")
    }
}

@Suite("Load models")
struct LoadModelTests {
    @Test func uniformArrivalsAreEvenlySpacedAndStopAtTheDuration() {
        var a = OpenArrivals(ratePerSecond: 4, process: .uniform, durationNs: 1_000_000_000, seed: 1)
        var offsets: [Int64] = []
        while let o = a.next() { offsets.append(o) }
        #expect(offsets == [0, 250_000_000, 500_000_000, 750_000_000])
    }

    @Test func poissonArrivalsHaveTheConfiguredRateAndRepeatBySeed() {
        func all(_ seed: UInt64) -> [Int64] {
            var a = OpenArrivals(ratePerSecond: 50, process: .poisson, durationNs: 200_000_000_000, seed: seed)
            var offsets: [Int64] = []
            while let o = a.next() { offsets.append(o) }
            return offsets
        }
        let a = all(7)
        // 10,000 expected arrivals: the count's standard deviation is 100, so ±4 % is about four sigma.
        #expect(abs(Double(a.count) - 10_000) < 400)
        #expect(a == all(7))
        #expect(a != all(8))
        #expect(zip(a, a.dropFirst()).allSatisfy { $0 <= $1 })
        // Exponential gaps: the coefficient of variation is 1.
        let gaps = zip(a, a.dropFirst()).map { Double($1 - $0) }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        let sd = (gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count)).squareRoot()
        #expect(abs(sd / mean - 1) < 0.05)
    }

    @Test func stagesMakeSteppedAndSpikeWindows() {
        let s = StagedSchedule(stages: [
            LoadStage(callers: 2, durationMs: 1000, rampMs: 1000),
            LoadStage(callers: 4, durationMs: 1000),
            LoadStage(callers: 1, durationMs: 1000),
        ])
        #expect(s.maxCallers == 4)
        #expect(s.totalNs == 3_000_000_000)
        #expect(s.windows(ofSlot: 0) == [.init(startNs: 0, endNs: 3_000_000_000)])
        #expect(s.windows(ofSlot: 1) == [.init(startNs: 500_000_000, endNs: 2_000_000_000)])
        #expect(s.windows(ofSlot: 3) == [.init(startNs: 1_000_000_000, endNs: 2_000_000_000)])
        let spike = StagedSchedule(stages: [
            LoadStage(callers: 1, durationMs: 1000), LoadStage(callers: 3, durationMs: 200), LoadStage(callers: 1, durationMs: 1000),
        ])
        #expect(spike.windows(ofSlot: 2) == [.init(startNs: 1_000_000_000, endNs: 1_200_000_000)])
    }

    @Test func openModelKeysValidate() throws {
        let path = "\(Fixtures.packageRoot)/Scenarios/under-test.yaml"
        let ok = try Scenario.parse(
            yaml: "load: {arrival_rate: 120/m, duration: 30s, arrivals: uniform, max_concurrency: 5}\nsession: {utterances: [audio/goodbye.wav]}",
            path: path)
        #expect(ok.load.arrivalRate == 2 && ok.load.arrivals == .uniform && ok.load.maxConcurrency == 5)
        let bad = try #require(throws: ScenarioError.self) {
            try Scenario.parse(yaml: "load: {arrival_rate: 5/s, callers: 3}\nsession: {utterances: [audio/goodbye.wav]}", path: path)
        }
        #expect(bad.problems.contains { $0.contains("cannot be combined") })
        #expect(bad.problems.contains { $0.contains("needs load.duration") })
        let stages = try Scenario.parse(
            yaml: "load: {stages: [{callers: 2, duration: 10s}, {callers: 5, duration: 5s, ramp: 1s}]}\nsession: {utterances: [audio/goodbye.wav]}",
            path: path)
        #expect(stages.load.stages?.count == 2)
    }
}

@Suite("Caller event loops")
struct CallerLoopTests {
    @Test("One loop per 500 callers in progress, at least one, at most one per core; threads overrides")
    func loopsFollowPeakCallers() {
        var s = Scenario(name: "loops", path: "/tmp/loops.yaml")
        s.load.callers = 100
        #expect(s.callerLoops(cores: 2) == 1)
        s.load.callers = 501
        #expect(s.callerLoops(cores: 2) == 2)
        s.load.callers = 3000
        #expect(s.callerLoops(cores: 2) == 2)
        #expect(s.callerLoops(cores: 8) == 6)
        s.load.stages = [LoadStage(callers: 10, durationMs: 1000), LoadStage(callers: 1200, durationMs: 1000)]
        #expect(s.callerLoops(cores: 8) == 3)
        s.load.arrivalRate = 5
        #expect(s.callerLoops(cores: 4) == 4, "an open model without a cap may need every core")
        s.load.maxConcurrency = 40
        #expect(s.callerLoops(cores: 4) == 1)
        s.harness.threads = 3
        #expect(s.callerLoops(cores: 4) == 3)
    }
}
