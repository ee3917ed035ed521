import ChorusCore

// MARK: - Custom profiles from scenario files

extension LinkProfile {
    /// The keys a custom profile may use; every one except `base`, `description` and `source` may carry an `up.` or
    /// `down.` prefix to set one direction only.
    public static let customKeys = [
        "base", "description", "source", "loss", "loss_model", "burst", "delay", "jitter", "jitter_distribution",
        "correlation", "reorder", "duplicate", "rate", "queue", "allow_reordering", "outage", "outage_every",
    ]

    /// Builds a custom profile from a scenario's flat key/value map, or returns every problem found.
    ///
    /// Keys (values as written in YAML):
    /// - `base`: a built-in profile to start from (default `clean`); `description`, `source`: free text;
    /// - `loss`: percent lost, 0–100 % (`3%`); `loss_model`: `bernoulli` | `gilbert-elliott` | `none`
    ///   (default `gilbert-elliott` when `burst` is given, else `bernoulli`); `burst`: mean loss-burst length in
    ///   packets, ≥ 1 (simple Gilbert model, docs/network.md §1.1);
    /// - `delay`, `jitter`: durations ≥ 0 (`40ms`, `1.5s`); `jitter_distribution`: `uniform` | `normal` | `pareto`;
    ///   `correlation`: 0–1 (or `25%`);
    /// - `reorder`, `duplicate`: percent 0–100 %;
    /// - `rate`: > 0, with a unit (`500kbit`, `2mbit`, `1gbit`; `kbps`/`mbps` also mean bits), or `none`;
    ///   `queue`: drop-tail depth as a duration ≥ 0 (default 500ms);
    /// - `allow_reordering`: `true` | `false`; `outage`: a duration or range (`300ms..800ms`) or `none`;
    ///   `outage_every`: a duration > 0.
    ///
    /// Unprefixed keys set both directions; `up.…`/`down.…` keys override them for one direction.
    public static func parse(name: String, fields: [String: String]) -> Result<LinkProfile, NetworkProfileError> {
        var problems: [NetworkProfileProblem] = []
        var base = LinkProfile.clean
        var description = "Custom profile"
        var source = "scenario file"
        var entries: [LinkDirection: [String: ProfileEntry]] = [.up: [:], .down: [:]]
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "base":
                if let found = LinkProfile.named(value) {
                    base = found
                } else {
                    let names = LinkProfile.builtInNames.joined(separator: ", ")
                    problems.append(.init(key: key, message: "unknown profile \"\(value)\"; allowed \(names)"))
                }
            case "description": description = value
            case "source": source = value
            default:
                if let problem = Self.file(key: key, value: value, into: &entries) { problems.append(problem) }
            }
        }
        var upReader = ProfileFieldReader(entries: entries[.up] ?? [:])
        var downReader = ProfileFieldReader(entries: entries[.down] ?? [:])
        let up = upReader.profile(base: base.up)
        let down = downReader.profile(base: base.down)
        for problem in upReader.problems + downReader.problems where !problems.contains(problem) {
            problems.append(problem)
        }
        problems = problems.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
            .map(\.element)
        let profile = LinkProfile(name: name, description: description, source: source, up: up, down: down)
        if problems.isEmpty {
            problems = profile.problems().map { NetworkProfileProblem(key: name, message: $0) }
        }
        return problems.isEmpty ? .success(profile) : .failure(NetworkProfileError(profile: name, problems: problems))
    }

    /// Files one key under the direction(s) it sets; a prefixed key beats an unprefixed one whatever the order.
    private static func file(
        key: String, value: String, into entries: inout [LinkDirection: [String: ProfileEntry]]
    ) -> NetworkProfileProblem? {
        var field = key
        var directions = LinkDirection.allCases
        for direction in LinkDirection.allCases where key.hasPrefix(direction.rawValue + ".") {
            field = String(key.dropFirst(direction.rawValue.count + 1))
            directions = [direction]
        }
        guard Self.customKeys.dropFirst(3).contains(field) else {
            let allowed = Self.customKeys.joined(separator: ", ")
            return .init(key: key, message: "unknown key; allowed \(allowed) (optionally prefixed up. or down.)")
        }
        let isPrefixed = directions.count == 1
        for direction in directions where isPrefixed || entries[direction]?[field] == nil {
            entries[direction, default: [:]][field] = ProfileEntry(key: key, value: value)
        }
        return nil
    }
}

/// One key as written in the scenario, filed under its field name.
struct ProfileEntry: Sendable {
    var key: String
    var value: String
}
