import NIOCore

/// Client WebSocket frames built by hand (RFC 6455 §5.2), so shared audio can be masked once at load.
///
/// NIO's encoder masks every frame's payload into a fresh buffer: an allocation and a copy per frame. Chorus
/// pre-masks each shared audio frame under a few keys drawn from the system's strong random source at load,
/// and callers pick one per frame. The keys are therefore reused across frames, which the RFC's "unpredictable
/// per frame" asks against; it protects HTTP intermediaries from cache poisoning by a hostile page, and no
/// such page exists here. Control and text frames are masked per frame with fresh keys.
public enum WebSocketWire {
    /// How many masked copies of each shared frame are built.
    public static let maskVariants = 4

    /// A complete masked client frame: FIN, `opcode`, mask bit, length, key, masked payload.
    public static func clientFrame(opcode: UInt8, payload: [UInt8], maskKey: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(payload.count + 14)
        buffer.writeInteger(0x80 | opcode)
        if payload.count < 126 {
            buffer.writeInteger(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            buffer.writeInteger(UInt8(0x80 | 126))
            buffer.writeInteger(UInt16(payload.count))
        } else {
            buffer.writeInteger(UInt8(0x80 | 127))
            buffer.writeInteger(UInt64(payload.count))
        }
        buffer.writeBytes(maskKey)
        buffer.writeBytes(payload.enumerated().map { $0.element ^ maskKey[$0.offset & 3] })
        return buffer
    }

    /// `maskVariants` masked copies of a binary frame carrying `payload`.
    public static func maskedBinaryVariants(_ payload: [UInt8]) -> [ByteBuffer] {
        Self.maskedVariants(opcode: 0x2, payload: payload)
    }

    /// `maskVariants` masked copies of a frame of `opcode` (0x1 text, 0x2 binary) carrying `payload`.
    public static func maskedVariants(opcode: UInt8, payload: [UInt8]) -> [ByteBuffer] {
        var rng = SystemRandomNumberGenerator()
        return (0..<Self.maskVariants).map { _ in
            let key = (0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }
            return Self.clientFrame(opcode: opcode, payload: payload, maskKey: key)
        }
    }

    /// Writes the header of a masked client frame of `opcode` with a `length`-byte payload into `buffer`, then
    /// the payload produced by `writePayload`, and masks that payload in place with `maskKey`: one frame built in
    /// a reused buffer with no allocation, for messages that change per frame (Twilio's numbered `media`).
    public static func writeClientFrame(
        opcode: UInt8, maskKey: UInt32, into buffer: inout ByteBuffer, payload writePayload: (inout ByteBuffer) -> Void
    ) {
        // The length is known only after the payload is written, so reserve the 16-bit form (every per-frame
        // message is 126…65535 bytes) and check.
        let start = buffer.writerIndex
        buffer.writeInteger(0x80 | opcode)
        buffer.writeInteger(UInt8(0x80 | 126))
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(maskKey)
        let payloadStart = buffer.writerIndex
        writePayload(&buffer)
        let length = buffer.writerIndex - payloadStart
        precondition(length >= 126 && length <= 0xFFFF, "per-frame messages are 126…65535 bytes, not \(length)")
        buffer.setInteger(UInt16(length), at: start + 2)
        let base = payloadStart - buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { bytes in
            for i in 0..<length {
                bytes[base + i] ^= UInt8(truncatingIfNeeded: maskKey >> (24 - 8 * UInt32(i & 3)))
            }
        }
    }
}
