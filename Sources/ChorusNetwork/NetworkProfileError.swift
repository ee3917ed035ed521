/// One thing wrong with a custom network profile: the key as written and what is allowed.
public struct NetworkProfileProblem: Sendable, Hashable, CustomStringConvertible {
    /// The scenario key, with its `up.`/`down.` prefix if it had one.
    public var key: String
    /// What is wrong and what is allowed (for example `120% is out of range; allowed 0–100 %`).
    public var message: String

    /// A problem with `key`.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// `key: message`.
    public var description: String { "\(self.key): \(self.message)" }
}

/// A custom network profile that could not be built, with every problem found (not just the first).
public struct NetworkProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The profile's name.
    public var profile: String
    /// Every problem, in key order.
    public var problems: [NetworkProfileProblem]

    /// An error for `profile`.
    public init(profile: String, problems: [NetworkProfileProblem]) {
        self.profile = profile
        self.problems = problems
    }

    /// One line naming the profile and every problem.
    public var description: String {
        "network profile \"\(self.profile)\": " + self.problems.map(\.description).joined(separator: "; ")
    }
}
