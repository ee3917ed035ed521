/// The 96-bit transaction id of a STUN message (RFC 8489 §5): it pairs a response with its request.
///
/// Held as two big-endian integers, the first 4 bytes and the last 8, so that it is compared, hashed and XORed
/// into an IPv6 XOR-MAPPED-ADDRESS without touching memory.
public struct STUNTransactionID: Sendable, Hashable, CustomStringConvertible {
    /// Bytes 0...3 of the id, big-endian.
    public var upper: UInt32
    /// Bytes 4...11 of the id, big-endian.
    public var lower: UInt64

    /// The id whose bytes are `upper` then `lower`, both big-endian.
    public init(upper: UInt32, lower: UInt64) {
        self.upper = upper
        self.lower = lower
    }

    /// The id made of exactly 12 `bytes`, or nil if there are not 12.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 12 else { return nil }
        var upper: UInt32 = 0
        var lower: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 4 {
                upper = upper << 8 | UInt32(byte)
            } else {
                lower = lower << 8 | UInt64(byte)
            }
        }
        self.init(upper: upper, lower: lower)
    }

    /// A fresh id from `generator`. RFC 8489 wants ids that an off-path attacker cannot guess: use a
    /// cryptographic generator outside tests.
    public static func random(using generator: inout some RandomNumberGenerator) -> STUNTransactionID {
        STUNTransactionID(upper: UInt32.random(in: .min ... .max, using: &generator), lower: generator.next())
    }

    /// A fresh id from the system's cryptographic generator.
    public static func random() -> STUNTransactionID {
        var generator = SystemRandomNumberGenerator()
        return Self.random(using: &generator)
    }

    /// The 12 bytes as they appear on the wire.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        bytes.appendUInt32(self.upper)
        bytes.appendUInt64(self.lower)
        return bytes
    }

    /// 24 lowercase hex digits.
    public var description: String {
        self.bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
