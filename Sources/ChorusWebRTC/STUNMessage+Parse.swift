import ChorusCore

extension STUNMessage {
    /// Parses one STUN message that fills `bytes` (a whole UDP datagram).
    ///
    /// Checks the header (top two bits zero, magic cookie, length a multiple of 4 and equal to the bytes after the
    /// header), then walks the attributes, bounding each length and its padding by the message end, and checks
    /// each known attribute's length. Attributes after MESSAGE-INTEGRITY other than FINGERPRINT and
    /// MESSAGE-INTEGRITY-SHA256 are left out, as RFC 8489 §14.5 says to ignore them; an attribute after
    /// FINGERPRINT fails. Never traps; allocates only the attribute list and its strings, at most one attribute
    /// per 4 bytes of a message of at most 64 KiB.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<STUNMessage, STUNParseError> {
        if let error = Self.headerError(bytes) { return .failure(error) }
        let transactionID = STUNTransactionID(upper: bytes.readUInt32(at: 8), lower: bytes.readUInt64(at: 12))
        var attributes: [STUNAttribute] = []
        var afterIntegrity = false
        var afterFingerprint = false
        let walkError = Self.walkAttributes(bytes) { type, _, value in
            if afterFingerprint { return .failure(.attributeAfterFingerprint(type: type)) }
            if afterIntegrity, type != .fingerprint, type != .messageIntegritySHA256 { return .success(()) }
            switch STUNAttribute.read(type: type, value: bytes.slice(value), transactionID: transactionID) {
            case .success(let attribute): attributes.append(attribute)
            case .failure(let error): return .failure(error)
            }
            afterIntegrity = afterIntegrity || type == .messageIntegrity
            afterFingerprint = type == .fingerprint
            return .success(())
        }
        if let walkError { return .failure(walkError) }
        let type = STUNMessageType(rawValue: bytes.readUInt16(at: 0))
        return .success(STUNMessage(type: type, transactionID: transactionID, attributes: attributes))
    }

    /// Parses one STUN message that fills `bytes`; see `parse(_:)` on a buffer pointer.
    public static func parse(_ bytes: [UInt8]) -> Result<STUNMessage, STUNParseError> {
        bytes.withUnsafeBytes { Self.parse($0) }
    }

    /// What is wrong with the 20-byte header of `bytes` as a whole message, or nil.
    static func headerError(_ bytes: UnsafeRawBufferPointer) -> STUNParseError? {
        guard bytes.count >= Self.headerSize else { return .truncatedHeader(available: bytes.count) }
        guard bytes[0] & 0xC0 == 0 else { return .notSTUN(firstByte: bytes[0]) }
        let cookie = bytes.readUInt32(at: 4)
        guard cookie == Self.magicCookie else { return .badMagicCookie(cookie) }
        let length = Int(bytes.readUInt16(at: 2))
        guard length % 4 == 0 else { return .lengthNotMultipleOfFour(length) }
        guard length == bytes.count - Self.headerSize else {
            return .lengthMismatch(declared: length, actual: bytes.count - Self.headerSize)
        }
        return nil
    }

    /// Calls `body` with each attribute's type, the offset of its header and its value's range (without padding)
    /// in `bytes`, whose header must be valid; stops at the first error, the walk's own or `body`'s.
    static func walkAttributes(
        _ bytes: UnsafeRawBufferPointer,
        _ body: (STUNAttributeType, Int, Range<Int>) -> Result<Void, STUNParseError>
    ) -> STUNParseError? {
        var offset = Self.headerSize
        // The header check made the end and every offset multiples of 4, so a whole attribute header always fits,
        // and a length that fits fits with its padding too.
        while offset < bytes.count {
            let type = STUNAttributeType(rawValue: bytes.readUInt16(at: offset))
            let length = Int(bytes.readUInt16(at: offset + 2))
            let valueStart = offset + 4
            guard length <= bytes.count - valueStart else {
                return .attributeOverrun(type: type, length: length, offset: offset, messageSize: bytes.count)
            }
            if case .failure(let error) = body(type, offset, valueStart..<(valueStart + length)) { return error }
            offset = valueStart + ((length + 3) & ~3)
        }
        return nil
    }
}
