import NIOCore
import NIOWebSocket

/// Why a reply stopped before its last frame.
enum ReplyCancellation: Sendable, Equatable {
    /// The caller started speaking during the reply (server-side barge-in).
    case bargeIn
    /// The caller asked (OpenAI `response.cancel`, Pipecat `interruption`).
    case client
    /// A new end of speech replaced it (dialects without barge-in: Chorus native, OpenAI `interrupt_response:false`).
    case replaced
    /// The connection is closing; nothing more is sent.
    case closing
}

/// One dialect's wire part of a session: turns inbound frames into calls on the session core
/// (`AgentSessionHandler`), and writes the dialect's events and reply frames when the core asks.
///
/// Confined to the session's event loop. The core owns the wire and passes itself into every call, so a wire
/// holds no reference back to it.
protocol AgentWire: AnyObject {
    /// Duration of one reply chunk, nanoseconds (20 ms; Pipecat 40 ms).
    var replyChunkNs: Int64 { get }
    /// Chunks in the reply to the current turn.
    var replyChunkCount: Int { get }

    /// The WebSocket is up (greet: OpenAI `session.created`).
    func opened(_ session: AgentSessionHandler)
    /// One text or binary frame from the caller, which arrived at `nowNs`.
    func received(_ frame: WebSocketFrame, atNs nowNs: Int64, _ session: AgentSessionHandler)

    /// The VAD heard speech begin; `mediaMs` is the dialect's media clock at the start of the voiced chunk.
    /// Called before a barge-in cancels the running reply.
    func speechStarted(mediaMs: Int, _ session: AgentSessionHandler)
    /// The VAD decided speech ended at `eosNs` (arrival of the last voiced chunk; `mediaMs` at its end); true to
    /// answer it.
    func speechStopped(mediaMs: Int, eosNs: Int64, _ session: AgentSessionHandler) -> Bool

    /// A reply to turn `turn` is scheduled (it starts after the scripted latency).
    func replyScheduled(turn: Int, _ session: AgentSessionHandler)
    /// Writes chunk `index` of the current reply through `writer` (no flush).
    func writeReplyChunk(_ index: Int, _ writer: AgentFrameWriter, _ session: AgentSessionHandler)
    /// The first chunk has been flushed (Pipecat `bot-started-speaking`).
    func replyStarted(turn: Int, _ session: AgentSessionHandler)
    /// The last chunk has been written.
    func replyFinished(turn: Int, _ session: AgentSessionHandler)
    /// The reply stopped early; `chunksSent` of its chunks went out.
    func replyCancelled(turn: Int, chunksSent: Int, reason: ReplyCancellation, _ session: AgentSessionHandler)
}

extension AgentWire {
    func opened(_ session: AgentSessionHandler) {}
    func speechStarted(mediaMs: Int, _ session: AgentSessionHandler) {}
    func speechStopped(mediaMs: Int, eosNs: Int64, _ session: AgentSessionHandler) -> Bool { true }
    func replyScheduled(turn: Int, _ session: AgentSessionHandler) {}
    func replyStarted(turn: Int, _ session: AgentSessionHandler) {}
}
