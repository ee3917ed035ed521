import ChorusCore
import Testing

@testable import ChorusWebRTC

/// Two ICE endpoints on a virtual network with a virtual clock: an `ICEAgent` (A) and, at B, another agent or an
/// ICE-lite responder. Datagrams travel with a fixed one-way latency; `drop` loses chosen ones; `bSource` plays a
/// NAT in front of B. Nothing sleeps: time jumps to the next timeout or delivery.
final class ICENetwork {
    enum Peer {
        case agent(ICEAgent)
        case lite(ICELiteResponder)
    }

    enum Direction: Equatable {
        case aToB, bToA
    }

    /// One datagram put on the wire.
    struct Sent {
        /// Its number among those sent in its direction, from 0.
        var sequence: Int
        var direction: Direction
        var sentNs: UInt64
        var source: STUNAddress
        var destination: STUNAddress
        var bytes: [UInt8]
        var dropped = false
        var message: STUNMessage? { try? STUNMessage.parse(self.bytes).get() }
    }

    let a: ICEAgent
    let aAddresses: [STUNAddress]
    let peer: Peer
    let bAddresses: [STUNAddress]
    var nowNs: UInt64 = 0
    var latencyNs: UInt64 = 0
    /// Whether to lose a datagram.
    var drop: (Sent) -> Bool = { _ in false }
    /// The addresses whose datagrams reach B (B's own, or a NAT's public one).
    var bReachable: Set<STUNAddress>
    /// The source address B's datagram to a destination arrives with.
    var bSource: (STUNAddress) -> STUNAddress
    private(set) var log: [Sent] = []
    private(set) var eventsA: [(ns: UInt64, event: ICEEvent)] = []
    private(set) var eventsB: [(ns: UInt64, event: ICEEvent)] = []
    private var inFlight: [(deliverNs: UInt64, sent: Sent)] = []
    private var counts: [Direction: Int] = [:]

    init(a: ICEAgent, aAddresses: [STUNAddress], peer: Peer, bAddresses: [STUNAddress]) {
        self.a = a
        self.aAddresses = aAddresses
        self.peer = peer
        self.bAddresses = bAddresses
        self.bReachable = Set(bAddresses)
        self.bSource = { destination in
            bAddresses.first { ICEAgent.sameFamily($0, destination) } ?? bAddresses[0]
        }
    }

    var b: ICEAgent? {
        if case .agent(let agent) = self.peer { return agent }
        return nil
    }

    var lite: ICELiteResponder? {
        if case .lite(let responder) = self.peer { return responder }
        return nil
    }

    /// Starts both agents now.
    func start() {
        self.a.start(nowNs: self.nowNs)
        self.b?.start(nowNs: self.nowNs)
    }

    /// Runs the network until `endNs` or until `stop` holds after a step.
    func run(until endNs: UInt64, stop: () -> Bool = { false }) {
        for _ in 0..<1_000_000 {
            self.pump()
            if stop() { return }
            let candidates = [self.a.nextTimeoutNs, self.b?.nextTimeoutNs, self.inFlight.map(\.deliverNs).min()]
            guard let next = candidates.compactMap({ $0 }).min(), next <= endNs else {
                self.nowNs = max(self.nowNs, endNs)
                return
            }
            self.nowNs = max(self.nowNs, next)
            if let due = self.a.nextTimeoutNs, due <= self.nowNs { self.a.handleTimeout(nowNs: self.nowNs) }
            if let b = self.b, let due = b.nextTimeoutNs, due <= self.nowNs { b.handleTimeout(nowNs: self.nowNs) }
        }
        Issue.record("the network did not settle: an agent keeps asking for a timeout in the past")
    }

    /// Runs until A reports an event (or `endNs`), returning it with its time.
    @discardableResult
    func runUntilEventA(until endNs: UInt64 = 120_000_000_000) -> (ns: UInt64, event: ICEEvent)? {
        let before = self.eventsA.count
        self.run(until: endNs) { self.eventsA.count > before }
        return self.eventsA.count > before ? self.eventsA[before] : nil
    }

