/// A STUN message (RFC 8489 §5): a type, a 96-bit transaction id and attributes, as ICE's connectivity checks
/// use it (RFC 8445 §7).
///
/// ```
///  0                   1                   2                   3
/// |0 0|     STUN Message Type     |         Message Length        |
/// |                   Magic Cookie = 0x2112A442                   |
/// |                  Transaction ID (96 bits)                     |
/// |    Type                       |            Length             |   each attribute, value
/// |    Value (padded to a multiple of 4 bytes) ...                    padded to 4 bytes
/// ```
///
/// `parse(_:)` reads one from a datagram, `encode(integrityKey:fingerprint:paddingByte:)` writes one with
/// MESSAGE-INTEGRITY and FINGERPRINT computed last, and `verifyIntegrity(bytes:key:)` and
/// `verifyFingerprint(bytes:)` check a received datagram's bytes as they arrived.
public struct STUNMessage: Sendable, Hashable {
    /// The fixed value in bytes 4...7 of every RFC 5389/8489 message.
    public static let magicCookie: UInt32 = 0x2112_A442
    /// Bytes in the header.
    public static let headerSize = 20
    /// What FINGERPRINT's CRC-32 is XORed with ("STUN" in ASCII), so it differs from other protocols' CRCs.
    public static let fingerprintXOR: UInt32 = 0x5354_554E
    /// Bytes in a MESSAGE-INTEGRITY value (an HMAC-SHA1).
    static let integrityValueSize = 20

    /// The class and method.
    public var type: STUNMessageType
    /// The id pairing a response with its request.
    public var transactionID: STUNTransactionID
    /// The attributes in wire order.
    public var attributes: [STUNAttribute]

    /// A message of `type` with `transactionID` and `attributes` (MESSAGE-INTEGRITY and FINGERPRINT among them
    /// are ignored when encoding: the encoder adds its own).
    public init(type: STUNMessageType, transactionID: STUNTransactionID, attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    // MARK: - Typed accessors (the first attribute of each type)

    /// USERNAME.
    public var username: String? {
        self.first { if case .username(let value) = $0 { return value } else { return nil } }
    }

    /// SOFTWARE.
    public var software: String? {
        self.first { if case .software(let value) = $0 { return value } else { return nil } }
    }

    /// PRIORITY.
    public var priority: UInt32? {
        self.first { if case .priority(let value) = $0 { return value } else { return nil } }
    }

    /// Whether USE-CANDIDATE is present.
    public var useCandidate: Bool {
        self.attributes.contains(.useCandidate)
    }

    /// ICE-CONTROLLING's tie-breaker.
    public var iceControlling: UInt64? {
        self.first { if case .iceControlling(let value) = $0 { return value } else { return nil } }
    }

    /// ICE-CONTROLLED's tie-breaker.
    public var iceControlled: UInt64? {
        self.first { if case .iceControlled(let value) = $0 { return value } else { return nil } }
    }

    /// XOR-MAPPED-ADDRESS, un-XORed.
    public var xorMappedAddress: STUNAddress? {
        self.first { if case .xorMappedAddress(let value) = $0 { return value } else { return nil } }
    }

    /// MAPPED-ADDRESS.
    public var mappedAddress: STUNAddress? {
        self.first { if case .mappedAddress(let value) = $0 { return value } else { return nil } }
    }

    /// ERROR-CODE.
    public var errorCode: STUNErrorCode? {
        self.first { if case .errorCode(let value) = $0 { return value } else { return nil } }
    }

    /// MESSAGE-INTEGRITY's HMAC as received.
    public var messageIntegrity: [UInt8]? {
        self.first { if case .messageIntegrity(let value) = $0 { return value } else { return nil } }
    }

    /// FINGERPRINT's value as received.
    public var fingerprint: UInt32? {
        self.first { if case .fingerprint(let value) = $0 { return value } else { return nil } }
    }

    /// The first non-nil `extract(attribute)`, in wire order.
    private func first<Value>(_ extract: (STUNAttribute) -> Value?) -> Value? {
        for attribute in self.attributes {
            if let value = extract(attribute) { return value }
        }
        return nil
    }
}
