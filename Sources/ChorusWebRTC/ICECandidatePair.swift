/// A local candidate and a remote one of the same address family, with its checklist state (RFC 8445 §6.1.2).
struct ICECandidatePair {
    /// RFC 8445 §6.1.2.6's candidate pair states.
    enum State: Equatable {
        /// Waits until a check of a pair with the same foundation has succeeded (or nothing else is left).
        case frozen
        /// Ready for an ordinary check.
        case waiting
        /// A check is outstanding.
        case inProgress
        /// A check got an authenticated success response from where it was sent (the pair is valid).
        case succeeded
        /// Checks got no answer, an error, or an answer from elsewhere.
        case failed
    }

    /// Index into the agent's local candidates.
    let local: Int
    /// Index into the agent's remote candidates.
    let remote: Int
    /// RFC 8445 §6.1.2.3; recomputed when the agent's role changes.
    var priority: UInt64
    /// The pair's foundation: the local and remote foundations joined.
    var foundation: String
    /// Where the pair is in the checklist.
    var state: State = .waiting
    /// Whether a check has been sent on it.
    var tried = false
    /// Controlled role: a check carrying USE-CANDIDATE came in on this pair.
    var nominatedByPeer = false
    /// When its last check succeeded, the start of consent once it is selected.
    var succeededNs: UInt64 = 0

    /// The pair priority of RFC 8445 §6.1.2.3: `2^32 · min(G, D) + 2 · max(G, D) + (G > D ? 1 : 0)`, where G is
    /// the controlling agent's candidate priority and D the controlled agent's.
    ///
    /// Priorities come from the peer (SDP, PRIORITY), so any 32-bit values must work: RFC 8445's stay below 2^31,
    /// where the sum fits; above that it wraps rather than traps.
    static func priority(controlling g: UInt32, controlled d: UInt32) -> UInt64 {
        (UInt64(min(g, d)) << 32) &+ 2 &* UInt64(max(g, d)) &+ (g > d ? 1 : 0)
    }
}
