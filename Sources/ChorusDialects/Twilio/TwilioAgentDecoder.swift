import NIOCore
import NIOWebSocket

/// Turns agent text frames into `TwilioAgentMessage`s. Never throws or traps on agent input.
///
/// Anything real Twilio would reject (binary frames, malformed JSON, unknown `event`, a missing or non-base64
/// payload) is a `DialectError`. With `expectedStreamSid` set, a message naming another stream, or none, is one too.
public struct TwilioAgentDecoder: Sendable {
    /// This call's `streamSid`; nil accepts any (or none).
    public var expectedStreamSid: String?

    public init(expectedStreamSid: String? = nil) {
        self.expectedStreamSid = expectedStreamSid
    }

    /// Decodes one WebSocket data frame; binary and other non-text frames are errors.
    public func decode(frame: WebSocketFrame) -> Result<TwilioAgentMessage, DialectError> {
        AgentText.parseObject(frame: frame).flatMap { self.message(from: $0.0) }
    }

    /// Decodes one message from the agent; binary messages and control frames are errors.
    public func decode(message: WebSocketMessage) -> Result<TwilioAgentMessage, DialectError> {
        AgentText.parseObject(opcode: message.opcode, data: message.data).flatMap { self.message(from: $0.0) }
    }

    /// Decodes one text message held in a buffer.
    public func decode(_ buffer: ByteBuffer) -> Result<TwilioAgentMessage, DialectError> {
        AgentText.parseObject(buffer).flatMap { self.message(from: $0) }
    }

    /// Decodes one text message.
    public func decode(_ text: String) -> Result<TwilioAgentMessage, DialectError> {
        AgentText.parseObject(text).flatMap { self.message(from: $0) }
    }

    /// Interprets an already parsed message object.
    public func message(from m: JSONValue) -> Result<TwilioAgentMessage, DialectError> {
        Result { () throws(DialectError) -> TwilioAgentMessage in try self.interpret(m) }
    }

    private func interpret(_ m: JSONValue) throws(DialectError) -> TwilioAgentMessage {
        let event = try m.string("event", in: m)
        let sid = try m.optionalString("streamSid", in: m)
        if let expected = self.expectedStreamSid, sid != expected {
            throw DialectError(
                .streamSidMismatch, "streamSid \(sid.map { "\"\($0)\"" } ?? "missing"), expected \"\(expected)\"",
                excerpt: AgentText.excerpt(m))
        }
        switch event {
        case "media":
            guard let media = try m.optionalObject("media", in: m) else {
                throw DialectError(.missingField, "missing \"media\"", excerpt: AgentText.excerpt(m))
            }
            var payload = try media.string("payload", in: m)
            var bytes = ByteBuffer()
            let ok = payload.withUTF8 { Base64.decode(UnsafeRawBufferPointer($0), appendingTo: &bytes) }
            guard ok else { throw DialectError(.invalidBase64, "\"payload\" is not base64", excerpt: AgentText.excerpt(m)) }
            return .media(streamSid: sid, payload: bytes)
        case "mark":
            guard let mark = try m.optionalObject("mark", in: m) else {
                throw DialectError(.missingField, "missing \"mark\"", excerpt: AgentText.excerpt(m))
            }
            return .mark(streamSid: sid, name: try mark.string("name", in: m))
        case "clear":
            return .clear(streamSid: sid)
        default:
            throw DialectError(.unknownEvent, "unknown event \"\(event)\"", excerpt: AgentText.excerpt(m))
        }
    }
}
