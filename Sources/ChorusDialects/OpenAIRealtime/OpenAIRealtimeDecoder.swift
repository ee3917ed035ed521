import NIOCore
import NIOWebSocket

/// Turns OpenAI Realtime server messages (text frames, one JSON object each) into `OpenAIRealtimeEvent`s.
///
/// Never throws and never traps on agent input: anything unreadable comes back as a `DialectError` value.
/// Well-formed events of types Chorus does not act on come back as `.unknown(type:)`.
public struct OpenAIRealtimeDecoder: Sendable {
    /// Whether audio deltas carry their decoded bytes; when false only `byteCount` is filled (from the base64
    /// length, characters unchecked), which is all latency and playout accounting needs.
    public var decodesAudio: Bool

    public init(decodesAudio: Bool = true) {
        self.decodesAudio = decodesAudio
    }

    /// Decodes one WebSocket data frame; binary and other non-text frames are errors.
    public func decode(frame: WebSocketFrame) -> Result<OpenAIRealtimeEvent, DialectError> {
        AgentText.parseObject(frame: frame).flatMap { self.event(from: $0.0) }
    }

    /// Decodes one message from the agent; binary messages and control frames are errors.
    public func decode(message: WebSocketMessage) -> Result<OpenAIRealtimeEvent, DialectError> {
        AgentText.parseObject(opcode: message.opcode, data: message.data).flatMap { self.event(from: $0.0) }
    }

    /// Decodes one text message held in a buffer.
    public func decode(_ buffer: ByteBuffer) -> Result<OpenAIRealtimeEvent, DialectError> {
        AgentText.parseObject(buffer).flatMap { self.event(from: $0) }
    }

    /// Decodes one text message.
    public func decode(_ text: String) -> Result<OpenAIRealtimeEvent, DialectError> {
        AgentText.parseObject(text).flatMap { self.event(from: $0) }
    }

    /// Interprets an already parsed message object.
    public func event(from message: JSONValue) -> Result<OpenAIRealtimeEvent, DialectError> {
        Result { () throws(DialectError) -> OpenAIRealtimeEvent in try self.interpret(message) }
    }

    private func interpret(_ m: JSONValue) throws(DialectError) -> OpenAIRealtimeEvent {
        let type = try m.string("type", in: m)
        switch type {
        case "session.created", "session.updated":
            let session = try Self.session(try m.optionalObject("session", in: m) ?? [:], in: m)
            return type == "session.created" ? .sessionCreated(session) : .sessionUpdated(session)
        case "input_audio_buffer.speech_started":
            return .speechStarted(
                itemId: try m.optionalString("item_id", in: m), audioStartMs: try m.optionalInt("audio_start_ms", in: m))
        case "input_audio_buffer.speech_stopped":
            return .speechStopped(
                itemId: try m.optionalString("item_id", in: m), audioEndMs: try m.optionalInt("audio_end_ms", in: m))
        case "input_audio_buffer.committed":
            return .inputAudioCommitted(
                itemId: try m.optionalString("item_id", in: m),
                previousItemId: try m.optionalString("previous_item_id", in: m))
        case "response.created":
            return .responseCreated(responseId: try m.optionalObject("response", in: m)?.optionalString("id", in: m))
        case "response.output_audio.delta", "response.audio.delta":
            return .outputAudioDelta(try self.audioDelta(m, isBeta: type == "response.audio.delta"))
        case "response.output_audio.done", "response.audio.done":
            return .outputAudioDone(
                responseId: try m.optionalString("response_id", in: m), itemId: try m.optionalString("item_id", in: m),
                isBeta: type == "response.audio.done")
        case "conversation.item.truncated":
            return .itemTruncated(
                itemId: try m.optionalString("item_id", in: m), contentIndex: try m.optionalInt("content_index", in: m),
                audioEndMs: try m.optionalInt("audio_end_ms", in: m))
        case "response.done":
            return .responseDone(try Self.responseDone(m))
        case "error":
            return .error(try Self.serverError(m))
        case "rate_limits.updated":
            return .rateLimitsUpdated(try Self.rateLimits(m))
        default:
            return .unknown(type: type)
        }
    }