    /// Moves every transmitted datagram onto the wire and delivers every datagram that is due, until nothing moves.
    private func pump() {
        var moved = true
        while moved {
            moved = false
            while let (bytes, destination) = self.a.popTransmit() {
                let source = self.aAddresses.first { ICEAgent.sameFamily($0, destination) } ?? self.aAddresses[0]
                self.put(bytes, .aToB, from: source, to: destination)
                moved = true
            }
            if let b = self.b {
                while let (bytes, destination) = b.popTransmit() {
                    self.put(bytes, .bToA, from: self.bSource(destination), to: destination)
                    moved = true
                }
            }
            while let event = self.a.popEvent() { self.eventsA.append((self.nowNs, event)) }
            while let event = self.b?.popEvent() { self.eventsB.append((self.nowNs, event)) }
            if let index = self.inFlight.firstIndex(where: { $0.deliverNs <= self.nowNs }) {
                self.deliver(self.inFlight.remove(at: index).sent)
                moved = true
            }
        }
    }

    private func put(_ bytes: [UInt8], _ direction: Direction, from source: STUNAddress, to destination: STUNAddress) {
        var sent = Sent(
            sequence: self.counts[direction, default: 0],
            direction: direction,
            sentNs: self.nowNs,
            source: source,
            destination: destination,
            bytes: bytes
        )
        self.counts[direction, default: 0] += 1
        sent.dropped = self.drop(sent)
        self.log.append(sent)
        if !sent.dropped { self.inFlight.append((self.nowNs + self.latencyNs, sent)) }
    }

    private func deliver(_ sent: Sent) {
        switch sent.direction {
        case .aToB:
            guard self.bReachable.contains(sent.destination) else { return }
            switch self.peer {
            case .agent(let b):
                b.receive(sent.bytes, from: sent.source, nowNs: self.nowNs)
            case .lite(let responder):
                if let response = responder.respond(to: sent.bytes, from: sent.source) {
                    self.put(response, .bToA, from: self.bSource(sent.source), to: sent.source)
                }
            }
        case .bToA:
            guard self.aAddresses.contains(sent.destination) else { return }
            self.a.receive(sent.bytes, from: sent.source, nowNs: self.nowNs)
        }
    }

    /// The datagrams sent in `direction`, optionally only requests.
    func sent(_ direction: Direction, requestsOnly: Bool = false) -> [Sent] {
        self.log.filter { $0.direction == direction && (!requestsOnly || $0.message?.type == .bindingRequest) }
    }
}

/// Credentials, addresses and agent factories the ICE tests share.
enum ICEFixtures {
    static let aCredentials = ICECredentials(ufrag: "AAcall", password: "aPasswordOfTwentyTwoCh+")
    static let bCredentials = ICECredentials(ufrag: "BBagent", password: "bPasswordOfTwentyFour/xx")
    static let aAddress = STUNAddress.ipv4(192, 0, 2, 10, port: 40_000)
    static let bAddress = STUNAddress.ipv4(198, 51, 100, 20, port: 50_000)
    static let aAddress6 = STUNAddress(
        host: .ipv6(high: 0x2001_0DB8_0000_0000, low: 0x0000_0000_0000_000A),
        port: 40_000
    )
    static let bAddress6 = STUNAddress(
        host: .ipv6(high: 0x2001_0DB8_0000_0001, low: 0x0000_0000_0000_0014),
        port: 50_000
    )

    static func agent(
        _ role: ICEAgent.Role,
        local: ICECredentials = aCredentials,
        remote: ICECredentials = bCredentials,
        addresses: [STUNAddress] = [aAddress],
        tieBreaker: UInt64 = 0x1111,
        remoteIsLite: Bool = false,
        configuration: ICEAgent.Configuration = .init(),
        seed: UInt64 = 1
    ) -> ICEAgent {
        ICEAgent(
            role: role,
            local: local,
            remote: remote,
            localAddresses: addresses,
            tieBreaker: tieBreaker,
            remoteIsLite: remoteIsLite,
            configuration: configuration,
            random: SplitMix64(seed: seed)
        )
    }

    /// An SDP host candidate for `address`.
    static func candidate(_ address: STUNAddress, foundation: String = "1", priority: UInt32? = nil) -> SDPCandidate {
        var candidate = SDPCandidate.host(
            foundation: foundation,
            address: ICEAddressText.text(address.host),
            port: Int(address.port)
        )
        if let priority { candidate.priority = priority }
        return candidate
    }

