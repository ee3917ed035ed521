import Foundation

extension Scenario {
    /// Reads, overrides and validates a scenario file; throws `ScenarioError` listing every problem.
    ///
    /// - Parameters:
    ///   - path: the YAML file.
    ///   - overrides: `key.path=value` strings applied before validation (`--set`).
    /// - Returns: the scenario and the YAML text as read (stored with the run).
    public static func load(path: String, overrides: [String] = []) throws -> (Scenario, String) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ScenarioError(problems: ["\(path): scenario file not found"])
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(problems: ["\(path): cannot read the scenario file as UTF-8 text"])
        }
        return (try Self.parse(yaml: text, path: path, overrides: overrides), text)
    }

    /// Validates YAML text as if it were the file at `path` (relative audio paths resolve against its directory).
    public static func parse(yaml: String, path: String, overrides: [String] = []) throws -> Scenario {
        var root: ScenarioNode
        do {
            root = try ScenarioNode.parse(yaml: yaml)
        } catch {
            throw ScenarioError(problems: ["\(path): invalid YAML: \(error)"])
        }
        var problems: [String] = []
        for o in overrides {
            do { try root.apply(override: o) } catch let e as ScenarioError { problems += e.problems }
        }
        var validator = ScenarioValidator(file: path)
        let scenario = validator.validate(root)
        problems += validator.problems
        if !problems.isEmpty { throw ScenarioError(problems: problems) }
        return scenario
    }
}
