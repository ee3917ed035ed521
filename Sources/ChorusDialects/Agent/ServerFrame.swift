import NIOCore

/// Server WebSocket frames built by hand (RFC 6455 §5.2): a server never masks, so a reply frame is the same bytes
/// for every session and can be built once at start (`ReplyWireTable`).
public enum ServerFrame {
    /// Opcode of a text frame.
    public static let text: UInt8 = 0x1
    /// Opcode of a binary frame.
    public static let binary: UInt8 = 0x2

    /// The header of an unmasked frame of `opcode` carrying `payloadLength` bytes; final unless `fin` is false.
    public static func writeHeader(opcode: UInt8, payloadLength: Int, into buffer: inout ByteBuffer, fin: Bool = true) {
        buffer.writeInteger((fin ? 0x80 : 0) | opcode)
        if payloadLength < 126 {
            buffer.writeInteger(UInt8(payloadLength))
        } else if payloadLength <= 0xFFFF {
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(payloadLength))
        } else {
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(payloadLength))
        }
    }

    /// A complete frame: header and payload.
    public static func complete(opcode: UInt8, payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(payload.count + 10)
        Self.writeHeader(opcode: opcode, payloadLength: payload.count, into: &buffer)
        buffer.writeBytes(payload)
        return buffer
    }
}
