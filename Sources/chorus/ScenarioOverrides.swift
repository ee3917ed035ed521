import ArgumentParser
import ChorusEngine

/// The flags that change a scenario as it is loaded, shared by the commands that run one (`run`, `k8s render`):
/// each becomes a `key=value` override, in the order the scenario's own `--set` list then these.
struct ScenarioOverrides: ParsableArguments {
    @Option(help: "Concurrent callers (load.callers); of the whole run when it is sharded.") var callers: Int?
    @Option(help: "Repeat sessions for this long (load.duration), e.g. 60s.") var duration: String?
    @Option(help: "Agent URL, ws://host:port/path (target.url).") var target: String?
    @Option(help: "Seed for every random choice (seed).") var seed: UInt64?
    @Option(name: .customLong("set"), help: "Override any scenario key: key.path=value (repeatable).")
    var overrides: [String] = []

    /// Every override as `key=value`: the `--set` ones first, then the flags.
    var all: [String] {
        var sets = self.overrides
        if let callers { sets.append("load.callers=\(callers)") }
        if let duration { sets.append("load.duration=\(duration)") }
        if let target { sets.append("target.url=\(target)") }
        if let seed { sets.append("seed=\(seed)") }
        return sets
    }

    /// Loads the scenario at `path` with every override: the scenario, its YAML text and the overrides applied.
    /// A bad scenario is a `CLIError` naming every problem.
    func load(path: String) throws -> (scenario: Scenario, yaml: String, overrides: [String]) {
        let sets = self.all
        do {
            let (scenario, yaml) = try Scenario.load(path: path, overrides: sets)
            return (scenario, yaml, sets)
        } catch let e as ScenarioError {
            throw CLIError(e.description)
        }
    }
}
