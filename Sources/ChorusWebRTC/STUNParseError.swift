/// Why bytes were rejected as a STUN message. Parsing never traps: every malformed input maps to one of these.
///
/// The payloads are integers, so a rejected datagram costs no allocation; `description` says in words what is
/// wrong, for logs and call failure details.
public enum STUNParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fewer than the 20 bytes of a STUN header.
    case truncatedHeader(available: Int)
    /// The first two bits are not zero (RFC 8489 §5): not STUN, whatever else it is.
    case notSTUN(firstByte: UInt8)
    /// The magic cookie is not 0x2112A442 (a classic RFC 3489 message, or not STUN).
    case badMagicCookie(UInt32)
    /// The header's length field is not a multiple of 4.
    case lengthNotMultipleOfFour(Int)
    /// The header's length field disagrees with the bytes after the header.
    case lengthMismatch(declared: Int, actual: Int)
    /// An attribute, padding included, runs past the end of the message.
    case attributeOverrun(type: STUNAttributeType, length: Int, offset: Int, messageSize: Int)
    /// An attribute's length is wrong for its type (PRIORITY must be 4 bytes, for example).
    case invalidAttributeLength(type: STUNAttributeType, length: Int)
    /// An address attribute names a family other than 0x01 (IPv4) and 0x02 (IPv6).
    case unknownAddressFamily(type: STUNAttributeType, family: UInt8)
    /// ERROR-CODE's class is outside 3...6 or its number above 99.
    case invalidErrorCode(errorClass: UInt8, number: UInt8)
    /// An attribute follows FINGERPRINT, which must be last.
    case attributeAfterFingerprint(type: STUNAttributeType)

    /// What is wrong, in words.
    public var description: String {
        switch self {
        case .truncatedHeader(let available):
            "\(available) bytes are fewer than the 20-byte STUN header"
        case .notSTUN(let firstByte):
            "first byte \(firstByte) has its top two bits set: not STUN"
        case .badMagicCookie(let cookie):
            "magic cookie 0x\(String(cookie, radix: 16)) is not 0x2112a442"
        case .lengthNotMultipleOfFour(let length):
            "message length \(length) is not a multiple of 4"
        case .lengthMismatch(let declared, let actual):
            "header says \(declared) bytes of attributes, \(actual) follow it"
        case .attributeOverrun(let type, let length, let offset, let messageSize):
            "attribute \(type) at byte \(offset): length \(length) runs past the message end (\(messageSize) bytes)"
        case .invalidAttributeLength(let type, let length):
            "attribute \(type) has invalid length \(length)"
        case .unknownAddressFamily(let type, let family):
            "attribute \(type) has unknown address family \(family)"
        case .invalidErrorCode(let errorClass, let number):
            "ERROR-CODE class \(errorClass) number \(number) is not a code in 300...699"
        case .attributeAfterFingerprint(let type):
            "attribute \(type) follows FINGERPRINT, which must be last"
        }
    }
}
