import NIOCore

/// One server event from an OpenAI Realtime agent, reduced to what a simulated caller acts on or measures.
///
/// GA names are primary. The legacy beta names of the audio events (`response.audio.delta`, `response.audio.done`)
/// and the beta flat session shape are still understood, for OpenAI-compatible servers that never moved, and are
/// flagged (`isBeta`) so a run against api.openai.com can report that it met the retired interface.
public enum OpenAIRealtimeEvent: Sendable, Hashable {
    /// `session.created`: the first event after connecting.
    case sessionCreated(Session)
    /// `session.updated`: the effective configuration after a `session.update`.
    case sessionUpdated(Session)
    /// `input_audio_buffer.speech_started`: server VAD heard the caller start (barge-in when the agent is talking).
    case speechStarted(itemId: String?, audioStartMs: Int?)
    /// `input_audio_buffer.speech_stopped`: server VAD decided the caller stopped.
    case speechStopped(itemId: String?, audioEndMs: Int?)
    /// `input_audio_buffer.committed`: the caller's audio became a user item.
    case inputAudioCommitted(itemId: String?, previousItemId: String?)
    /// `response.created`.
    case responseCreated(responseId: String?)
    /// `response.output_audio.delta` (beta `response.audio.delta`): a piece of the agent's answer.
    case outputAudioDelta(AudioDelta)
    /// `response.output_audio.done` (beta `response.audio.done`): that item's audio is complete (also on cancel).
    case outputAudioDone(responseId: String?, itemId: String?, isBeta: Bool)
    /// `conversation.item.truncated`: the server accepted a truncate.
    case itemTruncated(itemId: String?, contentIndex: Int?, audioEndMs: Int?)
    /// `response.done`: the response finished, was cancelled, failed, or is incomplete.
    case responseDone(ResponseDone)
    /// `error`: most are recoverable and the socket stays open; `beta_api_shape_disabled` is followed by close 4000.
    case error(ServerError)
    /// `rate_limits.updated`.
    case rateLimitsUpdated([RateLimit])
    /// Any other well-formed event (transcripts, item bookkeeping, …), by its `type`.
    case unknown(type: String)

    /// Whether the event came in a legacy beta shape.
    public var isBeta: Bool {
        switch self {
        case .sessionCreated(let s), .sessionUpdated(let s): return s.isBeta
        case .outputAudioDelta(let d): return d.isBeta
        case .outputAudioDone(_, _, let isBeta): return isBeta
        default: return false
        }
    }

    /// The effective session, as far as a caller cares.
    public struct Session: Sendable, Hashable {
        public var id: String?
        public var model: String?
        public var inputFormat: OpenAIRealtimeAudioFormat?
        public var outputFormat: OpenAIRealtimeAudioFormat?
        /// `server_vad`, `semantic_vad`, or nil for manual turns (`turn_detection: null`) or when absent.
        public var turnDetection: String?
        /// The session came in the beta flat shape (`input_audio_format`, `modalities`, top-level `turn_detection`).
        public var isBeta: Bool

        public init(
            id: String? = nil, model: String? = nil, inputFormat: OpenAIRealtimeAudioFormat? = nil,
            outputFormat: OpenAIRealtimeAudioFormat? = nil, turnDetection: String? = nil, isBeta: Bool = false
        ) {
            self.id = id
            self.model = model
            self.inputFormat = inputFormat
            self.outputFormat = outputFormat
            self.turnDetection = turnDetection
            self.isBeta = isBeta
        }
    }

    /// One chunk of agent audio. Key playback and truncation by `itemId`: one response can carry several items.
    public struct AudioDelta: Sendable, Hashable {
        public var responseId: String?
        public var itemId: String?
        public var outputIndex: Int?
        public var contentIndex: Int?
        /// Decoded size of the audio in the session's output format (from the base64 length).
        public var byteCount: Int
        /// The decoded audio, when the decoder was asked for it (`decodesAudio`); nil otherwise.
        public var audio: ByteBuffer?
        /// Arrived as beta `response.audio.delta`.
        public var isBeta: Bool

        public init(
            responseId: String? = nil, itemId: String? = nil, outputIndex: Int? = nil, contentIndex: Int? = nil,
            byteCount: Int, audio: ByteBuffer? = nil, isBeta: Bool = false
        ) {
            self.responseId = responseId
            self.itemId = itemId
            self.outputIndex = outputIndex
            self.contentIndex = contentIndex
            self.byteCount = byteCount
            self.audio = audio
            self.isBeta = isBeta
        }
    }

    /// The end of a response.
    public struct ResponseDone: Sendable, Hashable {
        public enum Status: Sendable, Hashable {
            case completed, cancelled, failed, incomplete
            /// Any other value (`in_progress` would be a server bug), kept verbatim.
            case other(String)

            init(_ raw: String) {
                switch raw {
                case "completed": self = .completed
                case "cancelled": self = .cancelled
                case "failed": self = .failed
                case "incomplete": self = .incomplete
                default: self = .other(raw)
                }
            }
        }

        public var responseId: String?
        public var status: Status
        /// `status_details.reason`: `turn_detected` (VAD barge-in), `client_cancelled`, `max_output_tokens`,
        /// `content_filter`.
        public var reason: String?
        /// `status_details.error.type` / `.code` when the response failed.
        public var errorType: String?
        public var errorCode: String?
        /// `usage.total_tokens` / `input_tokens` / `output_tokens`, when present.
        public var totalTokens: Int?
        public var inputTokens: Int?
        public var outputTokens: Int?

        public init(
            responseId: String? = nil, status: Status, reason: String? = nil, errorType: String? = nil,
            errorCode: String? = nil, totalTokens: Int? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil
        ) {
            self.responseId = responseId
            self.status = status
            self.reason = reason
            self.errorType = errorType
            self.errorCode = errorCode
            self.totalTokens = totalTokens
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
        }
    }

    /// The `error` member of an `error` event.
    public struct ServerError: Sendable, Hashable {
        /// `invalid_request_error`, `server_error`, …
        public var type: String?
        /// `conversation_already_has_active_response`, `response_cancel_not_active`, `beta_api_shape_disabled`, …
        public var code: String?
        public var message: String?
        public var param: String?
        /// The `event_id` of the client event that failed, when it had one.
        public var eventId: String?

        public init(
            type: String? = nil, code: String? = nil, message: String? = nil, param: String? = nil,
            eventId: String? = nil
        ) {
            self.type = type
            self.code = code
            self.message = message
            self.param = param
            self.eventId = eventId
        }

        /// The server refused the retired beta interface; the socket is about to close with code 4000.
        public var isBetaShapeDisabled: Bool { self.code == "beta_api_shape_disabled" }

        /// A race the caller should tolerate (cancelling a response that already ended).
        public var isBenignRace: Bool { self.code == "response_cancel_not_active" }
    }

    /// One entry of `rate_limits.updated`.
    public struct RateLimit: Sendable, Hashable {
        /// `requests` or `tokens`.
        public var name: String?
        public var limit: Int?
        public var remaining: Int?
        public var resetSeconds: Double?

        public init(name: String? = nil, limit: Int? = nil, remaining: Int? = nil, resetSeconds: Double? = nil) {
            self.name = name
            self.limit = limit
            self.remaining = remaining
            self.resetSeconds = resetSeconds
        }
    }
}
