import ChorusCore
import Testing

@testable import ChorusWebRTC

/// RFC 7675 consent freshness on the selected pair, in virtual time.
@Suite struct ICEConsentTests {
    /// The consent checks A sent after selection.
    func consentChecks(_ network: ICENetwork, after selectedNs: UInt64) -> [ICENetwork.Sent] {
        network.sent(.aToB, requestsOnly: true).filter { $0.sentNs > selectedNs }
    }

    @Test func answeredConsentChecksKeepTheCallForever() throws {
        let network = ICEFixtures.liteNetwork()
        network.start()
        let (selectedNs, _) = try #require(network.runUntilEventA())
        network.run(until: 300_000_000_000)
        #expect(network.eventsA.map(\.event) == [.selected(remote: ICEFixtures.bAddress)])
        #expect(network.a.state == .connected)
        let checks = self.consentChecks(network, after: selectedNs)
        #expect(network.a.consentChecksSent == checks.count)
        // Every 4–6 s (0.8–1.2 × 5 s): 50 to 75 checks in 300 s.
        #expect((50...75).contains(checks.count))
        let times = [selectedNs] + checks.map(\.sentNs)
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { (4_000_000_000...6_000_000_000).contains($0) })
        #expect(Set(gaps).count > 10)  // randomised, not a fixed beat
        // Consent checks are ordinary checks on the selected pair, without USE-CANDIDATE, each a new transaction.
        let messages = checks.compactMap(\.message)
        #expect(
            messages.allSatisfy { $0.username == "BBagent:AAcall" && !$0.useCandidate && $0.iceControlling == 0x1111 }
        )
        #expect(Set(messages.map(\.transactionID)).count == messages.count)
        #expect(checks.allSatisfy { $0.destination == ICEFixtures.bAddress })
    }

    @Test func consentExpiresThirtySecondsAfterTheLastAnswer() throws {
        let network = ICEFixtures.liteNetwork()
        var silentFromNs: UInt64 = 20_000_000_000
        network.drop = { $0.direction == .bToA && $0.sentNs >= silentFromNs }
        network.start()
        let (_, selected) = try #require(network.runUntilEventA())
        #expect(selected == .selected(remote: ICEFixtures.bAddress))
        let (ns, event) = try #require(network.runUntilEventA())
        let lastAnswer = try #require(network.sent(.bToA).last { !$0.dropped })
        #expect(lastAnswer.sentNs < silentFromNs)
        #expect(ns == lastAnswer.sentNs + 30_000_000_000)
        #expect(
            event
                == .consentExpired(
                    reason: "ICE: consent expired: no answer from 198.51.100.20:50000 to consent checks for 30 s"
                )
        )
        #expect(network.a.state == .consentExpired)
        #expect(network.a.nextTimeoutNs == nil)
        // Nothing more goes out, whatever comes in.
        let sentBefore = network.log.count
        silentFromNs = .max
        network.run(until: ns + 60_000_000_000)
        #expect(network.log.count == sentBefore)
        #expect(network.a.popEvent() == nil)
    }

    @Test func consentExpiresWhenThePeerFallsSilentRightAfterSelection() throws {
        let network = ICEFixtures.liteNetwork()
        network.start()
        let (selectedNs, _) = try #require(network.runUntilEventA())
        #expect(selectedNs == 50_000_000)
        network.drop = { $0.direction == .bToA }
        let (ns, event) = try #require(network.runUntilEventA())
        #expect(ns == 30_050_000_000)
        guard case .consentExpired = event else {
            Issue.record("expected consent to expire, got \(event)")
            return
        }
    }

    @Test func bothFullAgentsCheckConsentAndExpireWhenTheLinkDies() throws {
        let network = ICEFixtures.agentNetwork(aRole: .controlling, bRole: .controlled)
        network.start()
        network.run(until: 60_000_000_000)
        let b = try #require(network.b)
        #expect(network.a.consentChecksSent >= 10)
        #expect(b.consentChecksSent >= 10)
        network.drop = { _ in true }
        network.run(until: 200_000_000_000)
        #expect(network.a.state == .consentExpired)
        #expect(b.state == .consentExpired)
    }

    @Test func onlyAuthenticAnswersFromTheSelectedRemoteRefreshConsent() throws {
        let network = ICEFixtures.liteNetwork()
        network.start()
        let (selectedNs, _) = try #require(network.runUntilEventA())
        let a = network.a
        let bKey = STUNMessage.shortTermKey(password: ICEFixtures.bCredentials.password)
        // Drive A by hand from here: take its next consent check and answer it wrongly in three ways.
        var answered = 0
        while answered < 3 {
            let next = try #require(a.nextTimeoutNs)
            a.handleTimeout(nowNs: next)
            guard let (bytes, destination) = a.popTransmit() else { continue }
            let check = try STUNMessage.parse(bytes).get()
            let good = STUNMessage(
                type: .bindingSuccess,
                transactionID: check.transactionID,
                attributes: [.xorMappedAddress(ICEFixtures.aAddress)]
            )
            switch answered {
            case 0:
                a.receive(
                    good.encode(integrityKey: bKey, fingerprint: true),
                    from: STUNAddress.ipv4(203, 0, 113, 1, port: 9),
                    nowNs: next
                )
            case 1: a.receive(good.encode(integrityKey: [1, 2, 3], fingerprint: true), from: destination, nowNs: next)
            default:
                let error = STUNMessage(
                    type: .bindingError,
                    transactionID: check.transactionID,
                    attributes: [.errorCode(.badRequest)]
                )
                a.receive(error.encode(integrityKey: bKey, fingerprint: true), from: destination, nowNs: next)
            }
            answered += 1
        }
        #expect(a.droppedUnverified == 1)
        #expect(a.droppedUnmatched == 2)
        while a.state == .connected, let next = a.nextTimeoutNs { a.handleTimeout(nowNs: next) }
        guard case .consentExpired = try #require(a.popEvent()) else {
            Issue.record("expected consent to expire")
            return
        }
        // Consent dated from the nominating check's success, at selection.
        #expect(a.lastConsentNs == selectedNs)
    }

    @Test func aLateAnswerToAnEarlierConsentCheckStillCounts() throws {
        var configuration = ICEAgent.Configuration()
        configuration.connectTimeoutNs = 20_000_000_000
        let network = ICEFixtures.liteNetwork(configuration: configuration)
        // A 5 s round trip: an answer often arrives after the next consent check went out.
        network.latencyNs = 2_500_000_000
        network.start()
        try #require(network.runUntilEventA()?.event == .selected(remote: ICEFixtures.bAddress))
        network.run(until: 15_000_000_000)
        // Answers to retransmitted checks arrive after the first answer completed them: unmatched, and harmless.
        let duplicates = network.a.droppedUnmatched
        network.run(until: 120_000_000_000)
        #expect(network.a.state == .connected)
        #expect(network.a.droppedUnmatched == duplicates)
        #expect(network.a.lastConsentNs > 110_000_000_000)
    }

    @Test func theConsentIntervalIsRandomisedBetween80And120Percent() {
        let base: UInt64 = 5_000_000_000
        #expect(ICEAgent.consentInterval(base: base, random: 0) == 4_000_000_000)
        #expect(ICEAgent.consentInterval(base: base, random: 400) == 6_000_000_000)
        #expect(ICEAgent.consentInterval(base: base, random: 200) == 5_000_000_000)
        #expect(ICEAgent.consentInterval(base: base, random: 401) == 4_000_000_000)
        #expect(ICEAgent.consentInterval(base: 1_001, random: 400) == 1_201)
        #expect(ICEAgent.consentInterval(base: .max, random: 0) > 0)  // no overflow
        var random = SplitMix64(seed: 7)
        for _ in 0..<10_000 {
            #expect(
                (4_000_000_000...6_000_000_000).contains(ICEAgent.consentInterval(base: base, random: random.next()))
            )
        }
    }

    /// A thousand calls kept alive for a minute of virtual time: one HMAC to send and one to check per consent
    /// check, nothing that grows with the call's age.
    @Test(.timeLimit(.minutes(1)))
    func aThousandCallsKeepConsentCheaply() throws {
        var agents: [ICEAgent] = []
        var responders: [ICELiteResponder] = []
        for call in 0..<1_000 {
            let local = ICEFixtures.aCredentials
            let agent = ICEFixtures.agent(.controlling, remoteIsLite: true, seed: UInt64(call))
            agent.addRemoteCandidate(ICEFixtures.candidate(ICEFixtures.bAddress))
            agent.start(nowNs: 0)
            agents.append(agent)
            responders.append(ICELiteResponder(local: ICEFixtures.bCredentials, remoteUfrag: local.ufrag))
        }
        let endNs: UInt64 = 60_000_000_000
        for (agent, responder) in zip(agents, responders) {
            while let next = agent.nextTimeoutNs, next <= endNs {
                agent.handleTimeout(nowNs: next)
                while let (bytes, _) = agent.popTransmit() {
                    if let response = responder.respond(to: bytes, from: ICEFixtures.aAddress) {
                        agent.receive(response, from: ICEFixtures.bAddress, nowNs: next)
                    }
                }
            }
            #expect(agent.state == .connected)
            #expect((10...15).contains(agent.consentChecksSent))
            #expect(agent.consentChecks.count <= ICEAgent.rememberedConsentChecks)
            #expect(agent.transactions.isEmpty)
        }
    }
}
