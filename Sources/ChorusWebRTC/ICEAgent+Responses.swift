// Completing checks (RFC 8445 §7.2.5): authentic answers from where the check went make the pair succeed, 487
// flips our role and retries, other errors and silence fail the pair.

extension ICEAgent {
    /// A Binding success or error response from `source`.
    func handleResponse(
        _ message: STUNMessage,
        datagram: UnsafeRawBufferPointer,
        from source: STUNAddress,
        nowNs: UInt64
    ) {
        if self.consentChecks.contains(message.transactionID) {
            self.handleConsentResponse(message, datagram: datagram, from: source, nowNs: nowNs)
            return
        }
        guard let index = self.transactions.firstIndex(where: { $0.id == message.transactionID }) else {
            self.droppedUnmatched += 1
            return
        }
        let error = message.type.messageClass == .errorResponse ? message.errorCode : nil
        guard STUNMessage.verifyIntegrity(bytes: datagram, key: self.remoteKey) else {
            // RFC 8489 §9.1.3: a peer that could not authenticate the request answers 400 or 401 without
            // MESSAGE-INTEGRITY; that still ends the check (and says why in the failure reason).
            if let error, error.code == 400 || error.code == 401 {
                let transaction = self.transactions.remove(at: index)
                self.pairFailed(transaction.pair, error: "\(error) from \(source)")
            } else {
                self.droppedUnverified += 1
            }
            return
        }
        let transaction = self.transactions.remove(at: index)
        // RFC 8445 §7.2.5.2.1: an answer from elsewhere than where the check went means the path is not symmetric.
        guard source == transaction.destination else {
            self.pairFailed(
                transaction.pair,
                error: "answer to a check sent to \(transaction.destination) came from \(source)"
            )
            return
        }
        if message.type.messageClass == .successResponse {
            let nominating = transaction.nominating && self.role == .controlling
            self.pairSucceeded(transaction.pair, nominating: nominating, nowNs: nowNs)
            return
        }
        guard let error, error.code == STUNErrorCode.roleConflict.code else {
            self.pairFailed(
                transaction.pair,
                error: "\(message.errorCode.map(String.init(describing:)) ?? "error response") from \(source)"
            )
            return
        }
        // RFC 8445 §7.2.5.1: take the other role than the one the check claimed (unless already done), and check
        // the pair again.
        self.switchRole(to: transaction.sentAsControlling ? .controlled : .controlling)
        if self.pairs[transaction.pair].state != .succeeded { self.pairs[transaction.pair].state = .waiting }
        self.enqueueTriggered(transaction.pair, nominating: transaction.nominating && self.role == .controlling)
    }
}
