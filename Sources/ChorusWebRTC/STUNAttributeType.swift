/// The 16-bit type of a STUN attribute, with the types ICE uses named (RFC 8489 §18.3, RFC 8445 §16.1).
public struct STUNAttributeType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// MAPPED-ADDRESS (0x0001): the reflexive address, not XORed (RFC 3489 servers).
    public static let mappedAddress = STUNAttributeType(rawValue: 0x0001)
    /// USERNAME (0x0006): in ICE, "<receiver ufrag>:<sender ufrag>".
    public static let username = STUNAttributeType(rawValue: 0x0006)
    /// MESSAGE-INTEGRITY (0x0008): HMAC-SHA1 over the message before it.
    public static let messageIntegrity = STUNAttributeType(rawValue: 0x0008)
    /// ERROR-CODE (0x0009).
    public static let errorCode = STUNAttributeType(rawValue: 0x0009)
    /// MESSAGE-INTEGRITY-SHA256 (0x001C): may follow MESSAGE-INTEGRITY (RFC 8489 §14.6); kept raw.
    public static let messageIntegritySHA256 = STUNAttributeType(rawValue: 0x001C)
    /// XOR-MAPPED-ADDRESS (0x0020): the reflexive address XORed with the cookie and transaction id.
    public static let xorMappedAddress = STUNAttributeType(rawValue: 0x0020)
    /// PRIORITY (0x0024): the priority a peer-reflexive candidate learnt from this check would get.
    public static let priority = STUNAttributeType(rawValue: 0x0024)
    /// USE-CANDIDATE (0x0025): the controlling agent nominates this pair.
    public static let useCandidate = STUNAttributeType(rawValue: 0x0025)
    /// SOFTWARE (0x8022): the sender's software, for people.
    public static let software = STUNAttributeType(rawValue: 0x8022)
    /// FINGERPRINT (0x8028): CRC-32 of the message before it, XOR 0x5354554E; always last.
    public static let fingerprint = STUNAttributeType(rawValue: 0x8028)
    /// ICE-CONTROLLED (0x8029): the sender is the controlled agent; carries its tie-breaker.
    public static let iceControlled = STUNAttributeType(rawValue: 0x8029)
    /// ICE-CONTROLLING (0x802A): the sender is the controlling agent; carries its tie-breaker.
    public static let iceControlling = STUNAttributeType(rawValue: 0x802A)

    /// The type's value on the wire.
    public var rawValue: UInt16

    /// The type `rawValue`.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Whether an agent that does not understand the attribute must reject the message (types below 0x8000).
    public var isComprehensionRequired: Bool { self.rawValue < 0x8000 }

    /// The registered name of the types above, or nil.
    public var name: String? {
        switch self {
        case .mappedAddress: "MAPPED-ADDRESS"
        case .username: "USERNAME"
        case .messageIntegrity: "MESSAGE-INTEGRITY"
        case .errorCode: "ERROR-CODE"
        case .messageIntegritySHA256: "MESSAGE-INTEGRITY-SHA256"
        case .xorMappedAddress: "XOR-MAPPED-ADDRESS"
        case .priority: "PRIORITY"
        case .useCandidate: "USE-CANDIDATE"
        case .software: "SOFTWARE"
        case .fingerprint: "FINGERPRINT"
        case .iceControlled: "ICE-CONTROLLED"
        case .iceControlling: "ICE-CONTROLLING"
        default: nil
        }
    }

    /// "0x0006 (USERNAME)", or "0x4001" for a type without a name here.
    public var description: String {
        let hex = String(self.rawValue, radix: 16)
        let number = "0x" + String(repeating: "0", count: 4 - hex.count) + hex
        return self.name.map { "\(number) (\($0))" } ?? number
    }
}
