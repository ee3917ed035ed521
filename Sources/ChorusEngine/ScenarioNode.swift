import Yams

/// A scenario file as a plain tree with line numbers, so validation can name the line of every problem and
/// `--set key.path=value` can override any key before validation.
public indirect enum ScenarioNode: Sendable, Hashable {
    case scalar(String, line: Int?)
    case sequence([ScenarioNode], line: Int?)
    case mapping([Entry], line: Int?)

    /// One key of a mapping, in file order.
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var line: Int?
        public var value: ScenarioNode
    }

    /// Parses YAML text; throws a message naming the line for invalid YAML.
    public static func parse(yaml: String) throws -> ScenarioNode {
        guard let node = try Yams.compose(yaml: yaml) else { return .mapping([], line: 1) }
        return Self(node)
    }

    init(_ node: Node) {
        let line = node.mark.map { $0.line }
        switch node {
        case .scalar(let s):
            self = .scalar(s.string, line: line)
        case .sequence(let seq):
            self = .sequence(seq.map { Self($0) }, line: line)
        case .mapping(let map):
            self = .mapping(
                map.map { Entry(key: $0.key.string ?? "\($0.key)", line: $0.key.mark?.line, value: Self($0.value)) },
                line: line)
        case .alias:
            self = .scalar("", line: line)
        }
    }

    /// The line this node starts on, when known.
    public var line: Int? {
        switch self {
        case .scalar(_, let line), .sequence(_, let line), .mapping(_, let line): return line
        }
    }

    /// The value at `key` when this is a mapping.
    public subscript(key: String) -> ScenarioNode? {
        guard case .mapping(let entries, _) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// Replaces (or creates) the value at a dotted path, creating mappings on the way.
    public mutating func set(path: [String], to value: ScenarioNode) {
        guard let head = path.first else {
            self = value
            return
        }
        var entries: [Entry]
        let line: Int?
        if case .mapping(let e, let l) = self {
            entries = e
            line = l
        } else {
            entries = []
            line = nil
        }
        if let i = entries.firstIndex(where: { $0.key == head }) {
            entries[i].value.set(path: Array(path.dropFirst()), to: value)
        } else {
            var child = ScenarioNode.mapping([], line: nil)
            child.set(path: Array(path.dropFirst()), to: value)
            entries.append(Entry(key: head, line: nil, value: child))
        }
        self = .mapping(entries, line: line)
    }

    /// Parses `key.path=value` (the value as YAML, so lists like `[a, b]` work) and applies it.
    public mutating func apply(override: String) throws {
        guard let eq = override.firstIndex(of: "="), eq != override.startIndex else {
            throw ScenarioError(problems: ["--set \(override): expected key.path=value"])
        }
        let path = override[..<eq].split(separator: ".").map(String.init)
        let valueText = String(override[override.index(after: eq)...])
        let value: ScenarioNode
        do {
            value = try Self.parse(yaml: valueText.isEmpty ? "''" : valueText)
        } catch {
            throw ScenarioError(problems: ["--set \(override): the value is not valid YAML"])
        }
        self.set(path: path, to: value)
    }
}
