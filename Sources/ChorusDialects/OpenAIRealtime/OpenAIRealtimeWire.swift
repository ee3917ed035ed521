import ChorusAudio
import ChorusCore
import NIOCore
import NIOWebSocket

/// The OpenAI Realtime GA server, as the reference agent plays it (docs/agent.md).
///
/// `session.created` on connect; `session.update` (GA shape) → `session.updated`, the beta flat shape → `error`
/// `beta_api_shape_disabled` and close 4000; `input_audio_buffer.append` without ack; server VAD turns
/// (`speech_started`, `speech_stopped`, `committed`, then a response) or manual ones (`commit`, `response.create`);
/// responses as `response.created`, `response.output_item.added`, paced `response.output_audio.delta`s,
/// `response.output_audio.done`, `response.output_item.done`, `response.done`. Refused events get an `error` event
/// and the socket stays open.
public final class OpenAIRealtimeWire: AgentWire {
    private let replies: ReplyWireTable
    private let requestsBetaShape: Bool
    private var config: OpenAIRealtimeServerSession
    /// Per-session prefix of every generated id, so ids differ between sessions.
    private let tag: String
    private var counter = 0

    // Input buffer.
    private var scratch = ByteBuffer()
    /// Bytes appended over the whole session: the media clock of `audio_start_ms` / `audio_end_ms`.
    private var appendedBytes = 0
    /// Bytes appended since the last commit or clear.
    private var bufferedBytes = 0
    /// The user item being spoken (server VAD), from `speech_started` to its commit.
    private var speechItemId: String?
    /// The last item of the conversation (`previous_item_id` of the next one).
    private var lastItemId: String?
    /// The end of the caller's last committed turn, answered by the next `response.create`.
    private var committedTurn: (eosNs: Int64, source: String)?

    // The response being produced.
    private struct Response {
        var id: String
        var itemId: String
        /// Frame header and the delta JSON up to the open `event_id`; each chunk appends a table tail.
        var deltaHead: ByteBuffer
        var tails: WireEntries
    }
    private var response: Response?

    public let replyChunkNs: Int64 = 20_000_000
    public var replyChunkCount: Int { self.response?.tails.count ?? 0 }

    /// - Parameters:
    ///   - model: the request's `?model=`; nil reports `gpt-realtime`.
    ///   - requestsBetaShape: the request carried `OpenAI-Beta` (the retired beta interface, refused on connect).
    ///   - hangoverMs: the agent's end-of-speech hangover, reported as `silence_duration_ms`.
    public init(replies: ReplyWireTable, model: String?, requestsBetaShape: Bool, hangoverMs: Double, seed: UInt64) {
        self.replies = replies
        self.requestsBetaShape = requestsBetaShape
        var ids = SplitMix64(seed: seed ^ 0x5EED_0A1)
        self.tag = String(ids.next() & 0xFFFF_FFFF_FFFF, radix: 16)
        self.config = OpenAIRealtimeServerSession(
            id: "sess_" + self.tag, model: model ?? "gpt-realtime", silenceDurationMs: Int(hangoverMs.rounded()))
    }

    /// Width of the frame number in delta event ids (fixed, so every tail has the same length).
    static let deltaIndexDigits = 6

