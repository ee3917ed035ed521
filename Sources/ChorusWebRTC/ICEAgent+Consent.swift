// Consent freshness (RFC 7675): after selection, a Binding request on the selected pair every 0.8–1.2 × the
// interval; consent lasts as long as authenticated answers keep coming from the selected remote.

extension ICEAgent {
    /// How many consent checks' ids are remembered: enough for the 30 s timeout at 4 s intervals.
    static let rememberedConsentChecks = 8

    /// Consent starts with the selected pair's last successful check.
    func startConsent(nowNs: UInt64) {
        guard let selected = self.selectedPair else { return }
        self.lastConsentNs = self.pairs[selected].succeededNs
        self.consentAttributes = self.checkAttributes(local: self.pairs[selected].local)
        self.nextConsentNs = Self.later(nowNs, by: self.randomConsentInterval())
    }

    /// The connected phase at `nowNs`: expiry first, then the next consent check.
    func advanceConsent(nowNs: UInt64) {
        guard let remote = self.selectedRemote else { return }
        if nowNs >= Self.later(self.lastConsentNs, by: self.configuration.consentTimeoutNs) {
            self.state = .consentExpired
            self.consentChecks.removeAll()
            let silence = Self.seconds(self.configuration.consentTimeoutNs)
            self.emit(
                .consentExpired(
                    reason: "ICE: consent expired: no answer from \(remote) to consent checks for \(silence)"
                )
            )
            return
        }
        guard nowNs >= self.nextConsentNs else { return }
        let id = STUNTransactionID.random(using: &self.random)
        let bytes = STUNMessage(type: .bindingRequest, transactionID: id, attributes: self.consentAttributes)
            .encode(integrityKey: self.remoteKey, fingerprint: true)
        if self.consentChecks.count == Self.rememberedConsentChecks { self.consentChecks.removeFirst() }
        self.consentChecks.append(id)
        self.consentChecksSent += 1
        self.send(bytes, to: remote)
        self.nextConsentNs = Self.later(nowNs, by: self.randomConsentInterval())
    }

    /// An answer to one of our consent checks: an authenticated success from the selected remote refreshes
    /// consent (RFC 7675 §5.1); anything else is ignored.
    func handleConsentResponse(
        _ message: STUNMessage,
        datagram: UnsafeRawBufferPointer,
        from source: STUNAddress,
        nowNs: UInt64
    ) {
        guard STUNMessage.verifyIntegrity(bytes: datagram, key: self.remoteKey) else {
            self.droppedUnverified += 1
            return
        }
        guard message.type.messageClass == .successResponse, source == self.selectedRemote else {
            self.droppedUnmatched += 1
            return
        }
        self.consentChecks.removeAll { $0 == message.transactionID }
        self.lastConsentNs = max(self.lastConsentNs, nowNs)
    }

    /// The configured interval times a random factor in 0.8...1.2.
    func randomConsentInterval() -> UInt64 {
        Self.consentInterval(base: self.configuration.consentIntervalNs, random: self.random.next())
    }

    /// `base` × (0.8 + 0.4 × (`random` mod 401) / 400), in whole nanoseconds: 0.8 × `base` for 0, 1.2 × for 400.
    static func consentInterval(base: UInt64, random: UInt64) -> UInt64 {
        let permille = 800 + random % 401
        return base / 1000 * permille + base % 1000 * permille / 1000
    }
}
