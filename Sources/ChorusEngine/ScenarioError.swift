/// Everything wrong with a scenario, all at once: each problem names the file, the line, the key and what was
/// expected.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String { self.problems.joined(separator: "\n") }
}
