import NIOCore

/// What a dialect made of one message from the agent.
public enum AgentEvent: Sendable {
    /// Agent audio; `payload` is PCM16 little-endian at the session's rate.
    case audio(ByteBuffer)
    /// The agent finished its answer for the current turn.
    case responseEnd
    /// The agent accepted the session.
    case ready
    /// The agent reported an error; the session ends with `protocol_error`.
    case error(String)
    /// A message this harness does not act on.
    case ignored
}
