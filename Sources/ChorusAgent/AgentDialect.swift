/// A wire protocol the reference agent speaks on its WebSocket port (docs/agent.md).
public enum AgentDialect: String, Sendable, Hashable, CaseIterable {
    /// Chorus native: JSON control messages in text frames, raw PCM16 in binary frames.
    case chorus
    /// OpenAI Realtime, GA interface (docs/dialects.md, openai-realtime): the agent plays the OpenAI server.
    case openAIRealtime = "openai-realtime"
    /// Twilio Media Streams (docs/dialects.md, twilio): the agent is the bot Twilio's `<Connect><Stream>` dials.
    case twilio
    /// Pipecat's protobuf WebSocket serializer with RTVI messages (docs/dialects.md, pipecat).
    case pipecat

    /// The URI path that always selects this dialect, whatever the agent's default.
    public var path: String {
        switch self {
        case .chorus: return "/chorus"
        case .openAIRealtime: return "/openai-realtime"
        case .twilio: return "/twilio"
        case .pipecat: return "/pipecat"
        }
    }

    /// The dialect a request path selects: `/chorus`, `/openai-realtime` or `/v1/realtime`, `/twilio`, `/pipecat`,
    /// and `/` or the empty path for `fallback`. Any query string is ignored; nil for every other path.
    public static func forPath(_ uri: String, default fallback: AgentDialect) -> AgentDialect? {
        var path = Substring(uri)
        if let query = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<query] }
        if path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        switch path {
        case "", "/": return fallback
        case "/v1/realtime": return .openAIRealtime
        default: return Self.allCases.first { $0.path == path }
        }
    }
}
