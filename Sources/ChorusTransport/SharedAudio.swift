import ChorusAudio
import NIOCore

/// Every utterance cut into 20 ms wire payloads once at load, shared read-only by all callers.
///
/// Callers never copy or encode audio: each tick sends a slice of one of these buffers.
public final class SharedAudio: Sendable {
    /// One utterance's frames and where its speech ends.
    public struct Clip: Sendable {
        public let name: String
        public let frames: [ByteBuffer]
        /// Each frame as complete masked WebSocket binary frames, `WebSocketWire.maskVariants` per frame.
        public let wireFrames: [[ByteBuffer]]
        /// Index of the frame holding the last speech sample: the frame whose send time is t_eos.
        public let lastSpeechFrame: Int
        public let durationMs: Double
    }

    public let clips: [Clip]
    /// One frame of digital silence in the same encoding.
    public let silence: ByteBuffer
    /// Silence as masked WebSocket binary frames.
    public let silenceWire: [ByteBuffer]
    public let sampleRate: Int
    /// Nanoseconds of audio per frame (20 ms).
    public let frameNs: Int64 = 20_000_000

    /// Builds PCM16 little-endian frames (the Chorus native dialect's payload).
    public init(pcm16 utterances: [Utterance], sampleRate: Int) {
        self.sampleRate = sampleRate
        self.clips = utterances.map { u in
            let pcm = u.pcm16LEFrames()
            return Clip(
                name: u.name, frames: pcm.map { ByteBuffer(bytes: $0) },
                wireFrames: pcm.map { WebSocketWire.maskedBinaryVariants($0) },
                lastSpeechFrame: u.lastSpeechFrameIndex, durationMs: u.durationMs)
        }
        let silence = [UInt8](repeating: 0, count: sampleRate / 50 * 2)
        self.silence = ByteBuffer(bytes: silence)
        self.silenceWire = WebSocketWire.maskedBinaryVariants(silence)
    }
}
