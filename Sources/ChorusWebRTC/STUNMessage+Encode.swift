import Crypto

extension STUNMessage {
    /// The message on the wire, with MESSAGE-INTEGRITY and then FINGERPRINT appended when asked.
    ///
    /// - Parameters:
    ///   - integrityKey: the HMAC-SHA1 key for MESSAGE-INTEGRITY, or nil for none. For ICE (short-term
    ///     credentials) it is the ice-pwd of the agent that will check it: `STUNMessage.shortTermKey(password:)`.
    ///   - fingerprint: whether to append FINGERPRINT (ICE always does, RFC 8445 §7.2.2).
    ///   - paddingByte: what fills values up to a multiple of 4 bytes. Receivers ignore it; RFC 8489 says zero,
    ///     RFC 5769's test vectors use 0x20, and the HMAC covers it, so matching a vector needs the same byte.
    ///
    /// MESSAGE-INTEGRITY and FINGERPRINT in `attributes` are not written; the ones computed here are.
    public func encode(integrityKey: [UInt8]?, fingerprint: Bool, paddingByte: UInt8 = 0) -> [UInt8] {
        var buffer: [UInt8] = []
        self.encode(into: &buffer, integrityKey: integrityKey, fingerprint: fingerprint, paddingByte: paddingByte)
        return buffer
    }

    /// Writes the message into `buffer`, replacing its contents and reusing its capacity; see
    /// `encode(integrityKey:fingerprint:paddingByte:)`.
    ///
    /// The attributes must fit a STUN message (65,535 bytes after the header); an ICE check's take about 100.
    public func encode(into buffer: inout [UInt8], integrityKey: [UInt8]?, fingerprint: Bool, paddingByte: UInt8 = 0) {
        let written = self.attributes.filter(Self.isWritten)
        let trailerSize = (integrityKey == nil ? 0 : 4 + Self.integrityValueSize) + (fingerprint ? 8 : 0)
        let bodySize = written.reduce(0) { $0 + $1.encodedSize } + trailerSize
        precondition(bodySize <= Int(UInt16.max), "STUN attributes of \(bodySize) bytes exceed the 16-bit length")
        buffer.removeAll(keepingCapacity: true)
        buffer.reserveCapacity(Self.headerSize + bodySize)
        buffer.appendUInt16(self.type.rawValue)
        buffer.appendUInt16(0)
        buffer.appendUInt32(Self.magicCookie)
        buffer.appendUInt32(self.transactionID.upper)
        buffer.appendUInt64(self.transactionID.lower)
        for attribute in written {
            attribute.write(into: &buffer, transactionID: self.transactionID, paddingByte: paddingByte)
        }
        if let integrityKey {
            // RFC 8489 §14.5: the HMAC covers the message up to MESSAGE-INTEGRITY, with the length field already
            // counting MESSAGE-INTEGRITY (but not FINGERPRINT).
            buffer.setUInt16(UInt16(buffer.count - Self.headerSize + 4 + Self.integrityValueSize), at: 2)
            let mac = HMAC<Insecure.SHA1>.authenticationCode(for: buffer, using: SymmetricKey(data: integrityKey))
            buffer.appendUInt16(STUNAttributeType.messageIntegrity.rawValue)
            buffer.appendUInt16(UInt16(Self.integrityValueSize))
            buffer.append(contentsOf: mac)
        }
        if fingerprint {
            // RFC 8489 §14.7: the CRC covers the message up to FINGERPRINT, the length field counting FINGERPRINT.
            buffer.setUInt16(UInt16(buffer.count - Self.headerSize + 8), at: 2)
            let crc = buffer.withUnsafeBytes { CRC32.checksum($0) } ^ Self.fingerprintXOR
            buffer.appendUInt16(STUNAttributeType.fingerprint.rawValue)
            buffer.appendUInt16(4)
            buffer.appendUInt32(crc)
        }
        buffer.setUInt16(UInt16(buffer.count - Self.headerSize), at: 2)
    }

    private static func isWritten(_ attribute: STUNAttribute) -> Bool {
        attribute.type != .messageIntegrity && attribute.type != .fingerprint
    }
}
