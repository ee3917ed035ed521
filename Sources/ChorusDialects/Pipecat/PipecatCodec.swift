#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOWebSocket
import SwiftProtobuf

/// Pipecat's WebSocket wire format (`ProtobufFrameSerializer`): every message is one binary WebSocket frame holding
/// one serialized `pipecat.Frame` (Protos/pipecat/frames.proto). RTVI messages ride inside `MessageFrame.data` as
/// JSON text.
///
/// Decoding never throws and never traps on bot input: anything unreadable comes back as a `DialectError` value
/// with a hex excerpt of the offending bytes.
public enum PipecatCodec {
    /// `label` of every RTVI message.
    public static let rtviLabel = "rtvi-ai"
    /// The RTVI protocol version Chorus announces in `client-ready`.
    public static let rtviProtocolVersion = "2.1.0"

    // MARK: - Decoding

    /// Decodes one WebSocket data frame. Pipecat's protobuf serializer only sends binary frames, so a text frame is
    /// an error (`.textFrame`; most often a bot configured with a JSON serializer such as Twilio's), and so is any
    /// other opcode.
    ///
    /// Frames must be whole messages: put `NIOWebSocketFrameAggregator` in front of the handler.
    public static func decode(frame: WebSocketFrame) -> Result<PipecatFrame, DialectError> {
        Self.decode(opcode: frame.opcode, data: frame.unmaskedData)
    }

    /// Decodes one whole message from the far end, as `decode(frame:)` does.
    public static func decode(message: WebSocketMessage) -> Result<PipecatFrame, DialectError> {
        Self.decode(opcode: message.opcode, data: message.data)
    }

    private static func decode(opcode: WebSocketOpcode, data: ByteBuffer) -> Result<PipecatFrame, DialectError> {
        switch opcode {
        case .binary:
            return Self.decode(data)
        case .text:
            let excerpt = data.withUnsafeReadableBytes { AgentText.excerpt($0) }
            return .failure(DialectError(.textFrame, "text frame of \(data.readableBytes) bytes", excerpt: excerpt))
        default:
            return .failure(
                DialectError(.unsupportedFrame, "frame opcode \(opcode)", excerpt: AgentText.hexExcerpt(data)))
        }
    }

    /// Decodes one serialized `pipecat.Frame`.
    ///
    /// Errors: bytes that are not a `Frame` (`.malformedProtobuf`), a `Frame` with no kind set (`.missingField`),
    /// or only with fields this frames.proto does not know, as a newer Pipecat might send (`.unknownEvent`), and
    /// audio with sample rate 0, channel count 0, or bytes that are not whole 16-bit samples for every channel
    /// (`.invalidAudio`).
    public static func decode(_ bytes: ByteBuffer) -> Result<PipecatFrame, DialectError> {
        let proto: Pipecat_Frame
        do {
            proto = try Self.parse(bytes)
        } catch {
            return .failure(
                DialectError(
                    .malformedProtobuf, "\(bytes.readableBytes)-byte message is not a pipecat.Frame (\(error))",
                    excerpt: AgentText.hexExcerpt(bytes)))
        }
        switch proto.frame {
        case .audio(let audio)?:
            return Self.audio(audio, in: bytes).map(PipecatFrame.audio)
        case .text(let text)?:
            return .success(.text(text.text))
        case .transcription(let t)?:
            return .success(.transcription(text: t.text, userId: t.userID, timestamp: t.timestamp))
        case .message(let message)?:
            return .success(.message(message.data))
        case .interruption?:
            return .success(.interruption)
        case nil where !proto.unknownFields.data.isEmpty:
            return .failure(
                DialectError(
                    .unknownEvent, "Frame holds only fields frames.proto does not define (a newer Pipecat?)",
                    excerpt: AgentText.hexExcerpt(bytes)))
        case nil:
            return .failure(
                DialectError(
                    .missingField, "Frame sets none of text, audio, transcription, message, interruption",
                    excerpt: AgentText.hexExcerpt(bytes)))
        }
    }

    private static func parse(_ bytes: ByteBuffer) throws -> Pipecat_Frame {
        #if compiler(>=6.2)
        // Reads the frame's bytes in place.
        return try Pipecat_Frame(serializedBytes: bytes.readableBytesSpan)
        #else
        return try Pipecat_Frame(serializedBytes: Array(bytes.readableBytesView))
        #endif
    }

