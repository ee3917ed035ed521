import NIOCore

/// Every shared 20 ms frame as a complete serialized Pipecat `Frame{audio{audio, sample_rate, num_channels}}`, built
/// once at load.
///
/// `id`, `name` and `pts` are left out (informational or optional), so the message has no per-frame field and is
/// constant: producing one costs a `ByteBuffer` slice of the shared storage (a reference-count increment, no copy,
/// no allocation), and the WebSocket layer can pre-mask it once per frame.
public struct PipecatPreparedAudio: Sendable {
    /// Samples per second per channel declared in every message.
    public let sampleRate: Int
    /// Interleaved channels declared in every message.
    public let channels: Int
    /// Number of prepared frames.
    public let frameCount: Int
    /// PCM bytes in each 20 ms frame: `sampleRate / 50 × 2 × channels` (640 at 16 kHz mono).
    public let frameBytes: Int
    /// Length of every serialized message. Frames of equal size in one format serialize to equal lengths: only the
    /// audio is per frame, and its length prefix depends on its size alone.
    public let messageLength: Int
    /// All messages back to back, `messageLength` apart.
    private let storage: ByteBuffer

    /// Serializes `frames`, each exactly one 20 ms frame of PCM16 LE interleaved audio at `sampleRate` with
    /// `channels` channels. A frame of any other size throws: most often audio at another rate than declared.
    ///
    /// - Precondition: `sampleRate` is a positive multiple of 50 that fits in `UInt32`; `channels` is positive.
    public init(frames: [[UInt8]], sampleRate: Int, channels: Int) throws(PreparedAudioError) {
        precondition(
            sampleRate > 0 && sampleRate % 50 == 0 && sampleRate <= Int(UInt32.max) && channels > 0
                && channels <= Int(UInt32.max),
            "a 20 ms frame needs a sample rate divisible by 50 (got \(sampleRate)) and channels > 0 (got \(channels))")
        let frameBytes = sampleRate / 50 * 2 * channels
        try PreparedAudioError.check(frames, frameBytes: frameBytes)
        self.sampleRate = sampleRate
        self.channels = channels
        self.frameCount = frames.count
        self.frameBytes = frameBytes
        let silence = [UInt8](repeating: 0, count: frameBytes)
        self.messageLength = PipecatCodec.encodeAudio(pcm: silence, sampleRate: sampleRate, channels: channels).count
        var storage = ByteBuffer()
        storage.reserveCapacity(self.messageLength * frames.count)
        for frame in frames {
            let message = PipecatCodec.encodeAudio(pcm: frame, sampleRate: sampleRate, channels: channels)
            // Holds for the reason given on `messageLength`; a mismatch would make every later slice wrong.
            precondition(message.count == self.messageLength, "serialized audio frames differ in length")
            storage.writeBytes(message)
        }
        self.storage = storage
    }

    /// The complete serialized `Frame` for frame `index`, to send as one binary WebSocket frame (shares storage;
    /// no copy).
    ///
    /// - Precondition: `0 <= index < frameCount`.
    public func message(at index: Int) -> ByteBuffer {
        precondition(index >= 0 && index < self.frameCount, "frame \(index) out of 0..<\(self.frameCount)")
        return self.storage.getSlice(at: index * self.messageLength, length: self.messageLength)!
    }
}
