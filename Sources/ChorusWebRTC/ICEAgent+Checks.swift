// The checklist (RFC 8445 §6.1.2–6.1.4, §7.2): forming and ordering pairs, pacing checks, retransmitting them,
// nominating, and giving up.

extension ICEAgent {
    // MARK: - Pairs

    /// Adds `remote` and pairs it with every local candidate of its address family.
    func addRemote(_ remote: ICERemoteCandidate) {
        self.remotes.append(remote)
        let remoteIndex = self.remotes.count - 1
        for (localIndex, local) in self.locals.enumerated() where Self.sameFamily(local.address, remote.address) {
            guard self.pairs.count < self.configuration.maxPairs else { return }
            let foundation = local.candidate.foundation + ":" + remote.foundation
            // A new pair waits behind one of its foundation that is still to be decided (RFC 8445 §6.1.2.6).
            let pending = self.pairs.contains {
                $0.foundation == foundation && ($0.state == .waiting || $0.state == .inProgress || $0.state == .frozen)
            }
            self.pairs.append(
                ICECandidatePair(
                    local: localIndex,
                    remote: remoteIndex,
                    priority: self.pairPriority(local: localIndex, remote: remoteIndex),
                    foundation: foundation,
                    state: pending ? .frozen : .waiting
                )
            )
        }
    }

    /// The pair of the local candidate a datagram from `address` reached (the first of its family: the socket
    /// does not say which interface) and the remote candidate at `address`.
    func pairIndex(remote address: STUNAddress) -> Int? {
        guard let remote = self.remotes.firstIndex(where: { $0.address == address }),
            let local = self.locals.firstIndex(where: { Self.sameFamily($0.address, address) })
        else { return nil }
        return self.pairs.firstIndex { $0.local == local && $0.remote == remote }
    }

    /// RFC 8445 §6.1.2.3 for our current role.
    func pairPriority(local: Int, remote: Int) -> UInt64 {
        let ours = self.locals[local].candidate.priority
        let theirs = self.remotes[remote].priority
        return self.role == .controlling
            ? ICECandidatePair.priority(controlling: ours, controlled: theirs)
            : ICECandidatePair.priority(controlling: theirs, controlled: ours)
    }

    /// Recomputes every pair's priority and foundation (after a role switch or a candidate's update).
    func recomputePairs() {
        for index in self.pairs.indices {
            let pair = self.pairs[index]
            self.pairs[index].priority = self.pairPriority(local: pair.local, remote: pair.remote)
            self.pairs[index].foundation =
                self.locals[pair.local].candidate.foundation + ":" + self.remotes[pair.remote].foundation
        }
    }

    /// RFC 8445 §6.1.2.6 at the start: per foundation, the highest-priority pair waits, the others are frozen.
    func freezeInitialPairs() {
        var seen: Set<String> = []
        for index in self.pairsByPriority()
        where self.pairs[index].state == .waiting || self.pairs[index].state == .frozen {
            self.pairs[index].state = seen.insert(self.pairs[index].foundation).inserted ? .waiting : .frozen
        }
    }

    /// Pair indices, highest priority first (ties: the older pair first).
    func pairsByPriority() -> [Int] {
        self.pairs.indices.sorted { self.pairs[$0].priority > self.pairs[$1].priority }
    }

    static func sameFamily(_ a: STUNAddress, _ b: STUNAddress) -> Bool {
        switch (a.host, b.host) {
        case (.ipv4, .ipv4), (.ipv6, .ipv6): true
        default: false
        }
    }

    // MARK: - Sending checks

    /// The checking phase at `nowNs`: connect timeout, retransmissions and timeouts, then the next paced check.
    func advanceChecks(nowNs: UInt64) {
        if nowNs >= self.connectDeadlineNs {
            self.fail(self.timeoutReason())
            return
        }
        var index = 0
        while index < self.transactions.count, self.state == .checking {
            guard nowNs >= self.transactions[index].deadlineNs else {
                index += 1
                continue
            }
            var transaction = self.transactions[index]
            if transaction.retransmitting, transaction.transmissions <= self.configuration.maxRetransmits,
                nowNs < transaction.finalDeadlineNs
            {
                transaction.transmissions += 1
                transaction.rtoNs = Self.later(transaction.rtoNs, by: transaction.rtoNs)
                transaction.deadlineNs = min(Self.later(nowNs, by: transaction.rtoNs), transaction.finalDeadlineNs)
                self.transactions[index] = transaction
                self.send(transaction.bytes, to: transaction.destination)
                index += 1
                continue
            }
            self.transactions.remove(at: index)
            if transaction.retransmitting {
                let attempts = transaction.transmissions == 1 ? "1 attempt" : "\(transaction.transmissions) attempts"
                self.pairFailed(transaction.pair, error: "no answer from \(transaction.destination) after \(attempts)")
            }
        }
        guard self.state == .checking, nowNs >= self.nextCheckNs, let check = self.nextCheck() else { return }
        self.sendCheck(pair: check.pair, nominating: check.nominating, nowNs: nowNs)
        self.nextCheckNs = Self.later(nowNs, by: self.configuration.pacingNs)
    }

