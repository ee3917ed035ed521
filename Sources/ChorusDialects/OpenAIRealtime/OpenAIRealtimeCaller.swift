/// The client events a simulated caller sends to an OpenAI Realtime (GA) agent over WebSocket, as JSON text.
///
/// Client event names are the same in GA and beta; only `session.update`'s shape changed, and this writes GA.
/// Every control event takes an optional `eventId` (client-chosen, echoed in `error.event_id` when the event fails).
/// Audio goes through `PreparedAudio`, which builds each `input_audio_buffer.append` once at load.
public enum OpenAIRealtimeCaller {
    /// The WebSocket URL for `model`: `wss://api.openai.com/v1/realtime?model=…`. Never add `OpenAI-Beta`.
    public static func url(model: String, host: String = "api.openai.com") -> String {
        "wss://\(host)/v1/realtime?model=\(model)"
    }

    /// `session.update` with the GA session object (`session.type: "realtime"`, nested `audio.input/output`).
    public static func sessionUpdate(_ configuration: OpenAIRealtimeSessionConfiguration, eventId: String? = nil) -> String {
        Self.event("session.update", eventId: eventId, [("session", configuration.json)])
    }

    /// `input_audio_buffer.append` carrying `base64` audio in the session's input format (no server ack).
    ///
    /// The general path, which copies the audio into a new string; the per-frame path is `PreparedAudio.message(at:)`.
    public static func appendAudio(base64: String) -> String {
        Self.event("input_audio_buffer.append", eventId: nil, [("audio", .string(base64))])
    }

    /// `input_audio_buffer.commit`: ends the caller's turn in manual mode (`turn_detection: null`).
    public static func commit(eventId: String? = nil) -> String {
        Self.event("input_audio_buffer.commit", eventId: eventId, [])
    }

    /// `input_audio_buffer.clear`: drops uncommitted caller audio.
    public static func clearInputAudio(eventId: String? = nil) -> String {
        Self.event("input_audio_buffer.clear", eventId: eventId, [])
    }

    /// `response.create` with no overrides: asks for the agent's answer after a manual commit.
    public static func responseCreate(eventId: String? = nil) -> String {
        Self.event("response.create", eventId: eventId, [])
    }

    /// `response.cancel`, optionally naming the response; the server answers `response.done` (`cancelled`) or the
    /// harmless `response_cancel_not_active` error when nothing is running.
    public static func responseCancel(responseId: String? = nil, eventId: String? = nil) -> String {
        Self.event("response.cancel", eventId: eventId, responseId.map { [("response_id", .string($0))] } ?? [])
    }

    /// `conversation.item.truncate`: tells the model how much of an assistant item the caller heard before barging in.
    ///
    /// - Parameters:
    ///   - itemId: the assistant item, from the `item_id` of its audio deltas.
    ///   - contentIndex: the audio content part; 0 for every item the API produces today.
    ///   - audioEndMs: milliseconds of that item's audio actually played (inclusive); see `playedMilliseconds`.
    public static func conversationItemTruncate(
        itemId: String, contentIndex: Int = 0, audioEndMs: Int, eventId: String? = nil
    ) -> String {
        Self.event(
            "conversation.item.truncate", eventId: eventId,
            [
                ("item_id", .string(itemId)), ("content_index", .number(Double(contentIndex))),
                ("audio_end_ms", .number(Double(audioEndMs))),
            ])
    }

    /// Milliseconds of audio in `byteCount` bytes of `format` (48 bytes/ms PCM, 8 bytes/ms G.711), rounded down.
    public static func playedMilliseconds(byteCount: Int, format: OpenAIRealtimeAudioFormat) -> Int {
        byteCount / format.bytesPerMillisecond
    }

    private static func event(_ type: String, eventId: String?, _ members: [(key: String, value: JSONValue)]) -> String {
        var object: [(key: String, value: JSONValue)] = [("type", .string(type))]
        if let eventId { object.append(("event_id", .string(eventId))) }
        return JSONValue.object(object + members).serialized
    }
}