    /// The reply's delta tails for `ReplyWireTable`, one per 20 ms frame of `frames` (in one output format):
    /// `d00042","delta":"<base64 of 20 ms>"}`. The leading `d00042` completes the `event_id` the per-response head
    /// leaves open, so every delta's id is unique.
    static func replyDeltaTails(_ frames: [[UInt8]]) -> WireEntries {
        WireEntries(
            frames.enumerated().map { index, frame in
                let number = String(index % 1_000_000)
                let id = "d" + String(repeating: "0", count: Self.deltaIndexDigits - number.count) + number
                return Array(id.utf8) + Array(#"","delta":""#.utf8) + Base64.encode(frame) + Array(#""}"#.utf8)
            })
    }

    /// The session id the ground truth uses when the caller sent no `X-Chorus-Session`.
    public var sessionObjectId: String { self.config.id }

    private func nextId(_ prefix: String) -> String {
        self.counter += 1
        return prefix + self.tag + String(self.counter, radix: 16)
    }

    // MARK: - Inbound

    public func opened(_ session: any AgentWireSession) {
        if self.requestsBetaShape {
            self.refuseBeta(session, eventId: nil)
            return
        }
        self.applyTurnDetection(session)
        self.send("session.created", [("session", self.config.json)], session)
    }

    public func received(_ frame: WebSocketFrame, atNs nowNs: Int64, _ session: any AgentWireSession) {
        guard frame.opcode == .text else {
            self.fail(
                OpenAIRealtimeProblem(code: "invalid_json", message: "binary frames are not supported; send JSON text"),
                eventId: nil, session)
            return
        }
        let data = frame.unmaskedData
        // The append sent by every caller, at 50 messages per second: decoded straight from the frame's bytes.
        let fast = data.withUnsafeReadableBytes { bytes -> Bool in
            guard let audio = Self.appendAudio(in: bytes) else { return false }
            self.append(base64: audio, atNs: nowNs, eventId: nil, session)
            return true
        }
        if fast { return }
        let parsed = data.withUnsafeReadableBytes { bytes in
            Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
        }
        switch parsed {
        case .failure(let error):
            self.fail(
                OpenAIRealtimeProblem(code: "invalid_json", message: "The server could not parse the JSON: \(error)"),
                eventId: nil, session)
        case .success(let event):
            self.handle(event, atNs: nowNs, session)
        }
    }

    private func handle(_ event: JSONValue, atNs nowNs: Int64, _ session: any AgentWireSession) {
        let eventId = event["event_id"]?.stringValue
        guard event.isObject, let type = event["type"]?.stringValue else {
            self.fail(
                OpenAIRealtimeProblem(
                    code: "missing_required_parameter", message: "Missing required parameter: 'type'.", param: "type"),
                eventId: eventId, session)
            return
        }
        switch type {
        case "session.update": self.update(event, eventId: eventId, session)
        case "input_audio_buffer.append":
            guard var audio = event["audio"]?.stringValue else {
                self.fail(Self.missing("audio"), eventId: eventId, session)
                return
            }
            audio.withUTF8 { self.append(base64: UnsafeRawBufferPointer($0), atNs: nowNs, eventId: eventId, session) }
        case "input_audio_buffer.commit": self.commit(atNs: nowNs, eventId: eventId, session)
        case "input_audio_buffer.clear":
            self.bufferedBytes = 0
            self.send("input_audio_buffer.cleared", [], session)
        case "response.create": self.createResponse(atNs: nowNs, eventId: eventId, session)
        case "response.cancel": self.cancelResponse(event, eventId: eventId, session)
        case "conversation.item.truncate": self.truncate(event, eventId: eventId, session)
        case "conversation.item.create": self.createItem(event, eventId: eventId, session)
        default:
            self.fail(
                OpenAIRealtimeProblem(
                    code: "invalid_value", message: "Invalid value: '\(type)'. This agent does not support this event.",
                    param: "type"),
                eventId: eventId, session)
        }
    }

    private func update(_ event: JSONValue, eventId: String?, _ session: any AgentWireSession) {
        guard let s = event["session"] else {
            self.fail(Self.missing("session"), eventId: eventId, session)
            return
        }
        if OpenAIRealtimeServerSession.isBetaShape(s) {
            self.refuseBeta(session, eventId: eventId)
            return
        }
        do {
            try self.config.apply(s)
        } catch {
            self.fail(error, eventId: eventId, session)
            return
        }
        self.applyTurnDetection(session)
        self.send("session.updated", [("session", self.config.json)], session)
    }

    private func applyTurnDetection(_ session: any AgentWireSession) {
        session.detectsSpeech = self.config.turnDetection != nil
        session.interruptsOnSpeech = self.config.turnDetection?.interruptResponse ?? false
    }

    private func append(
        base64: UnsafeRawBufferPointer, atNs nowNs: Int64, eventId: String?, _ session: any AgentWireSession
    ) {
        self.scratch.clear()
        guard Base64.decode(base64, appendingTo: &self.scratch) else {
            self.fail(
                OpenAIRealtimeProblem(code: "invalid_value", message: "audio is not valid base64", param: "audio"),
                eventId: eventId, session)
            return
        }
        let format = self.config.inputFormat
        let count = self.scratch.readableBytes
        let level = self.scratch.withUnsafeReadableBytes { bytes in
            format == .pcm ? AudioLevel.rmsDBFS(pcm16LE: bytes) : AudioLevel.rmsDBFS(muLaw: bytes)
        }
        let startMs = self.appendedBytes / format.bytesPerMillisecond
        self.appendedBytes += count
        self.bufferedBytes += count
        session.hear(
            levelDBFS: level, durationNs: Int64(count) * 1_000_000 / Int64(max(1, format.bytesPerMillisecond)),
            atNs: nowNs, mediaStartMs: startMs,
            mediaEndMs: self.appendedBytes / format.bytesPerMillisecond)
    }

    private func commit(atNs nowNs: Int64, eventId: String?, _ session: any AgentWireSession) {
        guard self.bufferedBytes > 0 else {
            self.fail(
                OpenAIRealtimeProblem(
                    code: "input_audio_buffer_commit_empty",
                    message: "Error committing input audio buffer: the buffer is empty.", param: nil),
                eventId: eventId, session)
            return
        }
        let item = self.speechItemId ?? self.nextId("item_")
        self.speechItemId = nil
        self.committed(item, session)
        self.committedTurn = (nowNs, "message")
    }

    private func committed(_ item: String, _ session: any AgentWireSession) {
        self.send(
            "input_audio_buffer.committed",
            [("previous_item_id", self.lastItemId.map(JSONValue.string) ?? .null), ("item_id", .string(item))], session)
        self.lastItemId = item
        self.bufferedBytes = 0
    }

    private func createResponse(atNs nowNs: Int64, eventId: String?, _ session: any AgentWireSession) {
        guard session.replyingTurn == nil else {
            self.fail(
                OpenAIRealtimeProblem(
                    code: "conversation_already_has_active_response",
                    message: "Conversation already has an active response in progress: \(self.response?.id ?? "").",
                    param: nil),
                eventId: eventId, session)
            return
        }
        let turn = self.committedTurn ?? (nowNs, "message")
        self.committedTurn = nil
        session.respond(eosNs: turn.eosNs, source: turn.source)
    }

    private func cancelResponse(_ event: JSONValue, eventId: String?, _ session: any AgentWireSession) {
        let named = event["response_id"]?.stringValue
        guard session.replyingTurn != nil, let response = self.response, named == nil || named == response.id else {
            self.fail(
                OpenAIRealtimeProblem(
                    code: "response_cancel_not_active", message: "Cancellation failed: no active response found.",
                    param: nil),
                eventId: eventId, session)
            return
        }
        session.cancelReply(.client)
    }

    private func truncate(_ event: JSONValue, eventId: String?, _ session: any AgentWireSession) {
        guard let item = event["item_id"]?.stringValue else {
            self.fail(Self.missing("item_id"), eventId: eventId, session)
            return
        }
        guard let end = event["audio_end_ms"]?.intValue, end >= 0 else {
            self.fail(Self.missing("audio_end_ms"), eventId: eventId, session)
            return
        }
        self.send(
            "conversation.item.truncated",
            [
                ("item_id", .string(item)), ("content_index", .number(Double(event["content_index"]?.intValue ?? 0))),
                ("audio_end_ms", .number(Double(end))),
            ], session)
    }

    private func createItem(_ event: JSONValue, eventId: String?, _ session: any AgentWireSession) {
        guard case .object(var members)? = event["item"] else {
            self.fail(Self.missing("item"), eventId: eventId, session)
            return
        }
        let id = members.first { $0.key == "id" }?.value.stringValue ?? self.nextId("item_")
        members.removeAll { $0.key == "id" || $0.key == "object" || $0.key == "status" }
        let item = JSONValue.object(
            [("id", .string(id)), ("object", "realtime.item"), ("status", "completed")] + members)
        let previous = self.lastItemId.map(JSONValue.string) ?? .null
        self.lastItemId = id
        self.send("conversation.item.added", [("previous_item_id", previous), ("item", item)], session)
        self.send("conversation.item.done", [("previous_item_id", previous), ("item", item)], session)
    }

    // MARK: - Server VAD

    public func speechStarted(mediaMs: Int, _ session: any AgentWireSession) {
        let item = self.nextId("item_")
        self.speechItemId = item
        let padding = self.config.turnDetection?.prefixPaddingMs ?? 0
        self.send(
            "input_audio_buffer.speech_started",
            [("audio_start_ms", .number(Double(max(0, mediaMs - padding)))), ("item_id", .string(item))], session)
    }

    public func speechStopped(mediaMs: Int, eosNs: Int64, _ session: any AgentWireSession) -> Bool {
        let item = self.speechItemId ?? self.nextId("item_")
        self.speechItemId = nil
        self.send(
            "input_audio_buffer.speech_stopped",
            [("audio_end_ms", .number(Double(mediaMs))), ("item_id", .string(item))],
            session)
        self.committed(item, session)
        if self.config.turnDetection?.createResponse ?? true { return true }
        self.committedTurn = (eosNs, "vad")
        return false
    }

    // MARK: - Responses

    public func replyScheduled(turn: Int, _ session: any AgentWireSession) {
        let id = self.nextId("resp_")
        let item = self.nextId("item_")
        let tails = self.replies.openAIDeltas[self.config.outputFormat]!
        let json =
            #"{"type":"response.output_audio.delta","response_id":"\#(id)","item_id":"\#(item)","#
            + #""output_index":0,"content_index":0,"event_id":"event_\#(self.tag)r\#(String(self.counter, radix: 16))"#
        var head = ByteBuffer()
        ServerFrame.writeHeader(
            opcode: ServerFrame.text, payloadLength: json.utf8.count + tails.entryLength, into: &head)
        head.writeString(json)
        self.response = Response(id: id, itemId: item, deltaHead: head, tails: tails)
        self.send(
            "response.created", [("response", self.responseJSON(status: "in_progress", chunks: 0, output: []))], session
        )
        self.send(
            "response.output_item.added",
            [("response_id", .string(id)), ("output_index", 0), ("item", self.itemJSON(item, status: "in_progress"))],
            session)
        self.lastItemId = item
    }

    public func writeReplyChunk(_ index: Int, _ writer: any ServerFrameWriter, _ session: any AgentWireSession) {
        guard let response = self.response else { return }
        writer.write(response.deltaHead)
        writer.write(response.tails.entry(at: index))
    }

    public func replyFinished(turn: Int, _ session: any AgentWireSession) {
        self.finishResponse(status: "completed", reason: nil, chunks: self.replyChunkCount, session)
    }

    public func replyCancelled(turn: Int, chunksSent: Int, reason: ReplyCancellation, _ session: any AgentWireSession) {
        let why = reason == .client ? "client_cancelled" : "turn_detected"
        self.finishResponse(status: "cancelled", reason: why, chunks: chunksSent, session)
    }

    private func finishResponse(status: String, reason: String?, chunks: Int, _ session: any AgentWireSession) {
        guard let response = self.response else { return }
        self.response = nil
        let itemStatus = status == "completed" ? "completed" : "incomplete"
        let item = self.itemJSON(response.itemId, status: itemStatus, audio: true)
        self.send(
            "response.output_audio.done",
            [
                ("response_id", .string(response.id)), ("item_id", .string(response.itemId)), ("output_index", 0),
                ("content_index", 0),
            ], session)
        self.send(
            "response.output_item.done", [("response_id", .string(response.id)), ("output_index", 0), ("item", item)],
            session)
        var done = self.responseJSON(status: status, chunks: chunks, output: [item], id: response.id)
        if let reason, case .object(var members) = done {
            members = members.map {
                $0.key == "status_details"
                    ? (key: $0.key, value: ["type": "cancelled", "reason": .string(reason)]) : $0
            }
            done = .object(members)
        }
        self.send("response.done", [("response", done)], session)
    }

    private func responseJSON(status: String, chunks: Int, output: [JSONValue], id: String? = nil) -> JSONValue {
        // Realtime audio bills about 10 tokens per second: one per 100 ms, five 20 ms chunks.
        let tokens = chunks / 5
        let usage: JSONValue =
            status == "in_progress"
            ? .null
            : [
                "total_tokens": .number(Double(tokens)), "input_tokens": 0, "output_tokens": .number(Double(tokens)),
                "output_token_details": ["text_tokens": 0, "audio_tokens": .number(Double(tokens))],
            ]
        return [
            "object": "realtime.response", "id": .string(id ?? self.response?.id ?? ""), "status": .string(status),
            "status_details": nil, "output": .array(output), "conversation_id": .string("conv_" + self.tag),
            "output_modalities": ["audio"],
            "audio": ["output": ["format": self.config.outputFormat.json, "voice": .string(self.config.voice)]],
            "usage": usage, "metadata": nil,
        ]
    }

    private func itemJSON(_ id: String, status: String, audio: Bool = false) -> JSONValue {
        [
            "id": .string(id), "object": "realtime.item", "type": "message", "status": .string(status),
            "role": "assistant", "content": audio ? [["type": "output_audio", "transcript": ""]] : [],
        ]
    }

    // MARK: - Writing events

    private func send(_ type: String, _ members: [(key: String, value: JSONValue)], _ session: any AgentWireSession) {
        let event = JSONValue.object([("type", .string(type)), ("event_id", .string(self.nextId("event_")))] + members)
        session.write(text: event.serialized)
    }

    private func fail(_ problem: OpenAIRealtimeProblem, eventId: String?, _ session: any AgentWireSession) {
        let error: JSONValue = [
            "type": .string(problem.type), "code": .string(problem.code), "message": .string(problem.message),
            "param": problem.param.map(JSONValue.string) ?? .null, "event_id": eventId.map(JSONValue.string) ?? .null,
        ]
        self.send("error", [("error", error)], session)
    }

    private func refuseBeta(_ session: any AgentWireSession, eventId: String?) {
        self.fail(
            OpenAIRealtimeProblem(
                code: "beta_api_shape_disabled",
                message: "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API."),
            eventId: eventId, session)
        session.close(code: .unknown(4000), reason: "beta_api_shape_disabled")
    }

    private static func missing(_ param: String) -> OpenAIRealtimeProblem {
        OpenAIRealtimeProblem(
            code: "missing_required_parameter", message: "Missing required parameter: '\(param)'.", param: param)
    }

    // MARK: - The append fast path

    private static let appendPrefix: [UInt8] = Array(#"{"type":"input_audio_buffer.append","audio":""#.utf8)

    /// The base64 of `{"type":"input_audio_buffer.append","audio":"…"}` written exactly so (as callers do), else nil.
    /// Base64 decoding then checks every byte in between, so the fast path accepts only valid messages.
    static func appendAudio(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let prefix = Self.appendPrefix
        guard bytes.count >= prefix.count + 2, bytes[bytes.count - 2] == UInt8(ascii: "\""),
            bytes[bytes.count - 1] == UInt8(ascii: "}"),
            prefix.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, prefix.count) == 0 })
        else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[prefix.count..<bytes.count - 2])
    }
}

@available(*, unavailable)
extension OpenAIRealtimeWire: Sendable {}

#if canImport(Glibc)
    import Glibc
#endif