    /// Whether a check is waiting for its pacing slot (RFC 8445 §6.1.4.2's steps 1–3 would find one).
    var hasCheckToSend: Bool {
        if self.triggered.contains(where: { $0.nominating || self.pairs[$0.pair].state != .succeeded }) { return true }
        return self.pairs.contains { pair in
            pair.state == .waiting || (pair.state == .frozen && !self.foundationBusy(pair.foundation))
        }
    }

    /// RFC 8445 §6.1.4.2: the head of the triggered-check queue, else the highest-priority waiting pair,
    /// unfreezing one per idle foundation when none waits.
    func nextCheck() -> (pair: Int, nominating: Bool)? {
        while !self.triggered.isEmpty {
            let entry = self.triggered.removeFirst()
            // A pair that succeeded while queued needs no more ordinary checks.
            if entry.nominating || self.pairs[entry.pair].state != .succeeded { return entry }
        }
        let ordered = self.pairsByPriority()
        if !self.pairs.contains(where: { $0.state == .waiting }) {
            for index in ordered where self.pairs[index].state == .frozen {
                if !self.foundationBusy(self.pairs[index].foundation) { self.pairs[index].state = .waiting }
            }
        }
        return ordered.first { self.pairs[$0].state == .waiting }.map { ($0, false) }
    }

    /// Whether a pair of `foundation` is waiting or being checked.
    func foundationBusy(_ foundation: String) -> Bool {
        self.pairs.contains { $0.foundation == foundation && ($0.state == .waiting || $0.state == .inProgress) }
    }

    /// Queues a triggered check on `pair` (once; a nomination upgrades a queued ordinary one).
    func enqueueTriggered(_ pair: Int, nominating: Bool = false) {
        if let queued = self.triggered.firstIndex(where: { $0.pair == pair }) {
            self.triggered[queued].nominating = self.triggered[queued].nominating || nominating
        } else {
            self.triggered.append((pair, nominating))
        }
    }

    /// The attributes of a check (or consent check) from `local`: USERNAME, PRIORITY, our role and tie-breaker.
    func checkAttributes(local: Int) -> [STUNAttribute] {
        [
            .username(self.remote.ufrag + ":" + self.local.ufrag),
            .priority(self.locals[local].checkPriority),
            self.role == .controlling
                ? .iceControlling(tieBreaker: self.tieBreaker) : .iceControlled(tieBreaker: self.tieBreaker),
        ]
    }

    /// Sends a check on `pair`, replacing (cancelling) any check still retransmitting on it.
    func sendCheck(pair index: Int, nominating: Bool, nowNs: UInt64) {
        let pair = self.pairs[index]
        for transaction in self.transactions.indices where self.transactions[transaction].pair == index {
            self.cancel(transaction)
        }
        var attributes = self.checkAttributes(local: pair.local)
        if nominating { attributes.append(.useCandidate) }
        let id = STUNTransactionID.random(using: &self.random)
        let bytes = STUNMessage(type: .bindingRequest, transactionID: id, attributes: attributes)
            .encode(integrityKey: self.remoteKey, fingerprint: true)
        let destination = self.remotes[pair.remote].address
        let rto = self.configuration.initialRetransmitNs
        // RFC 8489 §6.2.1: the last retransmission is followed by one more doubled timeout.
        let transmissions = UInt64(min(max(self.configuration.maxRetransmits, 0), 39) + 1)
        let total = rto.multipliedReportingOverflow(by: (1 << transmissions) - 1)
        let lifetime = total.overflow ? UInt64.max : total.partialValue
        self.transactions.append(
            ICETransaction(
                id: id,
                pair: index,
                nominating: nominating,
                sentAsControlling: self.role == .controlling,
                bytes: bytes,
                destination: destination,
                finalDeadlineNs: Self.later(nowNs, by: lifetime),
                rtoNs: rto,
                deadlineNs: Self.later(nowNs, by: min(rto, lifetime))
            )
        )
        if !pair.tried {
            self.pairs[index].tried = true
            self.pairsTried += 1
        }
        if pair.state != .succeeded { self.pairs[index].state = .inProgress }
        self.send(bytes, to: destination)
    }

    /// RFC 8445 §7.3.1.4's cancellation: no more retransmissions, no failure on timeout, but a late answer counts.
    func cancel(_ transaction: Int) {
        self.transactions[transaction].retransmitting = false
        self.transactions[transaction].deadlineNs = self.transactions[transaction].finalDeadlineNs
    }

    // MARK: - Results

