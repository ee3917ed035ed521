import ChorusAudio
import NIOCore

/// Every utterance cut into 20 ms frames once at load, each also as complete pre-masked WebSocket messages in
/// the dialect's framing, shared read-only by all callers.
///
/// Callers never copy or encode audio: each tick sends one of these buffers (or, for dialects whose messages
/// change per frame, builds one from `frames` into a reused buffer).
public final class SharedAudio: Sendable {
    /// How the raw frames are encoded.
    public enum Encoding: Sendable, Hashable {
        /// PCM16 little-endian.
        case pcm16
        /// G.711 µ-law (load the utterances at 8 kHz).
        case muLaw
    }

    /// One utterance's frames and where its speech ends.
    public struct Clip: Sendable {
        public let name: String
        /// Raw audio per frame in `encoding`.
        public let frames: [ByteBuffer]
        /// Each frame as complete masked WebSocket messages, `WebSocketWire.maskVariants` per frame.
        public let wireFrames: [[ByteBuffer]]
        /// Index of the frame holding the last speech sample: the frame whose send time is t_eos.
        public let lastSpeechFrame: Int
        public let durationMs: Double
    }

    public let clips: [Clip]
    /// One frame of digital silence in the same encoding.
    public let silence: ByteBuffer
    /// Silence as masked WebSocket messages.
    public let silenceWire: [ByteBuffer]
    public let sampleRate: Int
    public let encoding: Encoding
    /// Nanoseconds of audio per frame (20 ms).
    public let frameNs: Int64 = 20_000_000

    /// Builds the frames of `utterances` (already at `sampleRate`) and their wire messages: `message(frame)` is
    /// the payload of a WebSocket message of `opcode` (0x1 text, 0x2 binary) carrying one frame.
    public init(
        utterances: [Utterance], sampleRate: Int, encoding: Encoding = .pcm16, opcode: UInt8 = 0x2,
        message: ([UInt8]) -> [UInt8] = { $0 }
    ) {
        self.sampleRate = sampleRate
        self.encoding = encoding
        self.clips = utterances.map { u in
            let raw = encoding == .pcm16 ? u.pcm16LEFrames() : u.muLawFrames()
            return Clip(
                name: u.name, frames: raw.map { ByteBuffer(bytes: $0) },
                wireFrames: raw.map { WebSocketWire.maskedVariants(opcode: opcode, payload: message($0)) },
                lastSpeechFrame: u.lastSpeechFrameIndex, durationMs: u.durationMs)
        }
        let samples = sampleRate / 50
        let silence = encoding == .pcm16 ? [UInt8](repeating: 0, count: samples * 2) : [UInt8](repeating: 0xFF, count: samples)
        self.silence = ByteBuffer(bytes: silence)
        self.silenceWire = WebSocketWire.maskedVariants(opcode: opcode, payload: message(silence))
    }

    /// Builds PCM16 little-endian frames sent as binary messages (the Chorus native dialect's payload).
    public convenience init(pcm16 utterances: [Utterance], sampleRate: Int) {
        self.init(utterances: utterances, sampleRate: sampleRate)
    }

    /// What the call flow needs to know of each clip.
    public var clipShapes: [CallFlow.ClipShape] {
        self.clips.map { CallFlow.ClipShape(name: $0.name, frameCount: $0.frames.count, lastSpeechFrame: $0.lastSpeechFrame) }
    }
}
