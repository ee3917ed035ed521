/// ICE username fragment and password (RFC 8445 §5.3: ufrag ≥ 4 ice-chars, password ≥ 22 ice-chars; ice-char =
/// ALPHA / DIGIT / "+" / "/").
///
/// An agent's own credentials key the MESSAGE-INTEGRITY of the responses it sends and of the requests it checks; the
/// peer's key the requests it sends. Connectivity checks carry USERNAME "<receiver ufrag>:<sender ufrag>".
public struct ICECredentials: Sendable, Hashable {
    /// The 64 ice-chars, so that a random byte's low 6 bits pick one without bias.
    static let iceChars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The username fragment (`a=ice-ufrag`).
    public var ufrag: String
    /// The password (`a=ice-pwd`).
    public var password: String

    /// Credentials as given; `isValid` says whether they meet RFC 8445 §5.3.
    public init(ufrag: String, password: String) {
        self.ufrag = ufrag
        self.password = password
    }

    /// Fresh credentials from the system's cryptographic generator: an 8-character ufrag (48 random bits) and a
    /// 24-character password (144 random bits, above RFC 8445's 128).
    public static func random() -> ICECredentials {
        var generator = SystemRandomNumberGenerator()
        return Self.random(using: &generator)
    }

    /// Fresh credentials (8-character ufrag, 24-character password) from `generator`; use a cryptographic one
    /// outside tests.
    public static func random(using generator: inout some RandomNumberGenerator) -> ICECredentials {
        ICECredentials(
            ufrag: Self.randomICEChars(count: 8, using: &generator),
            password: Self.randomICEChars(count: 24, using: &generator)
        )
    }

    /// Whether the ufrag has 4–256 ice-chars and the password 22–256 (RFC 8839 §5.4), as an SDP offer requires.
    public var isValid: Bool {
        Self.isICEText(self.ufrag, lengths: 4...256) && Self.isICEText(self.password, lengths: 22...256)
    }

    private static func isICEText(_ text: String, lengths: ClosedRange<Int>) -> Bool {
        lengths.contains(text.utf8.count) && text.utf8.allSatisfy { Self.iceChars.contains($0) }
    }

    private static func randomICEChars(count: Int, using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        var bits: UInt64 = 0
        for index in 0..<count {
            if index % 10 == 0 { bits = generator.next() }  // ten 6-bit picks per 64 random bits
            bytes.append(Self.iceChars[Int(bits & 0x3F)])
            bits >>= 6
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