    /// A check on `pair` succeeded at `nowNs`; `nominating` when it carried USE-CANDIDATE and we still control.
    func pairSucceeded(_ index: Int, nominating: Bool, nowNs: UInt64) {
        self.pairs[index].state = .succeeded
        self.pairs[index].succeededNs = nowNs
        // Other ordinary checks on the pair have nothing left to find out.
        self.transactions.removeAll { $0.pair == index && !$0.nominating }
        // RFC 8445 §7.2.5.3.3: pairs of the same foundation are worth checking now.
        let foundation = self.pairs[index].foundation
        for other in self.pairs.indices
        where self.pairs[other].state == .frozen && self.pairs[other].foundation == foundation {
            self.pairs[other].state = .waiting
        }
        guard self.state == .checking else { return }
        switch self.role {
        case .controlling:
            if nominating {
                self.select(index, nowNs: nowNs)
            } else if self.nominatedPair == nil {
                self.nominate(index)
            }
        case .controlled:
            if self.pairs[index].nominatedByPeer { self.select(index, nowNs: nowNs) }
        }
    }

    /// Checks on `pair` gave up or were refused with `error`.
    func pairFailed(_ index: Int, error: String) {
        self.pairs[index].state = .failed
        self.lastCheckError = error
        self.transactions.removeAll { $0.pair == index && $0.retransmitting }
        self.triggered.removeAll { $0.pair == index }
        if self.nominatedPair == index {
            self.nominatedPair = nil
            self.nominateBestValidPair()
        }
        self.failIfHopeless()
    }

    /// Regular nomination (RFC 8445 §8.1.1): a check carrying USE-CANDIDATE on a pair that succeeded.
    func nominate(_ index: Int) {
        self.nominatedPair = index
        self.enqueueTriggered(index, nominating: true)
    }

    /// Nominates the highest-priority pair that succeeded, if any (controlling, when nothing is nominated).
    func nominateBestValidPair() {
        guard self.role == .controlling, self.state == .checking, self.nominatedPair == nil,
            let best = self.pairsByPriority().first(where: { self.pairs[$0].state == .succeeded })
        else { return }
        self.nominate(best)
    }

    /// Uses `pair` from now on: reports it, stops checking and starts consent freshness.
    func select(_ index: Int, nowNs: UInt64) {
        guard self.state == .checking else { return }
        self.state = .connected
        self.selectedPair = index
        self.transactions.removeAll()
        self.triggered.removeAll()
        self.emit(.selected(remote: self.remotes[self.pairs[index].remote].address))
        self.startConsent(nowNs: nowNs)
    }

    /// Takes `role` after a role conflict (RFC 8445 §7.2.5.1, §7.3.1.1) and reorders the checklist for it.
    func switchRole(to role: Role) {
        guard self.role != role else { return }
        self.role = role
        self.recomputePairs()
        switch role {
        case .controlled:
            self.nominatedPair = nil
            for entry in self.triggered.indices { self.triggered[entry].nominating = false }
        case .controlling:
            self.nominateBestValidPair()
        }
    }

    // MARK: - Giving up

    /// Fails when nothing can succeed any more: no remote candidates (once the peer said there are no more), no
    /// pairs, or every pair failed.
    func failIfHopeless() {
        guard self.state == .checking, self.remoteCandidatesComplete else { return }
        if self.remotes.isEmpty {
            self.fail(self.noRemoteCandidatesReason())
        } else if self.pairs.isEmpty {
            self.fail("ICE: no candidate pairs: no remote candidate has the address family of a local address")
        } else if self.pairs.allSatisfy({ $0.state == .failed }) && self.triggered.isEmpty {
            let count = self.pairs.count == 1 ? "the only candidate pair" : "all \(self.pairs.count) candidate pairs"
            self.fail("ICE: \(count) failed" + self.lastErrorSuffix)
        }
    }

    func timeoutReason() -> String {
        let within = Self.seconds(self.configuration.connectTimeoutNs)
        if self.remotes.isEmpty { return "ICE: no remote candidates arrived in \(within)" }
        let tried = self.pairsTried == 1 ? "1 pair tried" : "\(self.pairsTried) pairs tried"
        return "ICE: no candidate pair succeeded in \(within), \(tried)" + self.lastErrorSuffix
    }

    func noRemoteCandidatesReason() -> String {
        guard self.ignoredRemoteCandidates > 0 else { return "ICE: no remote candidates" }
        var reason = "ICE: no usable remote candidates (\(self.ignoredRemoteCandidates) ignored"
        if self.ignoredMDNSCandidates > 0 { reason += ", \(self.ignoredMDNSCandidates) of them mDNS .local names" }
        return reason + ")"
    }

    var lastErrorSuffix: String {
        self.lastCheckError.map { "; last error: \($0)" } ?? ""
    }

    /// `time` + `duration`, or the end of time rather than a wrap for absurd configurations.
    static func later(_ time: UInt64, by duration: UInt64) -> UInt64 {
        let (sum, overflow) = time.addingReportingOverflow(duration)
        return overflow ? .max : sum
    }

    /// `ns` as seconds for people: "5 s", "2.5 s", "0.05 s" (millisecond precision).
    static func seconds(_ ns: UInt64) -> String {
        let ms = ns / 1_000_000
        var fraction = String(ms % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? "\(ms / 1000) s" : "\(ms / 1000).\(fraction) s"
    }
}
