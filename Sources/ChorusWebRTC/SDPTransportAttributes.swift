/// The ICE and DTLS attributes that may sit at session level or in a media section (RFC 8839 §5, RFC 8122 §5,
/// RFC 4145 §4). A media section's own values override the session's; `inheriting(from:)` merges the two levels.
public struct SDPTransportAttributes: Sendable, Hashable {
    /// `a=ice-ufrag`: the username fragment the far end's STUN checks carry.
    public var iceUfrag: String?
    /// `a=ice-pwd`: the key that signs STUN checks to the far end (MESSAGE-INTEGRITY).
    public var icePassword: String?
    /// `a=ice-options` tokens, such as `trickle` and `ice2`.
    public var iceOptions: [String] = []
    /// `a=ice-lite`: the far end only answers checks (RFC 8445 §2.5), so a full agent must control and nominate.
    public var iceLite = false
    /// Every readable `a=fingerprint`, in the order written.
    public var fingerprints: [SDPFingerprint] = []
    /// The values of `a=fingerprint` lines that could not be read as a hash name and hex bytes.
    public var unreadableFingerprints: [String] = []
    /// The `a=setup` value in lower case, as written (an unknown value is kept so an error can quote it).
    public var setupValue: String?
    /// `a=end-of-candidates`: no more candidates will be trickled.
    public var endOfCandidates = false

    /// No attributes yet.
    public init() {}

    /// `setupValue` as a known role, or nil when absent or unknown.
    public var setup: SDPSetup? {
        self.setupValue.flatMap(SDPSetup.init(rawValue:))
    }

    /// True when `a=ice-options` includes `trickle`: candidates may follow the description (RFC 8838).
    public var trickles: Bool {
        self.iceOptions.contains("trickle")
    }

    /// These attributes as a media section's, with any the section leaves out taken from the session's.
    public func inheriting(from session: SDPTransportAttributes) -> SDPTransportAttributes {
        var merged = self
        merged.iceUfrag = self.iceUfrag ?? session.iceUfrag
        merged.icePassword = self.icePassword ?? session.icePassword
        if self.iceOptions.isEmpty { merged.iceOptions = session.iceOptions }
        merged.iceLite = self.iceLite || session.iceLite
        if self.fingerprints.isEmpty && self.unreadableFingerprints.isEmpty {
            merged.fingerprints = session.fingerprints
            merged.unreadableFingerprints = session.unreadableFingerprints
        }
        merged.setupValue = self.setupValue ?? session.setupValue
        merged.endOfCandidates = self.endOfCandidates || session.endOfCandidates
        return merged
    }

    /// Records the attribute if it is one of these; returns false for any other name.
    /// - Parameters:
    ///   - name: the attribute name, lower-cased.
    ///   - value: the trimmed value, if the line had a colon.
    mutating func record(name: String, value: Substring?) -> Bool {
        switch name {
        case "ice-ufrag": self.iceUfrag = value.map(String.init)
        case "ice-pwd": self.icePassword = value.map(String.init)
        case "ice-options": self.iceOptions = value.map { SDPSyntax.words($0).map { $0.lowercased() } } ?? []
        case "ice-lite": self.iceLite = true
        case "fingerprint":
            if let value, let fingerprint = SDPFingerprint.parse(value) {
                self.fingerprints.append(fingerprint)
            } else {
                self.unreadableFingerprints.append(value.map(String.init) ?? "")
            }
        case "setup": self.setupValue = value.map { $0.lowercased() } ?? ""
        case "end-of-candidates": self.endOfCandidates = true
        default: return false
        }
        return true
    }
}
