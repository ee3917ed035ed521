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
        /// Index of the frame holding the last speech sample: the frame whose send time is t_eos.
        public let lastSpeechFrame: Int
        public let durationMs: Double
    }

    public let clips: [Clip]
    /// One frame of digital silence in the same encoding.
    public let silence: ByteBuffer
    public let sampleRate: Int
    /// Nanoseconds of audio per frame (20 ms).
    public let frameNs: Int64 = 20_000_000

    /// Builds PCM16 little-endian frames (the Chorus native dialect's payload).
    public init(pcm16 utterances: [Utterance], sampleRate: Int) {
        self.sampleRate = sampleRate
        self.clips = utterances.map { u in
            Clip(
                name: u.name, frames: u.pcm16LEFrames().map { ByteBuffer(bytes: $0) },
                lastSpeechFrame: u.lastSpeechFrameIndex, durationMs: u.durationMs)
        }
        self.silence = ByteBuffer(repeating: 0, count: sampleRate / 50 * 2)
    }
}
