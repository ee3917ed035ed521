// Answering the peer's checks (RFC 8445 §7.3): role conflicts, peer-reflexive candidates, triggered checks and the
// controlled agent's nomination.

extension ICEAgent {
    /// A Binding request from `source`: verify, settle roles, answer, then learn from it.
    func handleRequest(
        _ message: STUNMessage,
        datagram: UnsafeRawBufferPointer,
        from source: STUNAddress,
        nowNs: UInt64
    ) {
        let outcome = ICERequestCheck.check(
            message,
            datagram: datagram,
            local: self.local,
            localKey: self.localKey,
            remoteUfrag: self.remote.ufrag
        )
        if case .reject(let response, let unverified) = outcome {
            if unverified { self.droppedUnverified += 1 }
            self.send(response, to: source)
            return
        }
        // RFC 8445 §7.3: PRIORITY is required; without it a peer-reflexive candidate has no priority.
        guard let priority = message.priority else {
            self.send(ICERequestCheck.errorResponse(to: message, error: .badRequest, key: self.localKey), to: source)
            return
        }
        guard self.settleRoleConflict(message) else {
            self.send(ICERequestCheck.errorResponse(to: message, error: .roleConflict, key: self.localKey), to: source)
            return
        }
        self.send(ICERequestCheck.successResponse(to: message, source: source, key: self.localKey), to: source)
        guard self.state == .new || self.state == .checking else { return }
        if !self.remotes.contains(where: { $0.address == source }) {
            self.learnPeerReflexive(source, priority: priority)
        }
        guard let index = self.pairIndex(remote: source) else { return }
        let nominated = self.role == .controlled && message.useCandidate
        if nominated { self.pairs[index].nominatedByPeer = true }
        switch self.pairs[index].state {
        case .succeeded:
            // RFC 8445 §7.3.1.5: a nomination on a valid pair selects it.
            if nominated, self.state == .checking { self.select(index, nowNs: nowNs) }
        case .inProgress:
            for transaction in self.transactions.indices where self.transactions[transaction].pair == index {
                self.cancel(transaction)
            }
            self.enqueueTriggered(index)
        case .waiting, .frozen, .failed:
            self.pairs[index].state = .waiting
            self.enqueueTriggered(index)
        }
    }

    /// RFC 8445 §7.3.1.1: whether to go on with a request (switching role if the peer's tie-breaker wins), or
    /// answer it 487 because ours does.
    func settleRoleConflict(_ message: STUNMessage) -> Bool {
        switch self.role {
        case .controlling:
            guard let theirs = message.iceControlling else { return true }
            if self.tieBreaker >= theirs { return false }
            self.switchRole(to: .controlled)
            return true
        case .controlled:
            guard let theirs = message.iceControlled else { return true }
            if self.tieBreaker >= theirs {
                self.switchRole(to: .controlling)
                return true
            }
            return false
        }
    }

    /// RFC 8445 §7.3.1.3: a check from an address nobody signalled is a peer-reflexive candidate with the
    /// request's PRIORITY.
    func learnPeerReflexive(_ address: STUNAddress, priority: UInt32) {
        let learnt = self.remotes.count { $0.kind == .prflx } + 1
        self.addRemote(
            ICERemoteCandidate(address: address, priority: priority, kind: .prflx, foundation: "prflx\(learnt)")
        )
    }
}
