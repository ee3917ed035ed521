/// API keys in scenarios: `${VAR}` references resolved from the environment, and redaction so that no key reaches
/// a log, a report or the results database. Pure functions (the environment is passed in), so this file can move
/// to ChorusCore unchanged.
public enum Secrets {
    /// What replaces a secret.
    public static let mask = "***"

    /// Headers whose values are credentials (compared case-insensitively).
    public static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "api-key", "x-api-key"]

    /// Replaces every `${NAME}` in `template` with `environment[NAME]`.
    ///
    /// `NAME` is `[A-Za-z_][A-Za-z0-9_]*`; `$${` writes a literal `${`; any other `$` is literal. There is no
    /// default-value syntax. A variable that is set to the empty string expands to nothing. Every unset variable is
    /// reported at once, in order of first use.
    public static func expandEnvironment(
        _ template: String, environment: [String: String]
    ) -> Result<String, EnvironmentExpansionError> {
        var output = ""
        var missing: [String] = []
        let problem = Self.scan(template) { piece in
            switch piece {
            case .literal(let text): output += text
            case .variable(let name):
                if let value = environment[name] {
                    output += value
                } else if !missing.contains(name) {
                    missing.append(name)
                }
            }
        }
        if let problem { return .failure(problem) }
        if !missing.isEmpty { return .failure(.missingVariables(missing)) }
        return .success(output)
    }

    /// The names `template` references, in order of first use (for building the list of values to redact).
    public static func referencedVariables(in template: String) -> [String] {
        var names: [String] = []
        _ = Self.scan(template) { piece in
            if case .variable(let name) = piece, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// `text` with every occurrence of every non-empty secret replaced by `***`.
    ///
    /// Matching is on UTF-8 bytes in one left-to-right pass, longest secret first at each position, so a secret
    /// that contains another is masked whole and a mask is never re-matched.
    public static func redact(_ text: String, secrets: [String]) -> String {
        let needles = Set(secrets.filter { !$0.isEmpty }).map { Array($0.utf8) }.sorted { $0.count > $1.count }
        guard !needles.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        scanning: while i < bytes.count {
            for needle in needles where needle.count <= bytes.count - i && needle.first == bytes[i] {
                if bytes[i..<i + needle.count].elementsEqual(needle) {
                    out += Self.mask.utf8
                    i += needle.count
                    continue scanning
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A header value safe to log: credentials masked, the auth scheme kept (`Bearer ***`).
    ///
    /// `Sec-WebSocket-Protocol` is included because browser-style OpenAI clients put the key in a subprotocol
    /// (`openai-insecure-api-key.<key>`).
    public static func redactedHeaderValue(name: String, value: String) -> String {
        let lowered = name.lowercased()
        if lowered == "sec-websocket-protocol" {
            return value.split(separator: ",", omittingEmptySubsequences: false).map { token -> String in
                let trimmed = token.drop(while: { $0 == " " })
                let leading = token.prefix(token.count - trimmed.count)
                let prefix = "openai-insecure-api-key."
                return trimmed.hasPrefix(prefix) ? String(leading) + prefix + Self.mask : String(token)
            }.joined(separator: ",")
        }
        guard Self.credentialHeaders.contains(lowered) else { return value }
        let parts = value.split(separator: " ", maxSplits: 1)
        if parts.count == 2, parts[0].allSatisfy({ $0.isLetter || $0 == "-" }) { return String(parts[0]) + " " + Self.mask }
        return Self.mask
    }

    /// Headers with credential values masked, order and names kept.
    public static func redactHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        headers.map { (name: $0.name, value: Self.redactedHeaderValue(name: $0.name, value: $0.value)) }
    }

    // MARK: - Scanning templates

    private enum Piece {
        case literal(Substring)
        case variable(String)
    }

    /// Splits `template` into literals and variable references; returns the first syntax problem, if any.
    private static func scan(_ template: String, _ visit: (Piece) -> Void) -> EnvironmentExpansionError? {
        let utf8 = template.utf8
        var literalStart = utf8.startIndex
        var i = utf8.startIndex
        while i != utf8.endIndex {
            guard utf8[i] == UInt8(ascii: "$") else {
                i = utf8.index(after: i)
                continue
            }
            let next = utf8.index(after: i)
            if next != utf8.endIndex, utf8[next] == UInt8(ascii: "$"), Self.isBrace(utf8, at: utf8.index(after: next)) {
                // `$${` → literal `${`.
                visit(.literal(template[literalStart..<i]))
                literalStart = next
                i = utf8.index(next, offsetBy: 2)
                continue
            }
            guard Self.isBrace(utf8, at: next) else {
                i = next
                continue
            }
            let nameStart = utf8.index(after: next)
            guard let close = utf8[nameStart...].firstIndex(of: UInt8(ascii: "}")) else {
                return .unterminatedReference(String(template[i...].prefix(40)))
            }
            let name = String(template[nameStart..<close])
            guard Self.isValidName(name) else { return .invalidName(name) }
            visit(.literal(template[literalStart..<i]))
            visit(.variable(name))
            i = utf8.index(after: close)
            literalStart = i
        }
        visit(.literal(template[literalStart..<utf8.endIndex]))
        return nil
    }

    private static func isBrace(_ utf8: String.UTF8View, at index: String.UTF8View.Index) -> Bool {
        index != utf8.endIndex && utf8[index] == UInt8(ascii: "{")
    }

    private static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || Self.isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || Self.isLetter($0) || (48...57).contains($0) }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (65...90).contains(b) || (97...122).contains(b) }
}

/// Why a `${VAR}` template could not be expanded.
public enum EnvironmentExpansionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// These variables are referenced but not set, in order of first use.
    case missingVariables([String])
    /// A `${` without its `}` (the excerpt starts at the `$`).
    case unterminatedReference(String)
    /// `${…}` whose content is not a variable name (`${}`, `${1X}`, `${A:-b}`).
    case invalidName(String)

    public var description: String {
        switch self {
        case .missingVariables(let names) where names.count == 1:
            return "environment variable \(names[0]) is not set"
        case .missingVariables(let names):
            return "environment variables \(names.joined(separator: ", ")) are not set"
        case .unterminatedReference(let excerpt):
            return "unterminated ${ in \"\(excerpt)\""
        case .invalidName(let name):
            return "\"${\(name)}\" is not a valid environment variable reference"
        }
    }
}
