import NIOCore

extension TwilioMediaStreamsCaller {
    /// Appends the `media` message for shared frame `index` to `buffer`, numbering it like `media(…)`.
    ///
    /// Byte-for-byte what `media(payloadBase64:timestampMs:)` writes. Cost per frame: three integers formatted as
    /// digits and four copies of constant bytes (~372 bytes in all, 216 of them the precomputed base64), with no
    /// allocation once `buffer` has capacity (~140 ns in a release build; docs/dialects.md).
    public mutating func writeMedia(frame index: Int, of audio: PreparedAudio, timestampMs: Int, into buffer: inout ByteBuffer) {
        self.mediaChunkCount += 1
        let sequenceNumber = self.nextSequenceNumber
        self.nextSequenceNumber += 1
        buffer.writeBytes(PreparedAudio.head)
        Self.writeDecimal(sequenceNumber, into: &buffer)
        buffer.writeBytes(self.mediaMiddle)
        Self.writeDecimal(self.mediaChunkCount, into: &buffer)
        buffer.writeBytes(PreparedAudio.timestampKey)
        Self.writeDecimal(timestampMs, into: &buffer)
        audio.writeTail(of: index, into: &buffer)
    }

    /// The `media` message for shared frame `index`, built in a buffer this value reuses.
    ///
    /// The storage is reused only once the previous message has been released (after the channel wrote it);
    /// while it is still held, `ByteBuffer`'s copy-on-write gives the new message fresh storage, so a message
    /// already handed to the channel is never overwritten.
    public mutating func mediaMessage(frame index: Int, of audio: PreparedAudio, timestampMs: Int) -> ByteBuffer {
        var scratch = self.scratch
        self.scratch = ByteBuffer()  // drop our reference so `scratch` is unique when nothing else holds it
        let maximumLength = PreparedAudio.head.count + self.mediaMiddle.count + PreparedAudio.timestampKey.count
            + 3 * 21 + audio.tailLength
        scratch.clear(minimumCapacity: maximumLength)
        self.writeMedia(frame: index, of: audio, timestampMs: timestampMs, into: &scratch)
        self.scratch = scratch
        return scratch
    }

    /// Writes `value` in decimal ASCII without allocating.
    static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        var magnitude = value.magnitude
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 21) { out in
            var digits = 0
            repeat {
                out[digits] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
                digits += 1
            } while magnitude > 0
            if value < 0 {
                out[digits] = UInt8(ascii: "-")
                digits += 1
            }
            var (i, j) = (0, digits - 1)
            while i < j {
                out.swapAt(i, j)
                i += 1
                j -= 1
            }
            return digits
        }
    }

    /// Every shared 20 ms µ-law frame's constant tail (`","payload":"<base64>"}}`), built once at load.
    public struct PreparedAudio: Sendable {
        /// µ-law 8 kHz, 20 ms.
        public static let frameBytes = 160
        static let head: [UInt8] = Array(#"{"event":"media","sequenceNumber":""#.utf8)
        static let timestampKey: [UInt8] = Array(#"","timestamp":""#.utf8)
        static let payloadKey: [UInt8] = Array(#"","payload":""#.utf8)
        static let close: [UInt8] = Array(#""}}"#.utf8)

        public let frameCount: Int
        let tailLength: Int
        private let tails: [UInt8]

        /// Encodes `frames`, each exactly 160 bytes of G.711 µ-law (20 ms at 8 kHz); other sizes throw.
        public init(muLawFrames frames: [[UInt8]]) throws(PreparedAudioError) {
            try PreparedAudioError.check(frames, frameBytes: Self.frameBytes)
            self.frameCount = frames.count
            self.tailLength = Self.payloadKey.count + Base64.encodedLength(Self.frameBytes) + Self.close.count
            var tails: [UInt8] = []
            tails.reserveCapacity(self.tailLength * frames.count)
            for frame in frames {
                tails += Self.payloadKey
                tails += Base64.encode(frame)
                tails += Self.close
            }
            self.tails = tails
        }

        /// The base64 payload of frame `index`.
        public func base64(at index: Int) -> String {
            let start = index * self.tailLength + Self.payloadKey.count
            return String(decoding: self.tails[start..<start + Base64.encodedLength(Self.frameBytes)], as: UTF8.self)
        }

        func writeTail(of index: Int, into buffer: inout ByteBuffer) {
            precondition(index >= 0 && index < self.frameCount, "frame \(index) out of 0..<\(self.frameCount)")
            let start = index * self.tailLength
            buffer.writeBytes(self.tails[start..<start + self.tailLength])
        }
    }
}
