import NIOCore
import NIOWebSocket

/// What the bytes mean on a WebSocket connection, seen from the caller (the other axis is the connection).
///
/// Every method runs on the caller's event loop; audio frames themselves are pre-built by `SharedAudio`.
public protocol CallerDialect: Sendable {
    /// The name used in scenarios and stored in `sessions.dialect`.
    var name: String { get }
    /// Messages sent right after the handshake.
    func openingFrames(plan: SessionPlan, sampleRate: Int) -> [WebSocketFrame]
    /// The message sent right after the last speech frame of turn `turn`, or nil if the dialect has none.
    func endOfTurnFrame(turn: Int) -> WebSocketFrame?
    /// Messages sent before the close handshake.
    func closingFrames() -> [WebSocketFrame]
    /// Interprets one data frame (text or binary) from the agent.
    func event(for frame: WebSocketFrame) -> AgentEvent
}
