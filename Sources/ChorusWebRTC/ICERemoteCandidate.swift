/// A peer's candidate that checks can go to: signalled in SDP or trickled, or peer-reflexive (learnt from a check
/// that came from an address nobody signalled, RFC 8445 §7.3.1.3).
struct ICERemoteCandidate {
    /// Where checks and media go.
    var address: STUNAddress
    /// Its candidate priority: as signalled, or the PRIORITY of the request it was learnt from.
    var priority: UInt32
    /// Host, server reflexive, relayed, or peer reflexive.
    var kind: SDPCandidate.Kind
    /// Its foundation as signalled; "prflx<n>" for a learnt one.
    var foundation: String

    /// The candidate as an SDP line would carry it.
    var sdpCandidate: SDPCandidate {
        SDPCandidate(
            foundation: self.foundation,
            component: 1,
            transport: "udp",
            priority: self.priority,
            address: ICEAddressText.text(self.address.host),
            port: Int(self.address.port),
            kind: self.kind
        )
    }
}
