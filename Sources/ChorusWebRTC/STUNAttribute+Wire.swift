import ChorusCore

// Attribute values on the wire (RFC 8489 §14, RFC 8445 §16.1). The parser has already bounded `value` to the
// attribute's length inside the message, so every read below checks only the length its type requires.

extension STUNAttribute {
    /// The attribute of `type` whose value (without padding) is `value`, in a message with `transactionID`.
    static func read(
        type: STUNAttributeType,
        value: UnsafeRawBufferPointer,
        transactionID: STUNTransactionID
    ) -> Result<STUNAttribute, STUNParseError> {
        let invalidLength = Result<STUNAttribute, STUNParseError>.failure(
            .invalidAttributeLength(type: type, length: value.count)
        )
        switch type {
        case .mappedAddress:
            return Self.readAddress(type: type, value: value, xor: nil).map { .mappedAddress($0) }
        case .xorMappedAddress:
            return Self.readAddress(type: type, value: value, xor: transactionID).map { .xorMappedAddress($0) }
        case .username:
            return .success(.username(String(decoding: value, as: UTF8.self)))
        case .software:
            return .success(.software(String(decoding: value, as: UTF8.self)))
        case .messageIntegrity:
            let size = STUNMessage.integrityValueSize
            return value.count == size ? .success(.messageIntegrity(Array(value))) : invalidLength
        case .fingerprint:
            return value.count == 4 ? .success(.fingerprint(value.readUInt32(at: 0))) : invalidLength
        case .priority:
            return value.count == 4 ? .success(.priority(value.readUInt32(at: 0))) : invalidLength
        case .useCandidate:
            return value.isEmpty ? .success(.useCandidate) : invalidLength
        case .iceControlled:
            return value.count == 8 ? .success(.iceControlled(tieBreaker: value.readUInt64(at: 0))) : invalidLength
        case .iceControlling:
            return value.count == 8 ? .success(.iceControlling(tieBreaker: value.readUInt64(at: 0))) : invalidLength
        case .errorCode:
            return Self.readErrorCode(value: value)
        default:
            return .success(.unknown(type: type, value: Array(value)))
        }
    }

    // 0: reserved (ignored), 1: family, 2...3: port, then 4 or 16 address bytes. With `xor`, the port is XORed
    // with the cookie's top 16 bits, an IPv4 address with the cookie, an IPv6 one with cookie ‖ transaction id.
    private static func readAddress(
        type: STUNAttributeType,
        value: UnsafeRawBufferPointer,
        xor transactionID: STUNTransactionID?
    ) -> Result<STUNAddress, STUNParseError> {
        guard value.count >= 4 else { return .failure(.invalidAttributeLength(type: type, length: value.count)) }
        let family = value[1]
        let expectedLength: Int
        switch family {
        case STUNAddress.ipv4Family: expectedLength = 8
        case STUNAddress.ipv6Family: expectedLength = 20
        default: return .failure(.unknownAddressFamily(type: type, family: family))
        }
        guard value.count == expectedLength else {
            return .failure(.invalidAttributeLength(type: type, length: value.count))
        }
        let mask = Self.addressMask(transactionID)
        let port = value.readUInt16(at: 2) ^ UInt16(truncatingIfNeeded: mask.high >> 48)
        let host: STUNAddress.Host =
            family == STUNAddress.ipv4Family
            ? .ipv4(value.readUInt32(at: 4) ^ UInt32(truncatingIfNeeded: mask.high >> 32))
            : .ipv6(high: value.readUInt64(at: 4) ^ mask.high, low: value.readUInt64(at: 12) ^ mask.low)
        return .success(STUNAddress(host: host, port: port))
    }

    /// The 128 bits an XOR address is XORed with (cookie ‖ transaction id), or zeros for a plain address.
    private static func addressMask(_ transactionID: STUNTransactionID?) -> (high: UInt64, low: UInt64) {
        guard let id = transactionID else { return (0, 0) }
        return (UInt64(STUNMessage.magicCookie) << 32 | UInt64(id.upper), id.lower)
    }

    // 0...1: reserved, 2: 5 reserved bits and the 3-bit class, 3: number, then the UTF-8 reason.
    private static func readErrorCode(value: UnsafeRawBufferPointer) -> Result<STUNAttribute, STUNParseError> {
        guard value.count >= 4 else {
            return .failure(.invalidAttributeLength(type: .errorCode, length: value.count))
        }
        let errorClass = value[2] & 0x07
        let number = value[3]
        guard (3...6).contains(errorClass), number < 100 else {
            return .failure(.invalidErrorCode(errorClass: errorClass, number: number))
        }
        let reason = String(decoding: value.slice(4..<value.count), as: UTF8.self)
        return .success(.errorCode(STUNErrorCode(code: Int(errorClass) * 100 + Int(number), reason: reason)))
    }

    /// The attribute's size on the wire: header, value and padding.
    var encodedSize: Int { 4 + ((self.valueLength + 3) & ~3) }

    /// The value's size without padding.
    var valueLength: Int {
        switch self {
        case .mappedAddress(let address), .xorMappedAddress(let address): address.valueLength
        case .username(let text), .software(let text): text.utf8.count
        case .messageIntegrity(let mac): mac.count
        case .fingerprint, .priority: 4
        case .useCandidate: 0
        case .iceControlled, .iceControlling: 8
        case .errorCode(let error): 4 + error.reason.utf8.count
        case .unknown(_, let value): value.count
        }
    }

    /// Appends the attribute (type, length, value, then `paddingByte` up to a multiple of 4) to `buffer`.
    func write(into buffer: inout [UInt8], transactionID: STUNTransactionID, paddingByte: UInt8) {
        let length = self.valueLength
        buffer.appendUInt16(self.type.rawValue)
        buffer.appendUInt16(UInt16(truncatingIfNeeded: length))  // bounded by STUNMessage.encode
        switch self {
        case .mappedAddress(let address): Self.writeAddress(address, xor: nil, into: &buffer)
        case .xorMappedAddress(let address): Self.writeAddress(address, xor: transactionID, into: &buffer)
        case .username(let text), .software(let text): buffer.append(contentsOf: text.utf8)
        case .messageIntegrity(let mac): buffer.append(contentsOf: mac)
        case .fingerprint(let value), .priority(let value): buffer.appendUInt32(value)
        case .useCandidate: break
        case .iceControlled(let tieBreaker), .iceControlling(let tieBreaker): buffer.appendUInt64(tieBreaker)
        case .errorCode(let error):
            precondition((300...699).contains(error.code), "STUN error code \(error.code) is outside 300...699")
            buffer.appendUInt16(0)
            buffer.append(UInt8(error.errorClass))
            buffer.append(UInt8(error.number))
            buffer.append(contentsOf: error.reason.utf8)
        case .unknown(_, let value): buffer.append(contentsOf: value)
        }
        for _ in 0..<((4 - length % 4) % 4) {
            buffer.append(paddingByte)
        }
    }

    private static func writeAddress(
        _ address: STUNAddress,
        xor transactionID: STUNTransactionID?,
        into buffer: inout [UInt8]
    ) {
        let mask = Self.addressMask(transactionID)
        buffer.append(0)
        buffer.append(address.family)
        buffer.appendUInt16(address.port ^ UInt16(truncatingIfNeeded: mask.high >> 48))
        switch address.host {
        case .ipv4(let host):
            buffer.appendUInt32(host ^ UInt32(truncatingIfNeeded: mask.high >> 32))
        case .ipv6(let high, let low):
            buffer.appendUInt64(high ^ mask.high)
            buffer.appendUInt64(low ^ mask.low)
        }
    }
}