    /// A (controlling or not) ↔ lite network with B's one candidate given to A and the end of candidates said.
    static func liteNetwork(
        addresses: [STUNAddress] = [aAddress],
        bAddresses: [STUNAddress] = [bAddress],
        configuration: ICEAgent.Configuration = .init()
    ) -> ICENetwork {
        let a = Self.agent(.controlling, addresses: addresses, remoteIsLite: true, configuration: configuration)
        for (index, address) in bAddresses.enumerated() {
            a.addRemoteCandidate(Self.candidate(address, foundation: String(index + 1)))
        }
        a.endOfRemoteCandidates()
        let lite = ICELiteResponder(local: Self.bCredentials, remoteUfrag: Self.aCredentials.ufrag)
        return ICENetwork(a: a, aAddresses: addresses, peer: .lite(lite), bAddresses: bAddresses)
    }

    /// A full agent ↔ full agent network, each knowing the other's candidates.
    static func agentNetwork(
        aRole: ICEAgent.Role,
        bRole: ICEAgent.Role,
        aTieBreaker: UInt64 = 0x1111,
        bTieBreaker: UInt64 = 0x2222,
        aAddresses: [STUNAddress] = [aAddress],
        bAddresses: [STUNAddress] = [bAddress],
        bSignalled: [STUNAddress]? = nil
    ) -> ICENetwork {
        let a = Self.agent(aRole, addresses: aAddresses, tieBreaker: aTieBreaker, seed: 1)
        let b = Self.agent(
            bRole,
            local: Self.bCredentials,
            remote: Self.aCredentials,
            addresses: bAddresses,
            tieBreaker: bTieBreaker,
            seed: 2
        )
        for address in bSignalled ?? bAddresses { a.addRemoteCandidate(Self.candidate(address)) }
        for address in aAddresses { b.addRemoteCandidate(Self.candidate(address)) }
        a.endOfRemoteCandidates()
        b.endOfRemoteCandidates()
        return ICENetwork(a: a, aAddresses: aAddresses, peer: .agent(b), bAddresses: bAddresses)
    }
}

@Suite struct ICEAgentPairTests {
    // MARK: - Selection

    @Test func controllingAgentSelectsALitePeerAtTheSecondPacingSlot() throws {
        let network = ICEFixtures.liteNetwork()
        network.start()
        let (ns, event) = try #require(network.runUntilEventA())
        // The check at 0 succeeds at once; the nomination waits for the next slot, Ta = 50 ms later.
        #expect(ns == 50_000_000)
        #expect(event == .selected(remote: ICEFixtures.bAddress))
        #expect(network.a.selectedRemote == ICEFixtures.bAddress)
        #expect(network.a.state == .connected)
        #expect(network.a.pairsTried == 1)
        #expect(network.lite?.nominatedRemote == ICEFixtures.aAddress)
        let requests = network.sent(.aToB, requestsOnly: true).compactMap(\.message)
        #expect(requests.map(\.useCandidate) == [false, true])
        #expect(requests.allSatisfy { $0.iceControlling == 0x1111 })
    }

    @Test func controllingAndControlledAgentsSelectEachOther() throws {
        let network = ICEFixtures.agentNetwork(aRole: .controlling, bRole: .controlled)
        network.start()
        network.run(until: 1_000_000_000) { network.a.state == .connected && network.b?.state == .connected }
        let b = try #require(network.b)
        #expect(network.eventsA.map(\.event) == [.selected(remote: ICEFixtures.bAddress)])
        #expect(network.eventsB.map(\.event) == [.selected(remote: ICEFixtures.aAddress)])
        #expect(network.eventsA.map(\.ns) == [50_000_000])
        #expect(network.eventsB.map(\.ns) == [50_000_000])
        #expect(network.a.role == .controlling)
        #expect(b.role == .controlled)
        // B checks too (it is a full agent), but only A's checks nominate.
        #expect(network.sent(.bToA, requestsOnly: true).allSatisfy { $0.message?.useCandidate == false })
        #expect(network.sent(.bToA, requestsOnly: true).allSatisfy { $0.message?.iceControlled == 0x2222 })
    }

