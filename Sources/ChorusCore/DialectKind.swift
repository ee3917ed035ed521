/// What the bytes mean on a WebSocket: a scenario's `target.dialect` (docs/dialects.md).
///
/// The raw value is the name scenarios use, the embedded agent's path (`/<dialect>`) and what `sessions.dialect`
/// stores for a WebSocket session.
public enum DialectKind: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    case chorus
    case openAIRealtime = "openai-realtime"
    case twilio
    case pipecat

    /// The scenario name.
    public var description: String { self.rawValue }
}
