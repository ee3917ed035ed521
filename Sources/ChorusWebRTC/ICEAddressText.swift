/// IP address literals as candidate lines write them: reading IPv4 and IPv6 text into a `STUNAddress.Host`, and
/// writing a host back for our own candidates.
enum ICEAddressText {
    /// What a candidate's address field holds.
    enum Parsed: Equatable {
        /// An IPv4 or IPv6 literal.
        case host(STUNAddress.Host)
        /// An mDNS name (`….local`, draft-ietf-mmusic-mdns-ice-candidates): we do not resolve them.
        case mDNS
        /// Anything else: a host name, a zoned IPv6 address, garbage.
        case unusable
    }

    /// Reads `text` as a dotted-quad IPv4 address or an RFC 4291 §2.2 IPv6 address (with `::` and a trailing dotted
    /// quad allowed, no zone); never traps.
    static func parse(_ text: String) -> Parsed {
        let bytes = Array(text.utf8)
        if let ipv4 = Self.ipv4(bytes[...]) { return .host(.ipv4(ipv4)) }
        if let (high, low) = Self.ipv6(bytes) { return .host(.ipv6(high: high, low: low)) }
        var name = text.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name.hasSuffix(".local") && name.count > 6 ? .mDNS : .unusable
    }

    /// "192.0.2.1" or "2001:db8::1" (RFC 5952 form).
    static func text(_ host: STUNAddress.Host) -> String {
        switch host {
        case .ipv4(let address):
            return [24, 16, 8, 0].map { String((address >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .ipv6:
            // STUNAddress already writes RFC 5952 text, as "[text]:port".
            let bracketed = STUNAddress(host: host, port: 0).description
            return String(bracketed.dropFirst().prefix { $0 != "]" })
        }
    }

    private static func ipv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var address: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(Self.isDigit) else { return nil }
            let value = part.reduce(0) { $0 * 10 + UInt32($1 - UInt8(ascii: "0")) }
            guard value <= 255 else { return nil }
            address = address << 8 | value
        }
        return address
    }

    private static func ipv6(_ bytes: [UInt8]) -> (UInt64, UInt64)? {
        guard bytes.count >= 2, bytes.count <= 45 else { return nil }
        // Split at the one "::", if any; each side is a list of groups.
        var gap: Int? = nil
        for index in 0..<(bytes.count - 1)
        where bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: ":") {
            guard gap == nil else { return nil }
            gap = index
        }
        let head: [UInt16]
        let tail: [UInt16]
        if let gap {
            guard let left = Self.groups(bytes[..<gap], last: false),
                let right = Self.groups(bytes[(gap + 2)...], last: true),
                left.count + right.count <= 7
            else { return nil }
            head = left
            tail = right
        } else {
            guard let all = Self.groups(bytes[...], last: true), all.count == 8 else { return nil }
            head = all
            tail = []
        }
        let groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        let fold = { (slice: ArraySlice<UInt16>) in slice.reduce(UInt64(0)) { $0 << 16 | UInt64($1) } }
        return (fold(groups[0..<4]), fold(groups[4..<8]))
    }

    /// The 16-bit groups of `bytes` ("1:2:ab"), empty for no bytes; with `last`, the final group may be a dotted
    /// quad, which counts as two.
    private static func groups(_ bytes: ArraySlice<UInt8>, last: Bool) -> [UInt16]? {
        guard !bytes.isEmpty else { return [] }
        let parts = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (index, part) in parts.enumerated() {
            if last, index == parts.count - 1, part.contains(UInt8(ascii: ".")) {
                guard let ipv4 = Self.ipv4(part) else { return nil }
                groups.append(UInt16(truncatingIfNeeded: ipv4 >> 16))
                groups.append(UInt16(truncatingIfNeeded: ipv4))
                continue
            }
            guard (1...4).contains(part.count) else { return nil }
            var value: UInt16 = 0
            for byte in part {
                guard let digit = Self.hexValue(byte) else { return nil }
                value = value << 4 | UInt16(digit)
            }
            groups.append(value)
        }
        return groups
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