    private static func audio(
        _ proto: Pipecat_AudioRawFrame, in bytes: ByteBuffer
    ) -> Result<PipecatAudio, DialectError> {
        let channels = Int(proto.numChannels)
        let problem: String? =
            if proto.sampleRate == 0 {
                "audio with sample_rate 0"
            } else if channels == 0 {
                "audio with num_channels 0"
            } else if proto.audio.count % (2 * channels) != 0 {
                "\(proto.audio.count) audio bytes are not whole 16-bit samples for \(channels) channel(s)"
            } else {
                nil
            }
        if let problem {
            return .failure(DialectError(.invalidAudio, problem, excerpt: AgentText.hexExcerpt(bytes)))
        }
        var pcm = ByteBuffer()
        pcm.reserveCapacity(proto.audio.count)
        proto.audio.withUnsafeBytes { _ = pcm.writeBytes($0) }
        return .success(
            PipecatAudio(
                audio: pcm, sampleRate: Int(proto.sampleRate), channels: channels, pts: proto.hasPts ? proto.pts : nil))
    }

    // MARK: - Encoding

    /// A serialized `Frame{audio}`: PCM16 LE interleaved samples with their format. `id` and `name` are left out;
    /// `pts` is written only when given (nanoseconds).
    ///
    /// - Precondition: `sampleRate` and `channels` fit in `UInt32` and are not negative.
    public static func encodeAudio(pcm: [UInt8], sampleRate: Int, channels: Int, pts: UInt64? = nil) -> [UInt8] {
        var audio = Pipecat_AudioRawFrame()
        audio.audio = Data(pcm)
        audio.sampleRate = UInt32(sampleRate)
        audio.numChannels = UInt32(channels)
        if let pts { audio.pts = pts }
        var frame = Pipecat_Frame()
        frame.frame = .audio(audio)
        return Self.serialize(frame)
    }

    /// A serialized `Frame{message}` carrying `json` (RTVI or app JSON text) verbatim.
    public static func encodeMessage(json: String) -> [UInt8] {
        var message = Pipecat_MessageFrame()
        message.data = json
        var frame = Pipecat_Frame()
        frame.frame = .message(message)
        return Self.serialize(frame)
    }

    /// A serialized `Frame{text}`.
    public static func encodeText(_ text: String) -> [UInt8] {
        var proto = Pipecat_TextFrame()
        proto.text = text
        var frame = Pipecat_Frame()
        frame.frame = .text(proto)
        return Self.serialize(frame)
    }

    /// A serialized `Frame{transcription}`.
    public static func encodeTranscription(text: String, userId: String, timestamp: String) -> [UInt8] {
        var proto = Pipecat_TranscriptionFrame()
        proto.text = text
        proto.userID = userId
        proto.timestamp = timestamp
        var frame = Pipecat_Frame()
        frame.frame = .transcription(proto)
        return Self.serialize(frame)
    }

    /// A serialized `Frame{interruption}` (an empty `InterruptionFrame`: the two bytes `2A 00`). Bots older than
    /// Pipecat v1.3.0 cannot parse it.
    public static func encodeInterruption() -> [UInt8] {
        var frame = Pipecat_Frame()
        frame.frame = .interruption(Pipecat_InterruptionFrame())
        return Self.serialize(frame)
    }

    private static func serialize(_ frame: Pipecat_Frame) -> [UInt8] {
        // proto3 has no required fields, so serializing fails only past protobuf's 2 GiB message limit.
        try! frame.serializedBytes()
    }

    // MARK: - RTVI

    /// RTVI message JSON text, `{"label":"rtvi-ai","type":…,"id":…,"data":…}`, with `id` and `data` left out when
    /// nil. Send it with `encodeMessage(json:)`.
    public static func rtvi(type: String, id: String?, data: JSONValue?) -> String {
        var members: [(key: String, value: JSONValue)] = [
            ("label", .string(Self.rtviLabel)), ("type", .string(type)),
        ]
        if let id { members.append(("id", .string(id))) }
        if let data { members.append(("data", data)) }
        return JSONValue.object(members).serialized
    }

    /// The RTVI `client-ready` message a client sends once connected; the bot answers `bot-ready`.
    public static func clientReady(id: String) -> String {
        Self.rtvi(
            type: "client-ready", id: id,
            data: [
                "version": .string(Self.rtviProtocolVersion),
                "about": ["library": "chorus", "library_version": "0.1"],
            ])
    }
}
