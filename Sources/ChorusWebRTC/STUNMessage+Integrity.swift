import ChorusCore
import Crypto

extension STUNMessage {
    /// The MESSAGE-INTEGRITY key for short-term credentials: the password's UTF-8 bytes.
    ///
    /// In ICE (RFC 8445 §7.2.2) the password is the ice-pwd of the agent that checks the message: the peer's for
    /// a request we send, ours for the response. RFC 8489 runs it through OpaqueString first, which leaves the
    /// ASCII ice-chars of an ice-pwd unchanged.
    public static func shortTermKey(password: String) -> [UInt8] {
        Array(password.utf8)
    }

    /// Whether the received message `bytes` carries a MESSAGE-INTEGRITY that `key` produced.
    ///
    /// Works on the bytes as received, not on a re-encoding (padding bytes and unknown attributes are covered by
    /// the HMAC as the sender wrote them): the HMAC-SHA1 is computed over everything before the first
    /// MESSAGE-INTEGRITY, with the header's length field replaced by the length up to and including it
    /// (RFC 8489 §14.5), and compared in constant time. False for a malformed message or one without the
    /// attribute.
    public static func verifyIntegrity(bytes: UnsafeRawBufferPointer, key: [UInt8]) -> Bool {
        guard Self.headerError(bytes) == nil else { return false }
        var integrity: (offset: Int, value: Range<Int>)? = nil
        let walkError = Self.walkAttributes(bytes) { type, offset, value in
            if type == .messageIntegrity, integrity == nil { integrity = (offset, value) }
            return .success(())
        }
        guard walkError == nil, let integrity, integrity.value.count == Self.integrityValueSize else { return false }
        var hmac = HMAC<Insecure.SHA1>(key: SymmetricKey(data: key))
        hmac.update(data: bytes.slice(0..<2))
        let adjustedLength = UInt16(integrity.value.upperBound - Self.headerSize).bigEndian
        withUnsafeBytes(of: adjustedLength) { hmac.update(data: $0) }
        hmac.update(data: bytes.slice(4..<integrity.offset))
        return hmac.finalize() == bytes.slice(integrity.value)
    }

    /// Whether the received message `bytes` carries a MESSAGE-INTEGRITY that `key` produced; see the buffer
    /// pointer version.
    public static func verifyIntegrity(bytes: [UInt8], key: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Self.verifyIntegrity(bytes: $0, key: key) }
    }

    /// Whether the received message `bytes` ends with a FINGERPRINT that matches it: the CRC-32 of everything
    /// before the attribute, XOR 0x5354554E (RFC 8489 §14.7). False for a malformed message or one whose last
    /// attribute is not FINGERPRINT.
    public static func verifyFingerprint(bytes: UnsafeRawBufferPointer) -> Bool {
        guard Self.headerError(bytes) == nil else { return false }
        var last: (type: STUNAttributeType, offset: Int, value: Range<Int>)? = nil
        let walkError = Self.walkAttributes(bytes) { type, offset, value in
            last = (type, offset, value)
            return .success(())
        }
        guard walkError == nil, let last, last.type == .fingerprint, last.value.count == 4 else { return false }
        let crc = CRC32.checksum(bytes.slice(0..<last.offset)) ^ Self.fingerprintXOR
        return crc == bytes.readUInt32(at: last.value.lowerBound)
    }

    /// Whether the received message `bytes` ends with a matching FINGERPRINT; see the buffer pointer version.
    public static func verifyFingerprint(bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Self.verifyFingerprint(bytes: $0) }
    }
}
