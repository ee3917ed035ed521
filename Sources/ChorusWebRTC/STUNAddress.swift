/// A transport address in a MAPPED-ADDRESS or XOR-MAPPED-ADDRESS attribute: an IPv4 or IPv6 host and a UDP port.
///
/// Hosts are integers (an IPv6 one as its high and low 64 bits), so a parsed address costs no allocation and the
/// XOR of RFC 8489 §14.2 is two instructions.
public struct STUNAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 or IPv6 host, in host byte order.
    public enum Host: Sendable, Hashable {
        /// An IPv4 address: 192.0.2.1 is 0xC000_0201.
        case ipv4(UInt32)
        /// An IPv6 address: its first 8 bytes in `high`, its last 8 in `low`.
        case ipv6(high: UInt64, low: UInt64)
    }

    /// The family byte of an IPv4 address attribute.
    static let ipv4Family: UInt8 = 0x01
    /// The family byte of an IPv6 address attribute.
    static let ipv6Family: UInt8 = 0x02

    /// The host.
    public var host: Host
    /// The UDP port.
    public var port: UInt16

    /// The address `host`:`port`.
    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// The IPv4 address `a.b.c.d`:`port`.
    public static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) -> STUNAddress {
        let host = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
        return STUNAddress(host: .ipv4(host), port: port)
    }

    /// The attribute's family byte (0x01 IPv4, 0x02 IPv6).
    var family: UInt8 {
        switch self.host {
        case .ipv4: Self.ipv4Family
        case .ipv6: Self.ipv6Family
        }
    }

    /// The attribute value's size: 8 bytes for IPv4, 20 for IPv6.
    var valueLength: Int {
        switch self.host {
        case .ipv4: 8
        case .ipv6: 20
        }
    }

    /// "192.0.2.1:32853" or "[2001:db8::1]:32853" (IPv6 text as RFC 5952 writes it).
    public var description: String {
        switch self.host {
        case .ipv4(let address):
            let octets = [24, 16, 8, 0].map { String((address >> UInt32($0)) & 0xFF) }
            return "\(octets.joined(separator: ".")):\(self.port)"
        case .ipv6(let high, let low):
            return "[\(Self.ipv6Text(high: high, low: low))]:\(self.port)"
        }
    }

    // RFC 5952 §4: lowercase hex without leading zeros; the longest run of two or more zero groups (the first
    // of equal runs) becomes "::".
    private static func ipv6Text(high: UInt64, low: UInt64) -> String {
        let groups = (0..<8).map { index in
            UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> UInt64(48 - 16 * (index % 4)))
        }
        var best = 0..<0
        var runStart: Int? = nil
        for index in 0...8 {
            if index < 8, groups[index] == 0 {
                runStart = runStart ?? index
            } else if let start = runStart {
                if index - start > best.count, index - start >= 2 { best = start..<index }
                runStart = nil
            }
        }
        let hex = { (slice: ArraySlice<UInt16>) in slice.map { String($0, radix: 16) }.joined(separator: ":") }
        guard !best.isEmpty else { return hex(groups[...]) }
        return hex(groups[..<best.lowerBound]) + "::" + hex(groups[best.upperBound...])
    }
}
