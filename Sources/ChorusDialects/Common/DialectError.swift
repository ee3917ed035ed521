/// Why a message from the agent could not be understood. Returned as a value, never thrown across the
/// connection: the caller turns it into the `protocol_error` outcome and keeps `excerpt` for `sessions.error`.
public struct DialectError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// A binary frame where the dialect only has text messages (Twilio: errors 31950/31951).
        case binaryFrame = "binary_frame"
        /// A frame kind the dialect does not interpret (continuation, control).
        case unsupportedFrame = "unsupported_frame"
        /// Not JSON, or JSON with invalid UTF-8 in a string.
        case malformedJSON = "malformed_json"
        /// JSON, but not an object.
        case notAnObject = "not_an_object"
        /// A required member is absent (`type`, `event`, `delta`, `payload`, …; a Pipecat `Frame` with no kind set).
        case missingField = "missing_field"
        /// A member has the wrong JSON type.
        case wrongFieldType = "wrong_field_type"
        /// An audio member is not standard base64.
        case invalidBase64 = "invalid_base64"
        /// A well-formed message of a kind the dialect does not define (Twilio; a Pipecat `Frame` holding only fields
        /// newer than frames.proto; OpenAI has `.unknown`).
        case unknownEvent = "unknown_event"
        /// The agent addressed a stream other than this call's (Twilio `streamSid`).
        case streamSidMismatch = "stream_sid_mismatch"
        /// A text frame where the dialect only has binary messages (Pipecat's protobuf serializer).
        case textFrame = "text_frame"
        /// Bytes that are not a valid protobuf message of the expected type (Pipecat `Frame`).
        case malformedProtobuf = "malformed_protobuf"
        /// Audio whose declared format cannot describe its bytes (Pipecat: sample rate or channel count 0, or a
        /// byte count that is not a whole number of 16-bit samples per channel).
        case invalidAudio = "invalid_audio"
    }

    public var code: Code
    /// What was wrong, for humans (names the field or the parse position).
    public var detail: String
    /// The start of the offending message (at most `excerptLength` characters; binary frames as hex).
    public var excerpt: String

    public init(_ code: Code, _ detail: String, excerpt: String) {
        self.code = code
        self.detail = detail
        self.excerpt = excerpt
    }

    public var description: String { "\(self.code.rawValue): \(self.detail) in \(self.excerpt)" }

    /// How many characters of a bad message are kept.
    public static let excerptLength = 200
}
