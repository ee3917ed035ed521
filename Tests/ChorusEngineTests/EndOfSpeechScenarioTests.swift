import ChorusEngine
import ChorusTestSupport
import Testing

@Suite("session.speech_threshold and session.speech_window")
struct EndOfSpeechScenarioTests {
    let path = "\(Fixtures.packageRoot)/Scenarios/under-test.yaml"

    func scenario(_ session: String) throws -> Scenario {
        try Scenario.parse(yaml: "session: {utterances: [audio/book-a-table.wav]\(session)}", path: self.path)
    }

    @Test func defaultsAreTenMillisecondWindowsAtMinus40() throws {
        let s = try self.scenario("")
        #expect(s.session.speechThresholdDBFS == -40 && s.session.speechWindowMs == 10)
    }

    @Test func theAgentsRuleMovesTheShippedClipsEndOneFrameLater() throws {
        let standard = try self.scenario("")
        let agents = try self.scenario(", speech_threshold: -45dBFS, speech_window: 20ms")
        #expect(agents.session.speechThresholdDBFS == -45 && agents.session.speechWindowMs == 20)
        let clip = standard.session.utterances[0]
        let a = try standard.utterance(path: clip, sampleRate: 16000)
        let b = try agents.utterance(path: clip, sampleRate: 16000)
        #expect(b.lastSpeechFrameIndex == a.lastSpeechFrameIndex + 1, "\(a.speechEndMs) ms → \(b.speechEndMs) ms")
    }

    @Test(arguments: [
        ("speech_threshold: loud", "session.speech_threshold", "dBFS"),
        ("speech_threshold: 3", "session.speech_threshold", "from -120 to 0"),
        ("speech_threshold: -200", "session.speech_threshold", "from -120 to 0"),
        ("speech_window: 7.5ms", "session.speech_window", "whole number of milliseconds"),
        ("speech_window: 0ms", "session.speech_window", "from 1ms to 100ms"),
        ("speech_window: 1s", "session.speech_window", "from 1ms to 100ms"),
        ("speech_window: often", "session.speech_window", "expected e.g. 10ms"),
    ])
    func badValuesNameTheKeyAndTheExpectedForm(entry: String, key: String, expected: String) throws {
        let error = try #require(throws: ScenarioError.self) { try self.scenario(", \(entry)") }
        let line = try #require(error.problems.first { $0.contains(key) }, "\(error.problems)")
        #expect(line.contains(expected), "\(line)")
    }
}
