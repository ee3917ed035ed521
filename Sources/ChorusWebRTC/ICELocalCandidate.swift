/// One of an agent's host candidates: the address its socket sends from, as SDP announces it, and the PRIORITY its
/// checks carry.
struct ICELocalCandidate {
    /// The socket's address on one interface.
    var address: STUNAddress
    /// The `a=candidate` line's fields: type host, RFC 8445 §5.1.2 priority.
    var candidate: SDPCandidate
    /// The priority a peer-reflexive candidate learnt from our checks would have (RFC 8445 §7.1.1): type
    /// preference 110, same local preference and component.
    var checkPriority: UInt32

    /// RFC 8445 §5.1.2.2's recommended type preference for peer-reflexive candidates.
    static let peerReflexiveTypePreference: UInt32 = 110

    /// The host candidates for `addresses`, duplicates left out. The first address ranks highest (local
    /// preference 65535, then one less for each next one); addresses with the same IP share a foundation
    /// (RFC 8445 §5.1.1.3: same type, base IP and transport), others get their own.
    static func hosts(for addresses: [STUNAddress]) -> [ICELocalCandidate] {
        var candidates: [ICELocalCandidate] = []
        var foundations: [STUNAddress.Host: String] = [:]
        for address in addresses where !candidates.contains(where: { $0.address == address }) {
            let foundation = foundations[address.host] ?? String(foundations.count + 1)
            foundations[address.host] = foundation
            let localPreference = UInt32(max(0, 65535 - candidates.count))
            let candidate = SDPCandidate.host(
                foundation: foundation,
                address: ICEAddressText.text(address.host),
                port: Int(address.port),
                localPreference: localPreference
            )
            let checkPriority = SDPCandidate.priority(
                typePreference: Self.peerReflexiveTypePreference,
                localPreference: localPreference
            )
            candidates.append(ICELocalCandidate(address: address, candidate: candidate, checkPriority: checkPriority))
        }
        return candidates
    }
}
