import ArgumentParser
import ChorusAudio
import ChorusEngine
import Foundation

/// `chorus validate`: check a scenario and print every problem at once, then where each utterance's speech ends.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a scenario file without running it.")

    @Argument(help: "Scenario YAML file.") var scenario: String
    @Option(name: .customLong("set"), help: "Override a key: key.path=value (repeatable).") var overrides: [String] = []

    func run() async throws {
        let s: Scenario
        do {
            (s, _) = try Scenario.load(path: self.scenario, overrides: self.overrides)
        } catch let e as ScenarioError {
            throw CLIError(e.description)
        }
        print("\(self.scenario): ok (\(s.name): \(s.load.callers) callers × \(s.session.turns) turns, \(s.session.utterances.count) utterances, \(s.thresholds.count) thresholds)")
        print(try Self.endOfSpeech(s))
    }

    /// The end-of-speech rule and where it puts each utterance's end, to compare with an agent's own VAD logs.
    static func endOfSpeech(_ s: Scenario) throws -> String {
        let rate = s.target.sampleRate
        var lines = [
            "end of speech (docs/end-of-speech.md): the last \(s.session.speechWindowMs) ms window at or above "
                + "\(Self.number(s.session.speechThresholdDBFS)) dBFS (session.speech_window, session.speech_threshold), "
                + "at \(rate) Hz"
        ]
        var problems: [String] = []
        for path in s.session.utterances {
            do {
                let u = try s.utterance(path: path, sampleRate: rate)
                lines.append(
                    "  \(u.name): speech ends at \(Self.number(u.speechEndMs)) ms, in frame \(u.lastSpeechFrameIndex) "
                        + "(sent \(u.lastSpeechFrameIndex * 20) ms after the clip's first frame)")
            } catch {
                problems.append("\(s.path): session.utterances: \(error)")
            }
        }
        if let bargeIn = s.session.bargeIn {
            do {
                let u = try s.utterance(path: bargeIn.utterance, sampleRate: rate)
                let start = u.speechStartSample / u.frameSamples
                lines.append(
                    "  \(u.name) (session.barge_in): speech starts in frame \(start) (\(start * 20) ms after the clip's "
                        + "first frame: the interruption's start), ends at \(Self.number(u.speechEndMs)) ms")
            } catch {
                problems.append("\(s.path): session.barge_in.utterance: \(error)")
            }
        }
        if !problems.isEmpty { throw CLIError(problems.joined(separator: "\n")) }
        return lines.joined(separator: "\n")
    }

    private static func number(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
    }
}
