import ChorusDialects

extension Scenario {
    /// The scenario as it may be stored: literal credentials in headers and key-like query parameters masked
    /// (`Bearer ***`); `${VAR}` references are kept, since they name a variable and hold no secret.
    public var redactedForStorage: Scenario {
        var copy = self
        for (name, value) in copy.target.headers where Secrets.referencedVariables(in: value).isEmpty {
            copy.target.headers[name] = Secrets.redactedHeaderValue(name: name, value: value)
        }
        for (key, value) in copy.target.query
        where WebSocketTarget.isCredentialKey(key) && Secrets.referencedVariables(in: value).isEmpty {
            copy.target.query[key] = Secrets.mask
        }
        copy.target.subprotocols = copy.target.subprotocols.map {
            Secrets.redactedHeaderValue(name: "Sec-WebSocket-Protocol", value: $0)
        }
        if let url = copy.target.url { copy.target.url = Secrets.redact(url, secrets: WebSocketTarget.secrets(of: self, environment: [:])) }
        return copy
    }
}
