import NIOCore
import NIOWebSocket

/// Turning what arrives into a parsed JSON object, shared by the dialect decoders.
enum AgentText {
    /// The text of a WebSocket data frame, or the error for a frame a text dialect does not accept.
    ///
    /// Frames must be whole messages: put `NIOWebSocketFrameAggregator` in front of the handler.
    static func parseObject(frame: WebSocketFrame) -> Result<(JSONValue, ByteBuffer), DialectError> {
        Self.parseObject(opcode: frame.opcode, data: frame.unmaskedData)
    }

    /// The text of a whole WebSocket message (`opcode` and unmasked `data`), or the error for a message a text
    /// dialect does not accept.
    static func parseObject(opcode: WebSocketOpcode, data: ByteBuffer) -> Result<(JSONValue, ByteBuffer), DialectError> {
        switch opcode {
        case .text:
            return Self.parseObject(data).map { ($0, data) }
        case .binary:
            return .failure(
                DialectError(.binaryFrame, "binary frame of \(data.readableBytes) bytes", excerpt: Self.hexExcerpt(data)))
        default:
            return .failure(
                DialectError(.unsupportedFrame, "frame opcode \(opcode)", excerpt: Self.hexExcerpt(data)))
        }
    }

    /// Parses a text message held in a buffer; it must be one JSON object.
    static func parseObject(_ buffer: ByteBuffer) -> Result<JSONValue, DialectError> {
        buffer.withUnsafeReadableBytes { bytes in Self.parseObject(bytes) }
    }

    static func parseObject(_ bytes: UnsafeRawBufferPointer) -> Result<JSONValue, DialectError> {
        do {
            let value = try JSONParser.parse(bytes)
            guard value.isObject else {
                return .failure(DialectError(.notAnObject, "top-level value is not an object", excerpt: Self.excerpt(bytes)))
            }
            return .success(value)
        } catch {
            return .failure(DialectError(.malformedJSON, error.description, excerpt: Self.excerpt(bytes)))
        }
    }

    static func parseObject(_ text: String) -> Result<JSONValue, DialectError> {
        var text = text
        return text.withUTF8 { Self.parseObject(UnsafeRawBufferPointer($0)) }
    }

    /// The first `DialectError.excerptLength` characters, invalid UTF-8 replaced.
    static func excerpt(_ bytes: UnsafeRawBufferPointer) -> String {
        let head = UnsafeRawBufferPointer(rebasing: bytes.prefix(DialectError.excerptLength * 4))
        let text = String(decoding: head, as: UTF8.self)
        return text.count > DialectError.excerptLength ? String(text.prefix(DialectError.excerptLength)) + "…" : text
    }

    static func excerpt(_ value: JSONValue) -> String {
        let text = value.serialized
        return text.count > DialectError.excerptLength ? String(text.prefix(DialectError.excerptLength)) + "…" : text
    }

    /// Up to 32 bytes as hex (binary frames have no readable excerpt).
    static func hexExcerpt(_ buffer: ByteBuffer) -> String {
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: min(32, buffer.readableBytes)) ?? []
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
        return buffer.readableBytes > 32 ? "0x " + hex + " …" : "0x " + hex
    }
}

// MARK: - Reading members with typed errors

extension JSONValue {
    /// A required string member, or the error naming it. `message` is the whole message, for the excerpt.
    func string(_ key: String, in message: JSONValue) throws(DialectError) -> String {
        switch self[key] {
        case .string(let s)?: return s
        case nil, .null?: throw DialectError(.missingField, "missing \"\(key)\"", excerpt: AgentText.excerpt(message))
        case _?: throw DialectError(.wrongFieldType, "\"\(key)\" is not a string", excerpt: AgentText.excerpt(message))
        }
    }

    /// An optional string member: nil when absent or null, an error when present with another type.
    func optionalString(_ key: String, in message: JSONValue) throws(DialectError) -> String? {
        switch self[key] {
        case .string(let s)?: return s
        case nil, .null?: return nil
        case _?: throw DialectError(.wrongFieldType, "\"\(key)\" is not a string", excerpt: AgentText.excerpt(message))
        }
    }

    /// An optional integer member: nil when absent or null, an error when present and not an integer.
    func optionalInt(_ key: String, in message: JSONValue) throws(DialectError) -> Int? {
        switch self[key] {
        case nil, .null?: return nil
        case let value?:
            guard let i = value.intValue else {
                throw DialectError(.wrongFieldType, "\"\(key)\" is not an integer", excerpt: AgentText.excerpt(message))
            }
            return i
        }
    }

    /// An optional object member: nil when absent or null, an error when present and not an object.
    func optionalObject(_ key: String, in message: JSONValue) throws(DialectError) -> JSONValue? {
        switch self[key] {
        case nil, .null?: return nil
        case let value? where value.isObject: return value
        case _?: throw DialectError(.wrongFieldType, "\"\(key)\" is not an object", excerpt: AgentText.excerpt(message))
        }
    }
}
