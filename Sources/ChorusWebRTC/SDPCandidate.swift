/// One ICE candidate as SDP carries it (RFC 8839 §5.1):
/// `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> [raddr <a>] [rport <p>] …`.
public struct SDPCandidate: Sendable, Hashable {
    /// How the candidate's address was found (RFC 8445 §5.1.1).
    public enum Kind: String, Sendable, Hashable {
        /// An address of a local interface.
        case host
        /// The address a STUN server saw (server reflexive).
        case srflx
        /// An address learnt from a connectivity check (peer reflexive).
        case prflx
        /// An address on a TURN relay.
        case relay
    }

    /// Groups candidates that share a base and server (1 to 32 ice-chars).
    public var foundation: String
    /// 1 for RTP; 2 for RTCP when it is not multiplexed (never for us: we offer rtcp-mux).
    public var component: Int
    /// The transport in lower case: `udp`, or `tcp` for RFC 6544 candidates.
    public var transport: String
    /// The candidate's priority (RFC 8445 §5.1.2); higher is tried first.
    public var priority: UInt32
    /// An IPv4 or IPv6 address, or an mDNS name such as `….local`.
    public var address: String
    /// The UDP or TCP port, 0...65535.
    public var port: Int
    /// Host, server reflexive, peer reflexive or relayed.
    public var kind: Kind
    /// `raddr`: the base a reflexive or relayed candidate was derived from, when given.
    public var relatedAddress: String?
    /// `rport`: the port of `relatedAddress`, when given.
    public var relatedPort: Int?

    /// RFC 8445 §5.1.2.2's recommended type preference for host candidates.
    public static let hostTypePreference: UInt32 = 126
    /// The local preference of a host with one address (RFC 8445 §5.1.2.1: 65535 when there is no choice to make).
    public static let soleLocalPreference: UInt32 = 65535

    /// A candidate with every field given.
    public init(
        foundation: String,
        component: Int,
        transport: String,
        priority: UInt32,
        address: String,
        port: Int,
        kind: Kind,
        relatedAddress: String? = nil,
        relatedPort: Int? = nil
    ) {
        self.foundation = foundation
        self.component = component
        self.transport = transport.lowercased()
        self.priority = priority
        self.address = address
        self.port = port
        self.kind = kind
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
    }

    /// A UDP host candidate with the priority RFC 8445 recommends for it.
    /// - Parameters:
    ///   - foundation: 1 to 32 ice-chars; candidates on the same interface share one.
    ///   - address: the local address the caller's socket is bound to.
    ///   - port: the socket's port.
    ///   - component: 1 (RTP, and RTCP too with rtcp-mux).
    ///   - localPreference: 65535 for a host with one address; lower ones rank other interfaces below it.
    public static func host(
        foundation: String,
        address: String,
        port: Int,
        component: Int = 1,
        localPreference: UInt32 = SDPCandidate.soleLocalPreference
    ) -> SDPCandidate {
        SDPCandidate(
            foundation: foundation,
            component: component,
            transport: "udp",
            priority: Self.priority(
                typePreference: Self.hostTypePreference,
                localPreference: localPreference,
                component: component
            ),
            address: address,
            port: port,
            kind: .host
        )
    }

    /// The candidate priority of RFC 8445 §5.1.2.1: `2^24 · type preference + 2^8 · local preference + (256 −
    /// component)`.
    ///
    /// Arguments are clamped to the RFC's ranges (type preference 0...126, local preference 0...65535, component
    /// 1...256), so any input gives a valid priority. A host candidate for component 1 with local preference 65535
    /// is 2 130 706 431.
    public static func priority(
        typePreference: UInt32 = SDPCandidate.hostTypePreference,
        localPreference: UInt32 = SDPCandidate.soleLocalPreference,
        component: Int = 1
    ) -> UInt32 {
        let type = min(typePreference, 126)
        let local = min(localPreference, 65535)
        let componentID = UInt32(min(max(component, 1), 256))
        return (type << 24) | (local << 8) | (256 - componentID)
    }

    /// The attribute's value, without `a=`: `<foundation> 1 udp <priority> <address> <port> typ host …`.
    public var attributeValue: String {
        var text = "\(self.foundation) \(self.component) \(self.transport) \(self.priority) \(self.address) "
        text += "\(self.port) typ \(self.kind.rawValue)"
        if let relatedAddress = self.relatedAddress { text += " raddr \(relatedAddress)" }
        if let relatedPort = self.relatedPort { text += " rport \(relatedPort)" }
        return text
    }

    /// True when every field can be written into one SDP line and read back as the same value.
    var isWritable: Bool {
        (1...32).contains(self.foundation.count) && self.foundation.allSatisfy(SDPSyntax.isICEChar)
            && (1...256).contains(self.component) && SDPSyntax.isToken(self.transport)
            && SDPSyntax.isToken(self.address) && (0...65535).contains(self.port)
            && (self.relatedAddress.map { SDPSyntax.isToken($0) } ?? true)
            && (self.relatedPort.map { (0...65535).contains($0) } ?? true)
    }

    /// Reads a candidate from an attribute value, with or without a leading `candidate:` (trickled candidates
    /// arrive as `candidate:…` strings).
    ///
    /// Returns nil when a required field is missing or out of range (component outside 1...256, a priority that
    /// does not fit 32 bits, a port above 65535, an unknown type). Extension pairs after the type (`generation 0`,
    /// `network-id 1`, `tcptype active`, …) are skipped.
    public static func parse(_ value: some StringProtocol) -> SDPCandidate? {
        var text = SDPSyntax.trimmed(Substring(value))
        if text.hasPrefix("a=") { text = text.dropFirst(2) }
        if text.lowercased().hasPrefix("candidate:") { text = text.dropFirst("candidate:".count) }
        let words = SDPSyntax.words(text)
        guard words.count >= 8, words[6].lowercased() == "typ",
            let component = Int(words[1]), (1...256).contains(component),
            let priority = UInt32(words[3]),
            let port = Int(words[5]), (0...65535).contains(port),
            let kind = Kind(rawValue: words[7].lowercased())
        else { return nil }
        var candidate = SDPCandidate(
            foundation: String(words[0]),
            component: component,
            transport: String(words[2]),
            priority: priority,
            address: String(words[4]),
            port: port,
            kind: kind
        )
        var i = 8
        while i + 1 < words.count {
            switch words[i].lowercased() {
            case "raddr": candidate.relatedAddress = String(words[i + 1])
            case "rport": candidate.relatedPort = Int(words[i + 1]).flatMap { (0...65535).contains($0) ? $0 : nil }
            default: break
            }
            i += 2
        }
        return candidate
    }
}