    @Test func controlledAgentSelectsWhenTheFarEndControls() throws {
        // Roles the other way round: our agent is controlled and the far end nominates.
        let network = ICEFixtures.agentNetwork(aRole: .controlled, bRole: .controlling)
        network.latencyNs = 10_000_000
        network.start()
        let (ns, event) = try #require(network.runUntilEventA())
        #expect(event == .selected(remote: ICEFixtures.bAddress))
        // B's check (0) is answered at 20 ms; B nominates at its 50 ms slot; A gets the nomination at 60 ms.
        #expect(ns == 60_000_000)
        network.run(until: 1_000_000_000)
        #expect(network.eventsB.map(\.event) == [.selected(remote: ICEFixtures.aAddress)])
        #expect(network.eventsB.map(\.ns) == [70_000_000])
    }

    @Test func anAgentFacingALitePeerControlsWhateverRoleItWasGiven() throws {
        let a = ICEFixtures.agent(.controlled, remoteIsLite: true)
        #expect(a.role == .controlling)
        a.addRemoteCandidate(ICEFixtures.candidate(ICEFixtures.bAddress))
        let lite = ICELiteResponder(local: ICEFixtures.bCredentials, remoteUfrag: nil)
        let network = ICENetwork(
            a: a,
            aAddresses: [ICEFixtures.aAddress],
            peer: .lite(lite),
            bAddresses: [ICEFixtures.bAddress]
        )
        network.start()
        let (_, event) = try #require(network.runUntilEventA())
        #expect(event == .selected(remote: ICEFixtures.bAddress))
        #expect(lite.nominatedRemote == ICEFixtures.aAddress)
    }

    // MARK: - Loss

    /// Checks go out at 0, 250, 750, 1750 and 3750 ms (RTO 250 ms, doubling); the first one through succeeds and
    /// the nomination goes out at once (the pacing slot is long free).
    @Test(
        arguments: [(0, 50_000_000), (1, 250_000_000), (2, 750_000_000), (3, 1_750_000_000), (4, 3_750_000_000)]
            as [(Int, UInt64)]
    )
    func lostChecksAreRetransmittedUntilOneGetsThrough(lost: Int, selectedAt: UInt64) throws {
        let network = ICEFixtures.liteNetwork()
        network.drop = { $0.direction == .aToB && $0.sequence < lost }
        network.start()
        let (ns, event) = try #require(network.runUntilEventA())
        #expect(event == .selected(remote: ICEFixtures.bAddress))
        #expect(ns == selectedAt)
        let sendTimes = network.sent(.aToB, requestsOnly: true).map(\.sentNs)
        let retransmits: [UInt64] = [0, 250_000_000, 750_000_000, 1_750_000_000, 3_750_000_000]
        #expect(Array(sendTimes.prefix(lost + 1)) == Array(retransmits.prefix(lost + 1)))
    }

    @Test func lostResponsesAreRecoveredTheSameWay() throws {
        let network = ICEFixtures.liteNetwork()
        network.drop = { $0.direction == .bToA && $0.sequence < 2 }
        network.start()
        let (ns, event) = try #require(network.runUntilEventA())
        #expect(event == .selected(remote: ICEFixtures.bAddress))
        #expect(ns == 750_000_000)
        #expect(network.lite?.answeredRequests == 4)  // three copies of the check, one nomination
    }

    @Test func totalLossFailsAtExactlyTheConnectTimeout() throws {
        let remotes = [
            ICEFixtures.bAddress, STUNAddress.ipv4(198, 51, 100, 21, port: 50_000),
            STUNAddress.ipv4(198, 51, 100, 22, port: 50_000),
        ]
        let network = ICEFixtures.liteNetwork(bAddresses: remotes)
        network.drop = { _ in true }
        network.start()
        let (ns, event) = try #require(network.runUntilEventA())
        #expect(ns == 5_000_000_000)
        #expect(event == .failed(reason: "ICE: no candidate pair succeeded in 5 s, 3 pairs tried"))
        #expect(network.a.state == .failed)
        #expect(network.a.nextTimeoutNs == nil)
        // New checks are paced 50 ms apart; nothing goes out after the failure.
        let first = network.sent(.aToB).map(\.sentNs)
        #expect(Array(first.prefix(3)) == [0, 50_000_000, 100_000_000])
        #expect(first.allSatisfy { $0 < 5_000_000_000 })
        network.run(until: 60_000_000_000)
        #expect(network.log.count == first.count)
        #expect(network.a.popEvent() == nil)
    }

