/// One connectivity check in flight (a STUN client transaction, RFC 8489 §6.2.1): retransmitted with a doubling
/// timeout until it is answered or gives up.
struct ICETransaction {
    /// Pairs the response with the request.
    let id: STUNTransactionID
    /// Index of the pair it checks.
    let pair: Int
    /// Whether the request carried USE-CANDIDATE.
    let nominating: Bool
    /// Whether the request carried ICE-CONTROLLING (else ICE-CONTROLLED): a 487 flips us away from that role.
    let sentAsControlling: Bool
    /// The request, as retransmitted.
    let bytes: [UInt8]
    /// The remote candidate's address; the response must come from it (RFC 8445 §7.2.5.2.1).
    let destination: STUNAddress
    /// When the transaction gives up whatever happens: after the last retransmission's doubled timeout.
    let finalDeadlineNs: UInt64
    /// Requests sent so far.
    var transmissions = 1
    /// The timeout after the latest transmission.
    var rtoNs: UInt64
    /// When the next retransmission is due, or the final deadline once there is none.
    var deadlineNs: UInt64
    /// False once a triggered check replaced it (RFC 8445 §7.3.1.4 cancellation): no more retransmissions and no
    /// failure on timeout, but a late response still counts.
    var retransmitting = true
}
