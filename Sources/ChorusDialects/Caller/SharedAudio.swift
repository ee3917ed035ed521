import ChorusAudio
import NIOCore

/// Every utterance cut into 20 ms frames once at load, shared read-only by all callers, and how the dialect puts
/// a frame on the wire (`framing`).
///
/// Callers never copy or encode audio: each tick either sends one of the complete pre-masked WebSocket messages
/// built here (`.shared`), or has the dialect session build the message from `frames` into a reused buffer
/// (`.perFrame`, for dialects whose messages carry per-call or per-frame fields).
public final class SharedAudio: Sendable {
    /// How the raw frames are encoded.
    public enum Encoding: Sendable, Hashable {
        /// PCM16 little-endian.
        case pcm16
        /// G.711 µ-law (load the utterances at 8 kHz).
        case muLaw
    }

    /// Where a frame's WebSocket message comes from; each dialect chooses one when it builds its audio.
    public enum Framing: Sendable, Hashable {
        /// Built and masked once at load (`Clip.wireFrames`, `silenceWire`) and sent as is by every caller.
        case shared
        /// Built per frame by the dialect session's `audioFrame`, which must never return nil: no wire messages
        /// are held, so there is nothing to fall back to (and raw frames never go on the wire as messages).
        case perFrame
    }

    /// One utterance's frames and where its speech ends.
    public struct Clip: Sendable {
        public let name: String
        /// Raw audio per frame in `encoding`.
        public let frames: [ByteBuffer]
        /// Index of the frame holding the last speech sample: the frame whose send time is t_eos.
        public let lastSpeechFrame: Int
        /// Index of the frame holding the first speech sample (where an interruption starts).
        public let firstSpeechFrame: Int
        public let durationMs: Double
        /// Nil under `.perFrame` framing.
        private let sharedWireFrames: [[ByteBuffer]]?

        init(
            name: String, frames: [ByteBuffer], wireFrames: [[ByteBuffer]]?, lastSpeechFrame: Int,
            firstSpeechFrame: Int = 0, durationMs: Double
        ) {
            self.firstSpeechFrame = firstSpeechFrame
            self.name = name
            self.frames = frames
            self.sharedWireFrames = wireFrames
            self.lastSpeechFrame = lastSpeechFrame
            self.durationMs = durationMs
        }

        /// Each frame as complete masked WebSocket messages, `WebSocketWire.maskVariants` per frame.
        /// - Precondition: the audio's framing is `.shared`.
        public var wireFrames: [[ByteBuffer]] {
            guard let wire = self.sharedWireFrames else {
                preconditionFailure("\(self.name): this dialect builds every audio message per frame; it holds no shared ones")
            }
            return wire
        }
    }

    public let clips: [Clip]
    /// Whether callers send the messages built here or the dialect session builds each one.
    public let framing: Framing
    /// One frame of digital silence in the same encoding.
    public let silence: ByteBuffer
    /// Nil under `.perFrame` framing.
    private let sharedSilenceWire: [ByteBuffer]?
    public let sampleRate: Int
    public let encoding: Encoding
    /// Nanoseconds of audio per frame (20 ms).
    public let frameNs: Int64 = 20_000_000

    /// Builds the frames of `utterances` (already at `sampleRate`) and their shared wire messages (`.shared`
    /// framing): `message(frame)` is the payload of a WebSocket message of `opcode` (0x1 text, 0x2 binary)
    /// carrying one frame.
    public convenience init(
        utterances: [Utterance], sampleRate: Int, encoding: Encoding = .pcm16, opcode: UInt8 = 0x2,
        message: @escaping ([UInt8]) -> [UInt8] = { $0 }
    ) {
        self.init(
            utterances: utterances, sampleRate: sampleRate, encoding: encoding,
            wire: { WebSocketWire.maskedVariants(opcode: opcode, payload: message($0)) })
    }

    /// Builds the frames of `utterances` (already at `sampleRate`) with no wire messages (`.perFrame` framing):
    /// the dialect session builds every message, speech and silence, in `audioFrame`.
    public convenience init(perFrame utterances: [Utterance], sampleRate: Int, encoding: Encoding) {
        self.init(utterances: utterances, sampleRate: sampleRate, encoding: encoding, wire: nil)
    }

    /// Builds PCM16 little-endian frames sent as binary messages (the Chorus native dialect's payload).
    public convenience init(pcm16 utterances: [Utterance], sampleRate: Int) {
        self.init(utterances: utterances, sampleRate: sampleRate)
    }

    private init(utterances: [Utterance], sampleRate: Int, encoding: Encoding, wire: (([UInt8]) -> [ByteBuffer])?) {
        self.sampleRate = sampleRate
        self.encoding = encoding
        self.framing = wire == nil ? .perFrame : .shared
        self.clips = utterances.map { u in
            let raw = encoding == .pcm16 ? u.pcm16LEFrames() : u.muLawFrames()
            return Clip(
                name: u.name, frames: raw.map { ByteBuffer(bytes: $0) }, wireFrames: wire.map { raw.map($0) },
                lastSpeechFrame: u.lastSpeechFrameIndex, firstSpeechFrame: u.speechStartSample / u.frameSamples,
                durationMs: u.durationMs)
        }
        let samples = sampleRate / 50
        let silence = encoding == .pcm16 ? [UInt8](repeating: 0, count: samples * 2) : [UInt8](repeating: 0xFF, count: samples)
        self.silence = ByteBuffer(bytes: silence)
        self.sharedSilenceWire = wire.map { $0(silence) }
    }

    /// Silence as masked WebSocket messages.
    /// - Precondition: the framing is `.shared`.
    public var silenceWire: [ByteBuffer] {
        guard let wire = self.sharedSilenceWire else {
            preconditionFailure("this dialect builds every audio message per frame; it holds no shared silence")
        }
        return wire
    }
}
