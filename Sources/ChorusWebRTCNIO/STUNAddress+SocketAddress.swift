import ChorusWebRTC
import NIOCore

extension STUNAddress {
    /// The STUN form of a socket address; nil for a Unix-domain address.
    public init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            let host = UInt32(bigEndian: v4.address.sin_addr.s_addr)
            self.init(host: .ipv4(host), port: UInt16(address.port ?? 0))
        case .v6(let v6):
            var bytes = v6.address.sin6_addr
            let (high, low) = withUnsafeBytes(of: &bytes) { raw -> (UInt64, UInt64) in
                var high: UInt64 = 0
                var low: UInt64 = 0
                for i in 0..<8 { high = high << 8 | UInt64(raw[i]) }
                for i in 8..<16 { low = low << 8 | UInt64(raw[i]) }
                return (high, low)
            }
            self.init(host: .ipv6(high: high, low: low), port: UInt16(address.port ?? 0))
        case .unixDomainSocket:
            return nil
        }
    }

    /// The socket address this names.
    public var socketAddress: SocketAddress? {
        switch self.host {
        case .ipv4(let host):
            let text = [24, 16, 8, 0].map { String((host >> UInt32($0)) & 0xFF) }.joined(separator: ".")
            return try? SocketAddress(ipAddress: text, port: Int(self.port))
        case .ipv6(let high, let low):
            let groups = (0..<8).map { index in
                String(UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> UInt64(48 - 16 * (index % 4))), radix: 16)
            }
            return try? SocketAddress(ipAddress: groups.joined(separator: ":"), port: Int(self.port))
        }
    }
}
