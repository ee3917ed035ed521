import NIOCore
import NIOWebSocket

/// One whole message (text or binary) or control frame from the agent, read in place from the connection's bytes.
///
/// `data` is unmasked and holds the whole message: for a message sent in one frame (nearly all of them) it is a
/// slice of the buffer the bytes arrived in, with no copy and no allocation; the fragments of a longer message are
/// joined into one buffer.
public struct WebSocketMessage {
    /// `.text` or `.binary` for a message; `.ping`, `.pong` or `.connectionClose` for a control frame.
    public var opcode: WebSocketOpcode
    /// The payload, unmasked.
    public var data: ByteBuffer

    public init(opcode: WebSocketOpcode, data: ByteBuffer) {
        self.opcode = opcode
        self.data = data
    }

    /// A text message holding `text`.
    public static func text(_ text: String) -> WebSocketMessage {
        WebSocketMessage(opcode: .text, data: ByteBuffer(string: text))
    }

    /// A binary message holding `bytes`.
    public static func binary(_ bytes: [UInt8]) -> WebSocketMessage {
        WebSocketMessage(opcode: .binary, data: ByteBuffer(bytes: bytes))
    }
}
