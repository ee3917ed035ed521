import ChorusAudio
import ChorusDialects
import ChorusTransport
import Foundation

/// Reads a WebSocket scenario's target: the dialect with its audio encoded once, the endpoint, and the client
/// options with every `${VAR}` expanded from the environment.
public enum WebSocketTarget {
    /// A target that cannot be built (an unset environment variable, an unreadable CA file, …), naming the key.
    public typealias Problem = TargetProblem

    /// - Parameters:
    ///   - utterances: loads the scenario's utterances at a sample rate.
    ///   - embeddedPort: the embedded agent's port, used when the scenario has no `target.url`.
    ///   - embeddedHost: the embedded agent's host.
    public static func make(
        _ scenario: Scenario, utterances: (Int) throws -> [Utterance], embeddedPort: Int?,
        embeddedHost: String = "127.0.0.1", environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> WebSocketCallTransport {
        let t = scenario.target
        var endpoint: WebSocketEndpoint
        if let url = t.url {
            guard let e = WebSocketEndpoint(url: url) else {
                throw Problem(description: "\(scenario.path): target.url: '\(url)' is not a ws:// or wss:// URL")
            }
            endpoint = e
        } else {
            guard let port = embeddedPort else { throw Problem(description: "no target.url and no embedded agent") }
            // The reference agent serves every dialect, one path each.
            endpoint = WebSocketEndpoint(host: embeddedHost, port: port, path: "/\(t.dialect.rawValue)")
        }
        var problems: [String] = []
        func expand(_ template: String, _ key: String) -> String {
            switch Secrets.expandEnvironment(template, environment: environment) {
            case .success(let value): return value
            case .failure(let error):
                problems.append("\(scenario.path): \(key): \(error)")
                return ""
            }
        }
        var options = WebSocketClientOptions(secrets: Self.secrets(of: scenario, environment: environment))
        if let size = t.maxMessageSize { options.maxMessageSize = size }
        for (name, value) in t.headers.sorted(by: { $0.key < $1.key }) {
            options.headers.append(.init(name: name, value: expand(value, "target.headers.\(name)")))
        }
        options.subprotocols = t.subprotocols.enumerated().map { expand($0.element, "target.subprotocols[\($0.offset)]") }
        if !t.query.isEmpty {
            let pairs = t.query.sorted(by: { $0.key < $1.key }).map { key, value in
                Self.percentEncoded(key) + "=" + Self.percentEncoded(expand(value, "target.query.\(key)"))
            }
            endpoint.path += (endpoint.path.contains("?") ? "&" : "?") + pairs.joined(separator: "&")
        }
        if endpoint.isTLS {
            do {
                options.tls = try WebSocketClientOptions.tlsContext(caFile: t.tls.caFile, insecure: t.tls.insecure)
            } catch {
                problems.append("\(scenario.path): target.tls: cannot set up TLS: \(error)")
            }
            options.serverName = t.tls.serverName
        }
        if !problems.isEmpty { throw Problem(description: problems.joined(separator: "\n")) }
        let dialect = try Self.dialect(scenario, utterances: utterances)
        return WebSocketCallTransport(endpoint: endpoint, dialect: dialect, options: options)
    }

    /// The scenario's WebSocket dialect with its audio prepared.
    public static func dialect(_ scenario: Scenario, utterances: (Int) throws -> [Utterance]) throws -> any CallerDialect {
        let t = scenario.target
        switch t.dialect {
        case .openAIRealtime:
            let format: OpenAIRealtimeAudioFormat = t.encoding == "pcmu" ? .pcmu : .pcm
            var vad = OpenAIRealtimeSessionConfiguration.ServerVAD()
            if let ms = t.openai.vadSilenceMs { vad.silenceDurationMs = ms }
            let configuration = OpenAIRealtimeSessionConfiguration(
                model: t.openai.model, instructions: t.openai.instructions, inputFormat: format, outputFormat: format,
                turnDetection: t.endOfTurn == "message" ? .manual : .serverVAD(vad), voice: t.openai.voice)
            return OpenAIRealtimeDialect(utterances: try utterances(format.sampleRate), configuration: configuration)
        case .twilio:
            return try TwilioDialect(
                utterances: try utterances(8000), customParameters: t.twilio.customParameters,
                accountSid: t.twilio.accountSid)
        case .pipecat:
            return try PipecatDialect(utterances: try utterances(t.sampleRate), sampleRate: t.sampleRate)
        case .chorus:
            return ChorusNativeDialect(audio: SharedAudio(pcm16: try utterances(t.sampleRate), sampleRate: t.sampleRate))
        }
    }

    /// Every value that must never be stored: what the target's `${VAR}` references expand to, and literal
    /// credentials (credential headers, key-like query parameters).
    public static func secrets(of scenario: Scenario, environment: [String: String]) -> [String] {
        let t = scenario.target
        var secrets: [String] = []
        let templates = Array(t.headers.values) + Array(t.query.values) + t.subprotocols
        for template in templates {
            for name in Secrets.referencedVariables(in: template) {
                if let value = environment[name], value.count >= 4 { secrets.append(value) }
            }
        }
        for (name, value) in t.headers where Secrets.referencedVariables(in: value).isEmpty {
            let redacted = Secrets.redactedHeaderValue(name: name, value: value)
            if redacted != value, let secret = Self.maskedPart(value, redacted) { secrets.append(secret) }
        }
        for (key, value) in t.query where Self.isCredentialKey(key) && Secrets.referencedVariables(in: value).isEmpty {
            secrets.append(value)
        }
        return secrets.filter { !$0.isEmpty }
    }

    /// Query parameter names that carry credentials.
    public static func isCredentialKey(_ key: String) -> Bool {
        let k = key.lowercased()
        return ["key", "token", "secret", "password", "auth", "signature", "sig"].contains { k.contains($0) }
    }

    /// The part of `value` that `redacted` masked (`Bearer sk-1` vs `Bearer ***` → `sk-1`).
    private static func maskedPart(_ value: String, _ redacted: String) -> String? {
        guard let mask = redacted.range(of: Secrets.mask) else { return nil }
        let prefix = redacted[..<mask.lowerBound]
        return value.hasPrefix(prefix) ? String(value.dropFirst(prefix.count)) : value
    }

    private static func percentEncoded(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
