import ChorusCore
import ChorusEngine
import ChorusTestSupport
import ChorusTransport
import Testing

/// `session.barge_in` and `agent.bargein_stop`: read, validated with the file, key and what was expected, and
/// planned deterministically per session seed.
@Suite("Barge-in scenario keys")
struct BargeInScenarioTests {
    let path = "\(Fixtures.packageRoot)/Scenarios/under-test.yaml"

    @Test func readsEveryKeyAndPlansInterruptingTurnsFromTheSeed() throws {
        let yaml = """
            agent: {bargein_stop: 150ms}
            session:
              turns: 4
              utterances: [audio/book-a-table.wav, audio/ask-hours.wav]
              barge_in: {probability: 0.5, after: 400ms..1500ms, utterance: audio/change-time.wav, missed_after: 2s}
            """
        let s = try Scenario.parse(yaml: yaml, path: self.path)
        #expect(s.agent.bargeInStop == .after(ms: 150))
        let b = try #require(s.session.bargeIn)
        #expect(b.probability == 0.5 && b.afterMs == 400...1500 && b.missedAfterMs == 2000)
        #expect(b.utterance.hasSuffix("Scenarios/audio/change-time.wav"))
        // Two spoken clips plus the barge-in clip, which is the last.
        let planner = SessionPlanner(scenario: s, clipCount: 3, runId: "r", originNs: 0)
        var interruptions = 0
        var scripted = 0
        for i in 0..<200 {
            let plan = planner.plan(callerIndex: 0, sessionIndex: i)
            let again = planner.plan(callerIndex: 0, sessionIndex: i)
            #expect(plan.turnClips == again.turnClips && plan.bargeInAfterNs == again.bargeInAfterNs, "same seed, same plan")
            #expect(plan.turnClips.count == plan.thinkNs.count && plan.turnClips.count == plan.bargeInAfterNs.count)
            #expect(plan.bargeInAfterNs.first! == nil, "the first turn interrupts nothing")
            #expect(plan.bargeInMissedAfterNs == 2_000_000_000)
            for (turn, after) in plan.bargeInAfterNs.enumerated() {
                if let after {
                    interruptions += 1
                    #expect(plan.turnClips[turn] == 2)
                    #expect((400_000_000...1_500_000_000).contains(after))
                    #expect(plan.bargeInAfterNs[turn - 1] == nil, "an interrupting turn is not itself interrupted")
                } else {
                    scripted += 1
                    #expect(plan.turnClips[turn] < 2)
                }
            }
        }
        #expect(scripted == 800)
        #expect(abs(Double(interruptions) / 800 - 0.5) < 0.07, "\(interruptions) of 800")
    }

    @Test func withoutBargeInThePlanIsUnchanged() throws {
        let yaml = "session: {turns: 3, utterances: [audio/book-a-table.wav, audio/ask-hours.wav]}"
        let s = try Scenario.parse(yaml: yaml, path: self.path)
        #expect(s.session.bargeIn == nil && s.agent.bargeInStop == .dialectDefault)
        var with = s
        with.session.bargeIn = Scenario.BargeIn(utterance: "x.wav")
        with.session.bargeIn!.probability = 0
        let plain = SessionPlanner(scenario: s, clipCount: 2, runId: "r", originNs: 0)
        let never = SessionPlanner(scenario: with, clipCount: 3, runId: "r", originNs: 0)
        for i in 0..<20 {
            let a = plain.plan(callerIndex: 0, sessionIndex: i)
            let b = never.plan(callerIndex: 0, sessionIndex: i)
            #expect(a.turnClips == b.turnClips && a.thinkNs == b.thinkNs && a.seed == b.seed)
            #expect(b.bargeInAfterNs.allSatisfy { $0 == nil })
        }
        #expect(try Scenario.parse(yaml: "agent: {bargein_stop: never}\n" + yaml, path: self.path).agent.bargeInStop == .never)
    }

    @Test func badValuesNameTheFileKeyAndWhatWasExpected() throws {
        let yaml = """
            agent: {bargein_stop: soon}
            session:
              utterances: [audio/book-a-table.wav]
              barge_in: {probability: 1.5, after: later, utterance: audio/nope.wav, missed_after: 0s, when: now}
            """
        let error = try #require(throws: ScenarioError.self) { try Scenario.parse(yaml: yaml, path: self.path) }
        let text = error.problems.joined(separator: "\n")
        #expect(text.contains("under-test.yaml:1: agent.bargein_stop: 'soon' is not a duration or never"), "\(text)")
        #expect(text.contains("session.barge_in.when: unknown key"), "\(text)")
        #expect(text.contains("session.barge_in.utterance: audio file 'audio/nope.wav' not found"), "\(text)")
        let missing = try #require(throws: ScenarioError.self) {
            try Scenario.parse(
                yaml: "session: {utterances: [audio/book-a-table.wav], barge_in: {probability: 0.3}}", path: self.path)
        }
        #expect(missing.problems.contains { $0.contains("session.barge_in.utterance: missing") }, "\(missing.problems)")
        let values = try #require(throws: ScenarioError.self) {
            try Scenario.parse(
                yaml: """
                    session:
                      utterances: [audio/book-a-table.wav]
                      barge_in: {probability: 1.5, after: later, utterance: audio/ask-hours.wav, missed_after: 0s}
                    """, path: self.path)
        }
        let v = values.problems.joined(separator: "\n")
        #expect(v.contains("session.barge_in.probability: '1.5' is not a probability from 0 to 1"), "\(v)")
        #expect(v.contains("session.barge_in.after: 'later' is not a duration or range"), "\(v)")
        #expect(v.contains("session.barge_in.missed_after: '0s' is not a positive duration"), "\(v)")
    }
}