    @Test func theConnectTimeoutReadsInWholeOrFractionalSeconds() throws {
        var configuration = ICEAgent.Configuration()
        configuration.connectTimeoutNs = 2_500_000_000
        let network = ICEFixtures.liteNetwork(configuration: configuration)
        network.drop = { _ in true }
        network.start()
        let (ns, event) = try #require(network.runUntilEventA())
        #expect(ns == 2_500_000_000)
        #expect(event == .failed(reason: "ICE: no candidate pair succeeded in 2.5 s, 1 pair tried"))
    }

    // MARK: - Role conflicts

    /// Both agents start controlling; the larger tie-breaker keeps the role, the other switches (on the request it
    /// gets, or on the 487 its own check gets), and the pair is still selected by both.
    @Test(arguments: [true, false])
    func bothControllingResolvesToTheLargerTieBreaker(aWins: Bool) throws {
        let network = ICEFixtures.agentNetwork(
            aRole: .controlling,
            bRole: .controlling,
            aTieBreaker: aWins ? 0xFFFF_0000 : 0x0000_FFFF,
            bTieBreaker: aWins ? 0x0000_FFFF : 0xFFFF_0000
        )
        network.start()
        network.run(until: 5_000_000_000) { network.a.state == .connected && network.b?.state == .connected }
        let b = try #require(network.b)
        #expect(network.a.role == (aWins ? .controlling : .controlled))
        #expect(b.role == (aWins ? .controlled : .controlling))
        #expect(network.a.selectedRemote == ICEFixtures.bAddress)
        #expect(b.selectedRemote == ICEFixtures.aAddress)
        // The winner answered the loser's first check with 487.
        let winnerDirection: ICENetwork.Direction = aWins ? .aToB : .bToA
        let conflicts = network.sent(winnerDirection).compactMap(\.message).filter { $0.errorCode?.code == 487 }
        #expect(conflicts.count == 1)
        // Only the winner nominated.
        let loserDirection: ICENetwork.Direction = aWins ? .bToA : .aToB
        #expect(network.sent(loserDirection, requestsOnly: true).allSatisfy { $0.message?.useCandidate == false })
    }

    @Test(arguments: [true, false])
    func bothControlledResolvesToTheLargerTieBreaker(aWins: Bool) throws {
        let network = ICEFixtures.agentNetwork(
            aRole: .controlled,
            bRole: .controlled,
            aTieBreaker: aWins ? 0xFFFF_0000 : 0x0000_FFFF,
            bTieBreaker: aWins ? 0x0000_FFFF : 0xFFFF_0000
        )
        network.start()
        network.run(until: 5_000_000_000) { network.a.state == .connected && network.b?.state == .connected }
        let b = try #require(network.b)
        #expect(network.a.role == (aWins ? .controlling : .controlled))
        #expect(b.role == (aWins ? .controlled : .controlling))
        #expect(network.a.state == .connected)
        #expect(b.state == .connected)
        let loserDirection: ICENetwork.Direction = aWins ? .bToA : .aToB
        let conflicts = network.sent(loserDirection).compactMap(\.message).filter { $0.errorCode?.code == 487 }
        #expect(conflicts.count == 1)
    }

    // MARK: - Peer-reflexive candidates

    /// B sits behind a NAT: its signalled candidate is unreachable and its datagrams come from the NAT's public
    /// address, which A learns from B's check as a peer-reflexive candidate with the check's PRIORITY.
    @Test func aCheckFromAnUnsignalledAddressMakesAPeerReflexiveCandidate() throws {
        let publicAddress = STUNAddress.ipv4(203, 0, 113, 7, port: 40_123)
        let privateAddress = STUNAddress.ipv4(10, 0, 0, 2, port: 50_000)
        let network = ICEFixtures.agentNetwork(aRole: .controlled, bRole: .controlling, bAddresses: [privateAddress])
        network.bReachable = [publicAddress]
        network.bSource = { _ in publicAddress }
        network.start()
        let (_, event) = try #require(network.runUntilEventA())
        #expect(event == .selected(remote: publicAddress))
        let remotes = network.a.remoteCandidates
        #expect(remotes.count == 2)
        let learnt = try #require(remotes.last)
        #expect(learnt.kind == .prflx)
        #expect(learnt.address == "203.0.113.7" && learnt.port == 40_123)
        #expect(learnt.priority == SDPCandidate.priority(typePreference: 110))
        #expect(learnt.priority == network.sent(.bToA, requestsOnly: true).first?.message?.priority)
        network.run(until: 1_000_000_000) { network.b?.state == .connected }
        #expect(network.b?.selectedRemote == ICEFixtures.aAddress)
        // A's checks to the private address went nowhere; its triggered check to the public one succeeded.
        let destinations = Set(network.sent(.aToB, requestsOnly: true).map(\.destination))
        #expect(destinations == [privateAddress, publicAddress])
    }

