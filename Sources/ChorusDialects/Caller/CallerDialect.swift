import NIOCore
import NIOWebSocket

/// What the bytes mean on a WebSocket connection, seen from the caller (the other axis is the connection).
///
/// One value per run, shared by every caller: it holds what the dialect builds once at load (pre-masked audio
/// messages). Each call gets its own `CallerDialectSession` for the state the wire protocol keeps per call.
public protocol CallerDialect: Sendable {
    /// The name used in scenarios and stored in `sessions.dialect`.
    var name: String { get }
    /// The audio callers send, cut into 20 ms messages once at load.
    var audio: SharedAudio { get }
    /// Opens one call's dialect state. `sessionId` is the call's id, sent to the agent where the dialect has room
    /// for it so the agent's ground truth can be joined with the caller's results; `seed` is the call's seed, for
    /// whatever the dialect draws per call (Twilio's SIDs), so runs repeat.
    func makeSession(sessionId: String, seed: UInt64) -> any CallerDialectSession
}

/// One call's side of a dialect. Confined to the caller's event loop; called per frame, so nothing here allocates
/// on the frame path.
public protocol CallerDialectSession: AnyObject {
    /// Whether the call waits for the agent's `.ready` before streaming (OpenAI: `session.updated`).
    var waitsForReady: Bool { get }
    /// Messages sent right after the handshake.
    func openingMessages() -> [WebSocketFrame]
    /// The complete masked frame for the audio slot at `deadlineNs` (frame `frame` of clip `clip`, or silence when
    /// `clip` is nil), or nil to send the dialect's shared pre-masked message for it.
    func audioFrame(clip: Int?, frame: Int, deadlineNs: Int64, maskKey: UInt32) -> ByteBuffer?
    /// Messages sent right after the last speech frame of `turn` when the caller ends its turns explicitly.
    func endOfTurnMessages(turn: Int) -> [WebSocketFrame]
    /// Messages sent before the close handshake.
    func closingMessages() -> [WebSocketFrame]
    /// Interprets one whole message (text or binary) from the agent, which arrived at `nowNs`.
    func receive(_ message: WebSocketMessage, nowNs: Int64) -> AgentEvent
    /// What the dialect owes the agent by `nowNs` (Twilio's mark echoes once their audio has played), and whether
    /// the agent's answer is now over by the dialect's rules; checked every frame slot and after every message.
    func due(nowNs: Int64) -> DialectDue
    /// The number of the agent response that the last `.audio` or `.responseEnd` from `receive` (or the
    /// `answerEnded` from `due`) belongs to, counted from 0 in the order the agent's markers delimit its responses;
    /// nil while the agent's stream carries no markers (the caller then splits responses on silence).
    var responseOrdinal: Int? { get }
    /// Whether the agent marks the end of each response, so that a turn is never ended on silence while its
    /// response is still open (a stall is not an end).
    var marksResponseEnd: Bool { get }
}

extension CallerDialectSession {
    public var waitsForReady: Bool { false }
    public func audioFrame(clip: Int?, frame: Int, deadlineNs: Int64, maskKey: UInt32) -> ByteBuffer? { nil }
    public func endOfTurnMessages(turn: Int) -> [WebSocketFrame] { [] }
    public func closingMessages() -> [WebSocketFrame] { [] }
    public func due(nowNs: Int64) -> DialectDue { DialectDue() }
    public var responseOrdinal: Int? { nil }
    public var marksResponseEnd: Bool { false }
}

/// Numbers an agent's responses on an in-order stream from its end markers: audio after the n-th end belongs to
/// response n. The ends of responses without audio count too, so numbers only grow.
public struct ResponseCounter: Sendable {
    /// Ends seen so far.
    public private(set) var ends = 0
    /// The number of the response the last event belonged to.
    public private(set) var current = 0

    public init() {}

    /// Audio arrived: it belongs to the response after the last end.
    public mutating func audio() { self.current = self.ends }

    /// The agent ended a response.
    public mutating func end() {
        self.current = self.ends
        self.ends += 1
    }
}

/// What a dialect session has to do now that time has passed.
public struct DialectDue {
    /// Messages to send now.
    public var messages: [WebSocketFrame] = []
    /// The agent's answer ended (Twilio: the audio before its last mark has played and nothing followed).
    public var answerEnded = false

    public init(messages: [WebSocketFrame] = [], answerEnded: Bool = false) {
        self.messages = messages
        self.answerEnded = answerEnded
    }
}

extension WebSocketFrame {
    /// A text frame carrying `string`.
    public static func text(_ string: String) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: string))
    }

    /// A binary frame carrying `bytes`.
    public static func binary(_ bytes: [UInt8]) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes))
    }
}
