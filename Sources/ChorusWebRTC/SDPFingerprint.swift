/// A certificate fingerprint from `a=fingerprint:<hash> <hex bytes>` (RFC 8122 §5): the far end's DTLS certificate
/// must hash to `bytes` under `algorithm`, or the handshake is someone else's.
public struct SDPFingerprint: Sendable, Hashable {
    /// The hash function's name in lower case as SDP writes it: `sha-256`, `sha-1`, ….
    public var algorithm: String
    /// The digest, one element per byte.
    public var bytes: [UInt8]

    /// Digest lengths of the hash functions a DTLS stack can check (RFC 8122's hash-func list, without MD2 and MD5,
    /// which RFC 8122 says not to use).
    public static let digestLengths: [String: Int] = [
        "sha-1": 20, "sha-224": 28, "sha-256": 32, "sha-384": 48, "sha-512": 64,
    ]

    /// A fingerprint of `bytes` under `algorithm` (lower-cased here).
    public init(algorithm: String, bytes: [UInt8]) {
        self.algorithm = algorithm.lowercased()
        self.bytes = bytes
    }

    /// True when `algorithm` is one of `digestLengths` and `bytes` has that hash's length.
    public var isUsable: Bool {
        Self.digestLengths[self.algorithm] == self.bytes.count
    }

    /// The attribute's value: `sha-256 AB:CD:…` with upper-case hex, as RFC 8122 writes it.
    public var attributeValue: String {
        self.algorithm + " " + self.hexBytes
    }

    /// The digest as upper-case hex pairs joined by colons.
    public var hexBytes: String {
        let digits: [Character] = Array("0123456789ABCDEF")
        var text = ""
        text.reserveCapacity(self.bytes.count * 3)
        for (i, byte) in self.bytes.enumerated() {
            if i > 0 { text.append(":") }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// Reads an attribute value such as `sha-256 AB:CD:…` (either case, extra spaces allowed).
    ///
    /// Returns nil when there is no hash name, no hex, or a group that is not exactly two hex digits. A known hash
    /// with the wrong number of bytes still parses; `isUsable` tells it apart.
    public static func parse(_ value: some StringProtocol) -> SDPFingerprint? {
        let words = SDPSyntax.words(Substring(value))
        guard words.count == 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for group in words[1].split(separator: ":", omittingEmptySubsequences: false) {
            guard group.utf8.count == 2, group.allSatisfy(\.isHexDigit), let byte = UInt8(group, radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return SDPFingerprint(algorithm: String(words[0]), bytes: bytes)
    }
}