    @Test func aControlledAgentWithoutRemoteCandidatesLearnsThemFromChecks() throws {
        let a = ICEFixtures.agent(.controlled)
        let b = ICEFixtures.agent(
            .controlling,
            local: ICEFixtures.bCredentials,
            remote: ICEFixtures.aCredentials,
            seed: 9
        )
        b.addRemoteCandidate(ICEFixtures.candidate(ICEFixtures.aAddress))
        let network = ICENetwork(
            a: a,
            aAddresses: [ICEFixtures.aAddress],
            peer: .agent(b),
            bAddresses: [ICEFixtures.bAddress]
        )
        network.start()
        let (_, event) = try #require(network.runUntilEventA())
        #expect(event == .selected(remote: ICEFixtures.bAddress))
        #expect(a.remoteCandidates.map(\.kind) == [.prflx])
        // A trickled candidate for the same address later gives it its signalled type.
        let b2 = ICEFixtures.agent(.controlled)
        b2.receive(network.sent(.bToA, requestsOnly: true)[0].bytes, from: ICEFixtures.bAddress, nowNs: 0)
        #expect(b2.remoteCandidates.map(\.kind) == [.prflx])
        b2.addRemoteCandidate(ICEFixtures.candidate(ICEFixtures.bAddress, foundation: "7"))
        #expect(b2.remoteCandidates.map(\.kind) == [.host])
        #expect(b2.remoteCandidates.map(\.foundation) == ["7"])
        #expect(b2.pairs.count == 1)
    }

    // MARK: - IPv6

    @Test func ipv6PairsConnect() throws {
        let network = ICEFixtures.liteNetwork(addresses: [ICEFixtures.aAddress6], bAddresses: [ICEFixtures.bAddress6])
        network.start()
        let (ns, event) = try #require(network.runUntilEventA())
        #expect(ns == 50_000_000)
        #expect(event == .selected(remote: ICEFixtures.bAddress6))
        #expect(network.lite?.nominatedRemote == ICEFixtures.aAddress6)
        let response = try #require(network.sent(.bToA).first?.message)
        #expect(response.xorMappedAddress == ICEFixtures.aAddress6)
    }

    @Test func pairsOnlyJoinCandidatesOfOneAddressFamily() throws {
        // A is dual-stack, B has an IPv6 and an IPv4 candidate: two pairs, never v4 ↔ v6.
        let network = ICEFixtures.agentNetwork(
            aRole: .controlling,
            bRole: .controlled,
            aAddresses: [ICEFixtures.aAddress, ICEFixtures.aAddress6],
            bAddresses: [ICEFixtures.bAddress6, ICEFixtures.bAddress]
        )
        #expect(network.a.pairs.count == 2)
        for pair in network.a.pairs {
            #expect(ICEAgent.sameFamily(network.a.locals[pair.local].address, network.a.remotes[pair.remote].address))
        }
        network.start()
        network.run(until: 1_000_000_000) { network.a.state == .connected && network.b?.state == .connected }
        #expect(network.a.state == .connected)
        #expect(network.b?.state == .connected)
        for sent in network.log {
            #expect(ICEAgent.sameFamily(sent.source, sent.destination))
        }
    }

    @Test func aLoneIPv6RemoteCannotPairWithAnIPv4OnlyAgent() throws {
        let a = ICEFixtures.agent(.controlling)
        a.addRemoteCandidate(ICEFixtures.candidate(ICEFixtures.bAddress6))
        a.endOfRemoteCandidates()
        a.start(nowNs: 0)
        #expect(
            a.popEvent()
                == .failed(
                    reason: "ICE: no candidate pairs: no remote candidate has the address family of a local address"
                )
        )
        #expect(a.popTransmit() == nil)
    }
}
