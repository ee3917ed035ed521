import ArgumentParser
import ChorusEngine

/// `chorus validate`: check a scenario and print every problem at once.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a scenario file without running it.")

    @Argument(help: "Scenario YAML file.") var scenario: String
    @Option(name: .customLong("set"), help: "Override a key: key.path=value (repeatable).") var overrides: [String] = []

    func run() async throws {
        do {
            let (s, _) = try Scenario.load(path: self.scenario, overrides: self.overrides)
            print("\(self.scenario): ok (\(s.name): \(s.load.callers) callers × \(s.session.turns) turns, \(s.session.utterances.count) utterances, \(s.thresholds.count) thresholds)")
        } catch let e as ScenarioError {
            throw CLIError(e.description)
        }
    }
}
