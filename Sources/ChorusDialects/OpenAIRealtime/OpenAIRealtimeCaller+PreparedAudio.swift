import NIOCore

extension OpenAIRealtimeCaller {
    /// Every shared 20 ms frame as a complete `input_audio_buffer.append` message, built once at load.
    ///
    /// The append event has no per-frame field (no sequence number, no timestamp, no `event_id`), so the whole
    /// message is constant: producing one costs a `ByteBuffer` slice of the shared storage (a reference-count
    /// increment, no copy, no allocation). Because it is constant it can also be pre-masked once per frame by the
    /// WebSocket layer, as `SharedAudio` does for binary frames.
    public struct PreparedAudio: Sendable {
        /// `{"type":"input_audio_buffer.append","audio":"`.
        static let prefix: [UInt8] = Array(#"{"type":"input_audio_buffer.append","audio":""#.utf8)
        static let suffix: [UInt8] = Array(#""}"#.utf8)

        public let format: OpenAIRealtimeAudioFormat
        public let frameCount: Int
        /// Length of every message: the prefix, the base64 of one frame, the suffix.
        public let messageLength: Int
        /// All messages back to back, `messageLength` apart.
        private let storage: ByteBuffer

        /// Encodes `frames`, each exactly one 20 ms frame in `format` (960 bytes of 24 kHz PCM16 LE, or 160 bytes of
        /// G.711). A frame of any other size throws: it is most often 16 kHz PCM handed to a 24 kHz-only API.
        public init(frames: [[UInt8]], format: OpenAIRealtimeAudioFormat) throws(PreparedAudioError) {
            try PreparedAudioError.check(frames, frameBytes: format.frameBytes)
            self.format = format
            self.frameCount = frames.count
            self.messageLength = Self.prefix.count + Base64.encodedLength(format.frameBytes) + Self.suffix.count
            var storage = ByteBuffer()
            storage.reserveCapacity(self.messageLength * frames.count)
            for frame in frames {
                storage.writeBytes(Self.prefix)
                storage.writeBytes(Base64.encode(frame))
                storage.writeBytes(Self.suffix)
            }
            self.storage = storage
        }

        /// The complete append message for frame `index` (shares storage; no copy).
        ///
        /// - Precondition: `0 <= index < frameCount`.
        public func message(at index: Int) -> ByteBuffer {
            precondition(index >= 0 && index < self.frameCount, "frame \(index) out of 0..<\(self.frameCount)")
            return self.storage.getSlice(at: index * self.messageLength, length: self.messageLength)!
        }

        /// The base64 text of frame `index` alone.
        public func base64(at index: Int) -> String {
            let message = self.message(at: index)
            let length = self.messageLength - Self.prefix.count - Self.suffix.count
            return message.getString(at: message.readerIndex + Self.prefix.count, length: length)!
        }
    }
}
