import NIOCore
import NIOWebSocket

/// Why a reply stopped before its last frame.
public enum ReplyCancellation: Sendable, Equatable {
    /// The caller started speaking during the reply (server-side barge-in).
    case bargeIn
    /// The caller asked (OpenAI `response.cancel`, Pipecat `interruption`).
    case client
    /// A new end of speech replaced it (dialects without barge-in: Chorus native, OpenAI `interrupt_response:false`).
    case replaced
    /// The connection is closing; nothing more is sent.
    case closing
}

/// One dialect's wire part of a reference agent session: turns inbound frames into calls on the session core
/// (`AgentWireSession`), and writes the dialect's events and reply frames when the core asks.
///
/// Confined to the session's event loop. The core owns the wire and passes itself into every call, so a wire
/// holds no reference back to it.
public protocol AgentWire: AnyObject {
    /// Duration of one reply chunk, nanoseconds (20 ms; Pipecat 40 ms).
    var replyChunkNs: Int64 { get }
    /// Chunks in the reply to the current turn.
    var replyChunkCount: Int { get }

    /// The WebSocket is up (greet: OpenAI `session.created`).
    func opened(_ session: any AgentWireSession)
    /// One text or binary frame from the caller, which arrived at `nowNs`.
    func received(_ frame: WebSocketFrame, atNs nowNs: Int64, _ session: any AgentWireSession)

    /// The VAD heard speech begin; `mediaMs` is the dialect's media clock at the start of the voiced chunk.
    /// Called before a barge-in cancels the running reply.
    func speechStarted(mediaMs: Int, _ session: any AgentWireSession)
    /// The VAD decided speech ended at `eosNs` (arrival of the last voiced chunk; `mediaMs` at its end); true to
    /// answer it.
    func speechStopped(mediaMs: Int, eosNs: Int64, _ session: any AgentWireSession) -> Bool

    /// A reply to turn `turn` is scheduled (it starts after the scripted latency).
    func replyScheduled(turn: Int, _ session: any AgentWireSession)
    /// Writes chunk `index` of the current reply through `writer` (no flush).
    func writeReplyChunk(_ index: Int, _ writer: any ServerFrameWriter, _ session: any AgentWireSession)
    /// The first chunk has been flushed (Pipecat `bot-started-speaking`).
    func replyStarted(turn: Int, _ session: any AgentWireSession)
    /// The last chunk has been written.
    func replyFinished(turn: Int, _ session: any AgentWireSession)
    /// The reply stopped early; `chunksSent` of its chunks went out.
    func replyCancelled(turn: Int, chunksSent: Int, reason: ReplyCancellation, _ session: any AgentWireSession)
}

extension AgentWire {
    public func opened(_ session: any AgentWireSession) {}
    public func speechStarted(mediaMs: Int, _ session: any AgentWireSession) {}
    public func speechStopped(mediaMs: Int, eosNs: Int64, _ session: any AgentWireSession) -> Bool { true }
    public func replyScheduled(turn: Int, _ session: any AgentWireSession) {}
    public func replyStarted(turn: Int, _ session: any AgentWireSession) {}
}

/// The reference agent's session core as a wire sees it (`AgentSessionHandler` in ChorusAgent, whatever the
/// dialect): it finds the end of each utterance, schedules and paces the reply, keeps the ground truth, and owns
/// the connection. Confined to the session's event loop.
public protocol AgentWireSession: AnyObject {
    /// The session id written into the ground truth for turns that end from now on.
    var sessionId: String { get set }
    /// Whether the VAD runs (off for OpenAI manual turns, where only messages end a turn).
    var detectsSpeech: Bool { get set }
    /// Whether caller speech during a reply cancels it (barge-in); without it a new end of speech replaces the reply.
    var interruptsOnSpeech: Bool { get set }
    /// The turn whose reply is scheduled or streaming, if any.
    var replyingTurn: Int? { get }

    /// One chunk of caller audio lasting `durationNs` at `levelDBFS`, which arrived at `nowNs`.
    /// `mediaStartMs`/`mediaEndMs` place it on the dialect's media clock, for the wire's speech events (OpenAI
    /// `audio_start_ms` / `audio_end_ms`).
    func hear(levelDBFS: Double, durationNs: Int64, atNs nowNs: Int64, mediaStartMs: Int, mediaEndMs: Int)
    /// An explicit end-of-turn message arrived at `nowNs`: the utterance is over, whatever the VAD thinks.
    func endOfTurnMessage(atNs nowNs: Int64)
    /// Schedules the reply to an end of speech at `eosNs` (`source`: `vad` or `message`), replacing any running one.
    func respond(eosNs: Int64, source: String)
    /// Stops the running reply (if any) and tells the wire why; false when nothing was running.
    @discardableResult
    func cancelReply(_ reason: ReplyCancellation) -> Bool

    /// Writes a text frame (flushed at the end of the read, or by the caller of the wire hook).
    func write(text: String)
    /// Writes a binary frame.
    func write(binary bytes: [UInt8])
    /// Sends a close frame with `code` and `reason` (at most 123 bytes) and stops the reply; the connection closes
    /// once the caller answers the close, or after a grace period.
    func close(code: WebSocketErrorCode, reason: String)
}

extension AgentWireSession {
    /// Caller audio on a dialect without a media clock.
    func hear(levelDBFS: Double, durationNs: Int64, atNs nowNs: Int64) {
        self.hear(levelDBFS: levelDBFS, durationNs: durationNs, atNs: nowNs, mediaStartMs: 0, mediaEndMs: 0)
    }

    /// Closes with `code` and no reason.
    func close(code: WebSocketErrorCode) {
        self.close(code: code, reason: "")
    }
}

/// Writes bytes that are (part of) complete server WebSocket frames (`ServerFrame`, `ReplyWireTable`) toward the
/// socket, without flushing: a reply chunk is a slice and a write, with no encoding, copy or allocation.
public protocol ServerFrameWriter: AnyObject {
    func write(_ bytes: ByteBuffer)
}
