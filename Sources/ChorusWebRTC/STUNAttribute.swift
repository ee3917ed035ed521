/// One attribute of a STUN message, decoded for the types ICE uses and kept raw for the rest.
///
/// Address attributes hold the real address: XOR-MAPPED-ADDRESS is un-XORed when parsed and XORed again when
/// written, with the message's transaction id. MESSAGE-INTEGRITY and FINGERPRINT appear in parsed messages; the
/// encoder computes its own and skips these two cases (`STUNMessage.encode`).
public enum STUNAttribute: Sendable, Hashable {
    /// MAPPED-ADDRESS.
    case mappedAddress(STUNAddress)
    /// XOR-MAPPED-ADDRESS, un-XORed.
    case xorMappedAddress(STUNAddress)
    /// USERNAME, in ICE "<receiver ufrag>:<sender ufrag>" (invalid UTF-8 is repaired, never rejected).
    case username(String)
    /// MESSAGE-INTEGRITY: the 20-byte HMAC-SHA1 as received.
    case messageIntegrity([UInt8])
    /// FINGERPRINT: the CRC-32 value as received (already XORed with 0x5354554E).
    case fingerprint(UInt32)
    /// ERROR-CODE.
    case errorCode(STUNErrorCode)
    /// PRIORITY (RFC 8445 §7.1.1).
    case priority(UInt32)
    /// USE-CANDIDATE (RFC 8445 §7.1.2): no value.
    case useCandidate
    /// ICE-CONTROLLED with the sender's 64-bit tie-breaker (RFC 8445 §7.1.3).
    case iceControlled(tieBreaker: UInt64)
    /// ICE-CONTROLLING with the sender's 64-bit tie-breaker (RFC 8445 §7.1.3).
    case iceControlling(tieBreaker: UInt64)
    /// SOFTWARE (invalid UTF-8 is repaired, never rejected).
    case software(String)
    /// Any other attribute, value bytes without padding.
    case unknown(type: STUNAttributeType, value: [UInt8])

    /// The attribute's type on the wire.
    public var type: STUNAttributeType {
        switch self {
        case .mappedAddress: .mappedAddress
        case .xorMappedAddress: .xorMappedAddress
        case .username: .username
        case .messageIntegrity: .messageIntegrity
        case .fingerprint: .fingerprint
        case .errorCode: .errorCode
        case .priority: .priority
        case .useCandidate: .useCandidate
        case .iceControlled: .iceControlled
        case .iceControlling: .iceControlling
        case .software: .software
        case .unknown(let type, _): type
        }
    }
}