    private func audioDelta(_ m: JSONValue, isBeta: Bool) throws(DialectError) -> OpenAIRealtimeEvent.AudioDelta {
        var text = try m.string("delta", in: m)
        var audio: ByteBuffer? = nil
        let byteCount: Int? = text.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            guard self.decodesAudio else { return Base64.decodedLength(ofEncoded: raw) }
            var buffer = ByteBuffer()
            guard Base64.decode(raw, appendingTo: &buffer) else { return nil }
            audio = buffer
            return buffer.readableBytes
        }
        guard let byteCount else {
            throw DialectError(.invalidBase64, "\"delta\" is not base64", excerpt: AgentText.excerpt(m))
        }
        return OpenAIRealtimeEvent.AudioDelta(
            responseId: try m.optionalString("response_id", in: m), itemId: try m.optionalString("item_id", in: m),
            outputIndex: try m.optionalInt("output_index", in: m),
            contentIndex: try m.optionalInt("content_index", in: m), byteCount: byteCount, audio: audio,
            isBeta: isBeta)
    }

    private static func session(_ s: JSONValue, in m: JSONValue) throws(DialectError) -> OpenAIRealtimeEvent.Session {
        // Beta put formats and VAD at the top level of `session`; GA nests them under `audio`.
        let isBeta = s["input_audio_format"] != nil || s["modalities"] != nil || s["turn_detection"] != nil
        let input = s["audio"]?["input"]
        let output = s["audio"]?["output"]
        let detection = isBeta ? s["turn_detection"] : input?["turn_detection"]
        return OpenAIRealtimeEvent.Session(
            id: try s.optionalString("id", in: m), model: try s.optionalString("model", in: m),
            inputFormat: (isBeta ? s["input_audio_format"] : input?["format"]).flatMap(OpenAIRealtimeAudioFormat.init(json:)),
            outputFormat: (isBeta ? s["output_audio_format"] : output?["format"])
                .flatMap(OpenAIRealtimeAudioFormat.init(json:)),
            turnDetection: detection?["type"]?.stringValue, isBeta: isBeta)
    }

    private static func responseDone(_ m: JSONValue) throws(DialectError) -> OpenAIRealtimeEvent.ResponseDone {
        guard let response = try m.optionalObject("response", in: m) else {
            throw DialectError(.missingField, "missing \"response\"", excerpt: AgentText.excerpt(m))
        }
        let details = try response.optionalObject("status_details", in: m)
        let error = try details?.optionalObject("error", in: m)
        let usage = try response.optionalObject("usage", in: m)
        return OpenAIRealtimeEvent.ResponseDone(
            responseId: try response.optionalString("id", in: m),
            status: .init(try response.string("status", in: m)),
            reason: try details?.optionalString("reason", in: m), errorType: try error?.optionalString("type", in: m),
            errorCode: try error?.optionalString("code", in: m), totalTokens: try usage?.optionalInt("total_tokens", in: m),
            inputTokens: try usage?.optionalInt("input_tokens", in: m),
            outputTokens: try usage?.optionalInt("output_tokens", in: m))
    }

    private static func serverError(_ m: JSONValue) throws(DialectError) -> OpenAIRealtimeEvent.ServerError {
        guard let e = try m.optionalObject("error", in: m) else {
            throw DialectError(.missingField, "missing \"error\"", excerpt: AgentText.excerpt(m))
        }
        return OpenAIRealtimeEvent.ServerError(
            type: try e.optionalString("type", in: m), code: try e.optionalString("code", in: m),
            message: try e.optionalString("message", in: m), param: try e.optionalString("param", in: m),
            eventId: try e.optionalString("event_id", in: m))
    }

    private static func rateLimits(_ m: JSONValue) throws(DialectError) -> [OpenAIRealtimeEvent.RateLimit] {
        guard case .array(let entries)? = m["rate_limits"] else {
            throw DialectError(.missingField, "missing \"rate_limits\" array", excerpt: AgentText.excerpt(m))
        }
        var limits: [OpenAIRealtimeEvent.RateLimit] = []
        for entry in entries {
            guard entry.isObject else {
                throw DialectError(.wrongFieldType, "a rate limit is not an object", excerpt: AgentText.excerpt(m))
            }
            limits.append(
                OpenAIRealtimeEvent.RateLimit(
                    name: try entry.optionalString("name", in: m), limit: try entry.optionalInt("limit", in: m),
                    remaining: try entry.optionalInt("remaining", in: m),
                    resetSeconds: entry["reset_seconds"]?.doubleValue))
        }
        return limits
    }
}
