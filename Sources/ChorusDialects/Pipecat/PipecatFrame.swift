import NIOCore

/// One message of Pipecat's WebSocket protobuf dialect (`ProtobufFrameSerializer`): what a binary frame holds,
/// in either direction.
///
/// Only the fields Chorus acts on are kept: every kind also carries an informational `id` and `name`
/// (`"TTSAudioRawFrame#57"`), which decoding drops and encoding leaves out.
public enum PipecatFrame: Sendable, Hashable {
    /// Raw PCM audio: the caller's speech, or the bot's answer (typically 24 kHz mono).
    case audio(PipecatAudio)
    /// Text sent as-is (LLM or TTS text from the bot; input text for the bot).
    case text(String)
    /// A speech-to-text result. `timestamp` is Pipecat's ISO 8601 text, kept verbatim.
    case transcription(text: String, userId: String, timestamp: String)
    /// An application message: the JSON text of `MessageFrame.data`, unparsed (RTVI messages travel here).
    case message(String)
    /// The bot was interrupted: drop the bot audio queued for playout (Pipecat v1.3.0 and later; older bots say
    /// so only through RTVI `user-started-speaking` / `bot-interrupted` messages).
    case interruption
}

/// Audio carried by a Pipecat `AudioRawFrame`.
public struct PipecatAudio: Sendable, Hashable {
    /// PCM signed 16-bit little-endian samples, channels interleaved.
    public var audio: ByteBuffer
    /// Samples per second per channel, as declared by the sender.
    public var sampleRate: Int
    /// Number of interleaved channels.
    public var channels: Int
    /// Presentation time in nanoseconds, when the sender set one.
    public var pts: UInt64?

    /// Creates audio from PCM16 LE bytes in the declared format.
    public init(audio: ByteBuffer, sampleRate: Int, channels: Int, pts: UInt64? = nil) {
        self.audio = audio
        self.sampleRate = sampleRate
        self.channels = channels
        self.pts = pts
    }

    /// Samples per channel in `audio` (its play time is `samplesPerChannel / sampleRate` seconds).
    public var samplesPerChannel: Int {
        self.channels > 0 ? self.audio.readableBytes / (2 * self.channels) : 0
    }
}

// MARK: - RTVI

extension PipecatFrame {
    /// The `type` of an RTVI message (`bot-started-speaking`, `user-transcription`, …): set for a `.message` whose
    /// JSON is an object with `"label":"rtvi-ai"` and a string `type`; nil for anything else, including JSON that
    /// does not parse.
    public var rtviType: String? {
        self.rtviMessage?["type"]?.stringValue
    }

    /// The parsed RTVI message (`{"label":"rtvi-ai","type":…,"id":…,"data":…}`) of a `.message`; nil when this is
    /// another kind, not JSON, or JSON without the RTVI label.
    public var rtviMessage: JSONValue? {
        guard case .message(let json) = self, let value = try? JSONParser.parse(json),
            value["label"]?.stringValue == PipecatCodec.rtviLabel
        else { return nil }
        return value
    }
}
