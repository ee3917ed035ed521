import ChorusCore
import Testing

@testable import ChorusWebRTC

/// One agent (A, local credentials `aCredentials`) against messages written by hand as its peer B would send them.
@Suite struct ICEAgentTests {
    let a = ICEFixtures.aAddress
    let b = ICEFixtures.bAddress
    /// B's requests are keyed with A's password; B's responses to A's checks with B's.
    let aKey = STUNMessage.shortTermKey(password: ICEFixtures.aCredentials.password)
    let bKey = STUNMessage.shortTermKey(password: ICEFixtures.bCredentials.password)

    /// A check from B to A with `attributes` after USERNAME "A:B".
    func request(
        _ attributes: [STUNAttribute] = [.priority(0x6E00_00FF), .iceControlling(tieBreaker: 0x2222)],
        username: String = "AAcall:BBagent",
        key: [UInt8]? = nil,
        id: STUNTransactionID = STUNTransactionID(upper: 0xB0B, lower: 1)
    ) -> [UInt8] {
        STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.username(username)] + attributes)
            .encode(integrityKey: key ?? self.aKey, fingerprint: true)
    }

    /// B's success response to A's check `checkBytes`.
    func success(to checkBytes: [UInt8], mapped: STUNAddress? = nil, key: [UInt8]? = nil) throws -> [UInt8] {
        let check = try STUNMessage.parse(checkBytes).get()
        return STUNMessage(
            type: .bindingSuccess,
            transactionID: check.transactionID,
            attributes: [.xorMappedAddress(mapped ?? self.a)]
        )
        .encode(integrityKey: key ?? self.bKey, fingerprint: true)
    }

    /// B's error response to A's check.
    func error(_ code: STUNErrorCode, to checkBytes: [UInt8], key: [UInt8]?) throws -> [UInt8] {
        let check = try STUNMessage.parse(checkBytes).get()
        return STUNMessage(type: .bindingError, transactionID: check.transactionID, attributes: [.errorCode(code)])
            .encode(integrityKey: key, fingerprint: true)
    }

    func started(_ role: ICEAgent.Role, configuration: ICEAgent.Configuration = .init(), candidates: Int = 1)
        -> ICEAgent
    {
        let agent = ICEFixtures.agent(role, configuration: configuration)
        for index in 0..<candidates {
            let address = STUNAddress.ipv4(198, 51, 100, UInt8(20 + index), port: 50_000)
            agent.addRemoteCandidate(ICEFixtures.candidate(address, foundation: String(index + 1)))
        }
        agent.start(nowNs: 0)
        return agent
    }

    func drain(_ agent: ICEAgent) -> [(bytes: [UInt8], destination: STUNAddress)] {
        var out: [(bytes: [UInt8], destination: STUNAddress)] = []
        while let transmit = agent.popTransmit() { out.append(transmit) }
        return out
    }

    func events(_ agent: ICEAgent) -> [ICEEvent] {
        var out: [ICEEvent] = []
        while let event = agent.popEvent() { out.append(event) }
        return out
    }

    // MARK: - Candidates

    @Test func localCandidatesAreHostCandidatesWithRFC8445Priorities() {
        let addresses = [
            ICEFixtures.aAddress, STUNAddress.ipv4(192, 0, 2, 10, port: 40_001), ICEFixtures.aAddress6,
            ICEFixtures.aAddress,
        ]
        let agent = ICEFixtures.agent(.controlling, addresses: addresses)
        let candidates = agent.localCandidates
        #expect(candidates.count == 3)  // the duplicate is left out
        #expect(candidates.map(\.kind) == [.host, .host, .host])
        #expect(candidates.map(\.component) == [1, 1, 1])
        #expect(candidates.map(\.transport) == ["udp", "udp", "udp"])
        #expect(candidates.map(\.address) == ["192.0.2.10", "192.0.2.10", "2001:db8::a"])
        #expect(candidates.map(\.port) == [40_000, 40_001, 40_000])
        // Same IP, same foundation; 126 << 24 | local preference << 8 | 255.
        #expect(candidates.map(\.foundation) == ["1", "1", "2"])
        #expect(candidates.map(\.priority) == [2_130_706_431, 2_130_706_175, 2_130_705_919])
        #expect(candidates[0].priority == SDPCandidate.priority())
        #expect(agent.locals.map(\.checkPriority) == [0x6EFF_FFFF, 0x6EFF_FEFF, 0x6EFF_FDFF])
    }

    @Test func remoteCandidatesThatCannotBeCheckedAreIgnoredAndCounted() {
        let agent = ICEFixtures.agent(.controlling, addresses: [ICEFixtures.aAddress, ICEFixtures.aAddress6])
        let usable = ICEFixtures.candidate(ICEFixtures.bAddress)
        var tcp = usable
        tcp.transport = "tcp"
        var rtcp = usable
        rtcp.component = 2
        var mDNS = usable
        mDNS.address = "1f4712db-ea17-4bcf-a596-105139dfd8bf.local"
        var hostname = usable
        hostname.address = "agent.example.com"
        var portZero = usable
        portZero.port = 0
        var ipv6 = usable
        ipv6.address = "2001:DB8::1:14"
        for candidate in [tcp, rtcp, mDNS, hostname, portZero, usable, usable, ipv6] {
            agent.addRemoteCandidate(candidate)
        }
        #expect(agent.ignoredRemoteCandidates == 5)
        #expect(agent.ignoredMDNSCandidates == 1)
        #expect(agent.remoteCandidates.map(\.address) == ["198.51.100.20", "2001:db8::1:14"])
        #expect(agent.pairs.count == 2)
    }

    @Test func pairPrioritiesFollowRFC8445() {
        // 2^32·min(G,D) + 2·max(G,D) + (G>D ? 1 : 0)
        #expect(ICECandidatePair.priority(controlling: 10, controlled: 20) == (10 << 32) + 40)
        #expect(ICECandidatePair.priority(controlling: 20, controlled: 10) == (10 << 32) + 40 + 1)
        let highest = SDPCandidate.priority()
        #expect(
            ICECandidatePair.priority(controlling: highest, controlled: highest) == (UInt64(highest) << 32) + 2
                * UInt64(highest)
        )
        // A peer may claim any 32-bit priority: beyond RFC 8445's range the sum wraps instead of trapping.
        #expect(
            ICECandidatePair.priority(controlling: .max, controlled: .max) == (UInt64(UInt32.max) << 32) &+ 2
                * UInt64(UInt32.max)
        )
        // The checklist orders pairs by it: the higher remote priority first.
        let agent = ICEFixtures.agent(.controlling)
        agent.addRemoteCandidate(
            ICEFixtures.candidate(STUNAddress.ipv4(198, 51, 100, 1, port: 1), foundation: "1", priority: 100)
        )
        agent.addRemoteCandidate(
            ICEFixtures.candidate(STUNAddress.ipv4(198, 51, 100, 2, port: 2), foundation: "2", priority: 300)
        )
        agent.addRemoteCandidate(
            ICEFixtures.candidate(STUNAddress.ipv4(198, 51, 100, 3, port: 3), foundation: "3", priority: 200)
        )
        agent.start(nowNs: 0)
        var ports: [UInt16] = []
        for slot in 0..<3 {
            agent.handleTimeout(nowNs: UInt64(slot) * 50_000_000)
            ports += self.drain(agent).map(\.destination.port)
        }
        #expect(ports == [2, 3, 1])
    }

    @Test func pairsOfOneFoundationWaitForTheFirstToSucceed() throws {
        let agent = ICEFixtures.agent(.controlling)
        agent.addRemoteCandidate(
            ICEFixtures.candidate(STUNAddress.ipv4(198, 51, 100, 1, port: 1), foundation: "x", priority: 300)
        )
        agent.addRemoteCandidate(
            ICEFixtures.candidate(STUNAddress.ipv4(198, 51, 100, 1, port: 2), foundation: "x", priority: 200)
        )
        agent.start(nowNs: 0)
        let first = self.drain(agent)
        #expect(first.map(\.destination.port) == [1])
        #expect(agent.pairs.map(\.state) == [.inProgress, .frozen])
        agent.handleTimeout(nowNs: 50_000_000)
        #expect(self.drain(agent).isEmpty)  // frozen while its foundation's first pair is in progress
        agent.receive(try self.success(to: first[0].bytes), from: first[0].destination, nowNs: 60_000_000)
        #expect(agent.pairs.map(\.state) == [.succeeded, .waiting])
        // At the next slots: the nomination first (triggered), then the unfrozen pair.
        let nomination = self.drain(agent)
        #expect(nomination.count == 1)
        #expect(try STUNMessage.parse(nomination[0].bytes).get().useCandidate)
        agent.handleTimeout(nowNs: 110_000_000)
        #expect(self.drain(agent).map(\.destination.port) == [2])
    }

    // MARK: - Checks we send

    @Test func checksCarryTheAttributesRFC8445Requires() throws {
        let agent = self.started(.controlling)
        let check = try #require(self.drain(agent).first)
        #expect(check.destination == STUNAddress.ipv4(198, 51, 100, 20, port: 50_000))
        #expect(PacketKind(firstByte: check.bytes[0]) == .stun)
        let message = try STUNMessage.parse(check.bytes).get()
        #expect(message.type == .bindingRequest)
        #expect(message.username == "BBagent:AAcall")
        #expect(message.priority == SDPCandidate.priority(typePreference: 110))
        #expect(message.iceControlling == 0x1111)
        #expect(message.iceControlled == nil)
        #expect(message.useCandidate == false)
        #expect(message.attributes.suffix(2).map(\.type) == [.messageIntegrity, .fingerprint])
        #expect(STUNMessage.verifyIntegrity(bytes: check.bytes, key: self.bKey))
        #expect(!STUNMessage.verifyIntegrity(bytes: check.bytes, key: self.aKey))
        #expect(STUNMessage.verifyFingerprint(bytes: check.bytes))

        let controlled = self.started(.controlled)
        let controlledCheck = try STUNMessage.parse(try #require(self.drain(controlled).first).bytes).get()
        #expect(controlledCheck.iceControlled == 0x1111)
        #expect(controlledCheck.iceControlling == nil)
    }

    @Test func eachCheckHasItsOwnTransactionIDAndRetransmitsKeepIt() throws {
        var configuration = ICEAgent.Configuration()
        configuration.connectTimeoutNs = 60_000_000_000
        let agent = self.started(.controlling, configuration: configuration, candidates: 2)
        var sent: [(ns: UInt64, id: STUNTransactionID)] = try self.drain(agent).map {
            (0, try STUNMessage.parse($0.bytes).get().transactionID)
        }
        while let next = agent.nextTimeoutNs, next < 60_000_000_000 {
            agent.handleTimeout(nowNs: next)
            for transmit in self.drain(agent) {
                sent.append((next, try STUNMessage.parse(transmit.bytes).get().transactionID))
            }
        }
        let ids = Set(sent.map(\.id))
        #expect(ids.count == 2)
        #expect(sent.count == 14)  // each check and its 6 retransmissions
        #expect(
            sent.filter { $0.id == sent[0].id }.map(\.ns)
                == [0, 250, 750, 1_750, 3_750, 7_750, 15_750].map { UInt64($0) * 1_000_000 }
        )
    }

    @Test func aPairFailsAfterItsRetransmissionsAndThenTheAgentFails() throws {
        var configuration = ICEAgent.Configuration()
        configuration.connectTimeoutNs = 60_000_000_000
        let agent = ICEFixtures.agent(.controlling, configuration: configuration)
        agent.addRemoteCandidate(ICEFixtures.candidate(self.b))
        agent.endOfRemoteCandidates()
        agent.start(nowNs: 0)
        var times: [UInt64] = [0]
        _ = self.drain(agent)
        while let next = agent.nextTimeoutNs {
            agent.handleTimeout(nowNs: next)
            if !self.drain(agent).isEmpty { times.append(next) }
            if agent.state != .checking { break }
        }
        // 250 ms doubling: 7 transmissions, then one more doubled timeout.
        #expect(times == [0, 250, 750, 1_750, 3_750, 7_750, 15_750].map { UInt64($0) * 1_000_000 })
        #expect(agent.state == .failed)
        #expect(
            self.events(agent) == [
                .failed(
                    reason:
                        "ICE: the only candidate pair failed; last error: no answer from 198.51.100.20:50000 after 7 attempts"
                )
            ]
        )
    }

    // MARK: - Requests we answer

    @Test func anAuthenticRequestIsAnsweredWithItsSourceAddress() throws {
        let agent = self.started(.controlling)
        _ = self.drain(agent)
        let source = STUNAddress.ipv4(198, 51, 100, 20, port: 50_000)
        agent.receive(self.request([.priority(7), .iceControlled(tieBreaker: 1)]), from: source, nowNs: 10)
        let response = try #require(self.drain(agent).first)
        #expect(response.destination == source)
        let message = try STUNMessage.parse(response.bytes).get()
        #expect(message.type == .bindingSuccess)
        #expect(message.transactionID == STUNTransactionID(upper: 0xB0B, lower: 1))
        #expect(message.xorMappedAddress == source)
        #expect(STUNMessage.verifyIntegrity(bytes: response.bytes, key: self.aKey))
        #expect(STUNMessage.verifyFingerprint(bytes: response.bytes))
        #expect(agent.droppedUnverified == 0)
    }

    @Test func requestsAreAnsweredBeforeStart() throws {
        let agent = ICEFixtures.agent(.controlled)
        agent.receive(self.request(), from: self.b, nowNs: 0)
        let response = try #require(self.drain(agent).first)
        #expect(try STUNMessage.parse(response.bytes).get().type == .bindingSuccess)
        #expect(agent.remoteCandidates.map(\.kind) == [.prflx])
        #expect(agent.nextTimeoutNs == nil)
        agent.start(nowNs: 1_000)
        // The triggered check queued by that request is the first to go out.
        let check = try #require(self.drain(agent).first)
        #expect(check.destination == self.b)
    }

    @Test(
        arguments: [
            ("no USERNAME", 400), ("no MESSAGE-INTEGRITY", 400), ("wrong password", 401), ("wrong local ufrag", 401),
            ("wrong remote ufrag", 401), ("no PRIORITY", 400), ("unknown required attribute", 420),
        ] as [(String, Int)]
    )
    func badRequestsGetErrorResponses(_ fault: String, code: Int) throws {
        let agent = self.started(.controlled)
        _ = self.drain(agent)
        let wrongKey = STUNMessage.shortTermKey(password: "notThePasswordAtAll12345")
        let id = STUNTransactionID(upper: 1, lower: 2)
        let bytes: [UInt8] =
            switch fault {
            case "no USERNAME":
                STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.priority(1)])
                    .encode(integrityKey: self.aKey, fingerprint: true)
            case "no MESSAGE-INTEGRITY":
                STUNMessage(type: .bindingRequest, transactionID: id, attributes: [.username("AAcall:BBagent")])
                    .encode(integrityKey: nil, fingerprint: true)
            case "wrong password": self.request(key: wrongKey, id: id)
            case "wrong local ufrag": self.request(username: "XXcall:BBagent", id: id)
            case "wrong remote ufrag": self.request(username: "AAcall:CCother", id: id)
            case "no PRIORITY": self.request([.iceControlling(tieBreaker: 5)], id: id)
            default:
                self.request([.priority(1), .unknown(type: STUNAttributeType(rawValue: 0x7F01), value: [1])], id: id)
            }
        agent.receive(bytes, from: self.b, nowNs: 10)
        let response = try #require(self.drain(agent).first)
        let message = try STUNMessage.parse(response.bytes).get()
        #expect(message.type == .bindingError)
        #expect(message.transactionID == id)
        #expect(message.errorCode?.code == code)
        #expect(STUNMessage.verifyFingerprint(bytes: response.bytes))
        // Only an authenticated request's error is authenticated.
        #expect(
            STUNMessage.verifyIntegrity(bytes: response.bytes, key: self.aKey)
                == (code == 400 && fault == "no PRIORITY" || code == 420)
        )
        if code == 420 {
            #expect(
                message.attributes.contains(.unknown(type: ICERequestCheck.unknownAttributesType, value: [0x7F, 0x01]))
            )
        }
        #expect(agent.droppedUnverified == (code == 401 || fault.hasPrefix("no U") || fault.hasPrefix("no M") ? 1 : 0))
        #expect(agent.remoteCandidates.count == 1)  // no peer-reflexive candidate from a rejected request
        #expect(agent.state == .checking)
    }

    @Test func aTamperedRequestIsCountedAndChangesNothing() throws {
        let agent = self.started(.controlled)
        _ = self.drain(agent)
        // A valid fingerprint over a wrong HMAC: the request of someone who does not know the password.
        let tampered = self.request([.priority(9), .iceControlling(tieBreaker: 9), .useCandidate], key: self.bKey)
        agent.receive(tampered, from: STUNAddress.ipv4(203, 0, 113, 66, port: 6666), nowNs: 10)
        #expect(agent.droppedUnverified == 1)
        #expect(agent.remoteCandidates.count == 1)
        #expect(agent.pairs.allSatisfy { !$0.nominatedByPeer })
        #expect(agent.role == .controlled)
        let answer = try STUNMessage.parse(try #require(self.drain(agent).first).bytes).get()
        #expect(answer.errorCode?.code == 401)
    }

    // MARK: - Responses to our checks

    @Test func aTamperedResponseIsCountedAndTheCheckRetransmits() throws {
        let agent = ICEFixtures.agent(.controlling, remoteIsLite: true)
        agent.addRemoteCandidate(ICEFixtures.candidate(self.b))
        agent.start(nowNs: 0)
        let check = try #require(self.drain(agent).first)
        agent.receive(try self.success(to: check.bytes, key: self.aKey), from: self.b, nowNs: 1)
        #expect(agent.droppedUnverified == 1)
        #expect(agent.pairs[0].state == .inProgress)
        // A flipped bit with a stale FINGERPRINT is dropped too.
        var flipped = try self.success(to: check.bytes)
        flipped[flipped.count - 30] ^= 0x01
        agent.receive(flipped, from: self.b, nowNs: 2)
        #expect(agent.droppedUnverified == 2)
        agent.handleTimeout(nowNs: 250_000_000)
        let retransmit = try #require(self.drain(agent).first)
        #expect(retransmit.bytes == check.bytes)
        agent.receive(try self.success(to: retransmit.bytes), from: self.b, nowNs: 260_000_000)
        #expect(agent.pairs[0].state == .succeeded)
    }

    @Test func responsesThatMatchNothingAreCounted() throws {
        let agent = self.started(.controlling)
        let check = try #require(self.drain(agent).first)
        let stray = STUNMessage(
            type: .bindingSuccess,
            transactionID: STUNTransactionID(upper: 9, lower: 9),
            attributes: [.xorMappedAddress(self.a)]
        )
        .encode(integrityKey: self.bKey, fingerprint: true)
        agent.receive(stray, from: check.destination, nowNs: 1)
        let indication = STUNMessage(type: .bindingIndication, transactionID: STUNTransactionID(upper: 1, lower: 1))
            .encode(integrityKey: nil, fingerprint: true)
        agent.receive(indication, from: check.destination, nowNs: 2)
        #expect(agent.droppedUnmatched == 2)
        agent.receive([0x80, 0x00, 0x00, 0x00], from: check.destination, nowNs: 3)
        agent.receive([], from: check.destination, nowNs: 3)
        #expect(agent.droppedUnverified == 2)
        #expect(agent.pairs[0].state == .inProgress)
    }

    @Test func anAnswerFromElsewhereFailsThePair() throws {
        let agent = self.started(.controlling)
        let check = try #require(self.drain(agent).first)
        agent.receive(try self.success(to: check.bytes), from: STUNAddress.ipv4(198, 51, 100, 99, port: 1), nowNs: 1)
        #expect(agent.pairs[0].state == .failed)
    }

    @Test func anUnauthenticated401FailsThePairAndNamesItInTheReason() throws {
        let agent = self.started(.controlling)
        agent.endOfRemoteCandidates()
        let check = try #require(self.drain(agent).first)
        agent.receive(try self.error(.unauthenticated, to: check.bytes, key: nil), from: check.destination, nowNs: 1)
        #expect(agent.state == .failed)
        #expect(
            self.events(agent) == [
                .failed(
                    reason:
                        "ICE: the only candidate pair failed; last error: 401 Unauthenticated from 198.51.100.20:50000"
                )
            ]
        )
    }

    @Test func anUnauthenticated487IsIgnored() throws {
        let agent = self.started(.controlling)
        let check = try #require(self.drain(agent).first)
        agent.receive(try self.error(.roleConflict, to: check.bytes, key: nil), from: check.destination, nowNs: 1)
        #expect(agent.role == .controlling)
        #expect(agent.droppedUnverified == 1)
    }

    // MARK: - Role conflicts, one side at a time

    @Test(arguments: [ICEAgent.Role.controlling, .controlled])
    func a487ResponseFlipsOurRoleAndRetriesTheCheck(role: ICEAgent.Role) throws {
        let agent = self.started(role)
        let check = try #require(self.drain(agent).first)
        agent.receive(
            try self.error(.roleConflict, to: check.bytes, key: self.bKey),
            from: check.destination,
            nowNs: 1_000
        )
        let flipped: ICEAgent.Role = role == .controlling ? .controlled : .controlling
        #expect(agent.role == flipped)
        #expect(self.drain(agent).isEmpty)  // the retry waits for the pacing slot
        agent.handleTimeout(nowNs: 50_000_000)
        let retry = try #require(self.drain(agent).first)
        #expect(retry.destination == check.destination)
        let message = try STUNMessage.parse(retry.bytes).get()
        #expect(message.iceControlling == (flipped == .controlling ? 0x1111 : nil))
        #expect(message.iceControlled == (flipped == .controlled ? 0x1111 : nil))
        #expect(message.transactionID != (try STUNMessage.parse(check.bytes).get().transactionID))
        // Pair priorities follow the new role.
        let pair = agent.pairs[0]
        #expect(pair.priority == agent.pairPriority(local: pair.local, remote: pair.remote))
    }

    @Test(arguments: [(UInt64(0x1000), true), (UInt64(0x1111), false), (UInt64(0x2000), false)])
    func aControllingRequestMeetsAControllingAgent(theirs: UInt64, weSwitch: Bool) throws {
        // Our tie-breaker is 0x1111: a larger one wins (we switch and answer), ours if larger or equal (487).
        let agent = self.started(.controlling)
        _ = self.drain(agent)
        let theirTieBreaker: UInt64 = weSwitch ? 0x2000 : theirs
        agent.receive(
            self.request([.priority(5), .iceControlling(tieBreaker: theirTieBreaker)]),
            from: self.b.with(port: 50_000, host: 20),
            nowNs: 1
        )
        let answer = try STUNMessage.parse(try #require(self.drain(agent).first).bytes).get()
        if theirTieBreaker > 0x1111 {
            #expect(agent.role == .controlled)
            #expect(answer.type == .bindingSuccess)
        } else {
            #expect(agent.role == .controlling)
            #expect(answer.errorCode == .roleConflict)
            #expect(agent.pairs[0].state == .inProgress)  // a 487'd request triggers nothing
        }
    }

    @Test(arguments: [UInt64(0x1000), 0x1111, 0x2000])
    func aControlledRequestMeetsAControlledAgent(theirs: UInt64) throws {
        let agent = self.started(.controlled)
        _ = self.drain(agent)
        agent.receive(
            self.request([.priority(5), .iceControlled(tieBreaker: theirs)]),
            from: self.b.with(port: 50_000, host: 20),
            nowNs: 1
        )
        let answer = try STUNMessage.parse(try #require(self.drain(agent).first).bytes).get()
        if theirs <= 0x1111 {
            #expect(agent.role == .controlling)  // ours is larger or equal: we take control
            #expect(answer.type == .bindingSuccess)
        } else {
            #expect(agent.role == .controlled)
            #expect(answer.errorCode == .roleConflict)
        }
    }

    // MARK: - The controlled agent's nomination

    @Test func aNominationOnASucceededPairSelectsItAtOnce() throws {
        let agent = self.started(.controlled)
        let check = try #require(self.drain(agent).first)
        agent.receive(try self.success(to: check.bytes), from: check.destination, nowNs: 5)
        #expect(agent.pairs[0].state == .succeeded)
        #expect(self.events(agent).isEmpty)
        agent.receive(
            self.request([.priority(5), .iceControlling(tieBreaker: 0x2222), .useCandidate]),
            from: check.destination,
            nowNs: 40
        )
        #expect(self.events(agent) == [.selected(remote: check.destination)])
        #expect(agent.selectedRemote == check.destination)
        #expect(agent.state == .connected)
    }

    @Test func aNominationBeforeSuccessSelectsWhenTheTriggeredCheckSucceeds() throws {
        let agent = self.started(.controlled)
        let first = try #require(self.drain(agent).first)
        agent.receive(
            self.request([.priority(5), .iceControlling(tieBreaker: 0x2222), .useCandidate]),
            from: first.destination,
            nowNs: 10
        )
        #expect(self.events(agent).isEmpty)
        #expect(agent.pairs[0].nominatedByPeer)
        let answer = self.drain(agent)
        #expect(answer.count == 1)  // the success response; the triggered check waits for its slot
        agent.handleTimeout(nowNs: 50_000_000)
        let triggered = try #require(self.drain(agent).first)
        #expect(triggered.bytes != first.bytes)
        agent.receive(try self.success(to: triggered.bytes), from: first.destination, nowNs: 51_000_000)
        #expect(self.events(agent) == [.selected(remote: first.destination)])
    }

    @Test func aControllingAgentIgnoresUseCandidateFromItsPeer() throws {
        let agent = self.started(.controlling)
        let check = try #require(self.drain(agent).first)
        agent.receive(
            self.request([.priority(5), .iceControlled(tieBreaker: 0x2222), .useCandidate]),
            from: check.destination,
            nowNs: 10
        )
        #expect(self.events(agent).isEmpty)
        #expect(agent.pairs[0].nominatedByPeer == false)
    }

    // MARK: - Failing early

    @Test func noRemoteCandidatesFailsAtOnce() throws {
        let before = ICEFixtures.agent(.controlling)
        before.endOfRemoteCandidates()
        before.start(nowNs: 0)
        #expect(self.events(before) == [.failed(reason: "ICE: no remote candidates")])
        #expect(before.state == .failed)
        #expect(self.drain(before).isEmpty)

        let after = ICEFixtures.agent(.controlling)
        after.start(nowNs: 0)
        #expect(self.events(after).isEmpty)
        var mDNS = ICEFixtures.candidate(self.b)
        mDNS.address = "caller.local"
        after.addRemoteCandidate(mDNS)
        after.endOfRemoteCandidates()
        #expect(
            self.events(after) == [
                .failed(reason: "ICE: no usable remote candidates (1 ignored, 1 of them mDNS .local names)")
            ]
        )
    }

    @Test func noRemoteCandidatesInTimeFailsAtTheConnectTimeout() {
        let agent = ICEFixtures.agent(.controlling)
        agent.start(nowNs: 1_000)
        #expect(agent.nextTimeoutNs == 5_000_001_000)
        agent.handleTimeout(nowNs: 5_000_001_000)
        #expect(self.events(agent) == [.failed(reason: "ICE: no remote candidates arrived in 5 s")])
    }

    @Test func noLocalAddressesFailsAtStart() {
        let agent = ICEFixtures.agent(.controlling, addresses: [])
        agent.addRemoteCandidate(ICEFixtures.candidate(self.b))
        agent.start(nowNs: 0)
        #expect(self.events(agent) == [.failed(reason: "ICE: no local addresses")])
    }

    @Test func aCandidateTrickledAfterStartIsCheckedAtOnce() throws {
        let agent = ICEFixtures.agent(.controlling)
        agent.start(nowNs: 0)
        #expect(agent.nextTimeoutNs == 5_000_000_000)
        agent.addRemoteCandidate(ICEFixtures.candidate(self.b))
        #expect(agent.nextTimeoutNs == 0)  // due: the pacing slot is free
        agent.handleTimeout(nowNs: 70_000_000)
        #expect(self.drain(agent).map(\.destination) == [self.b])
    }

    @Test(arguments: [UInt64(0), .max])
    func extremeConfigurationsNeverTrap(value: UInt64) {
        var configuration = ICEAgent.Configuration()
        configuration.connectTimeoutNs = value
        configuration.pacingNs = value
        configuration.initialRetransmitNs = value
        configuration.consentIntervalNs = value
        configuration.consentTimeoutNs = value
        configuration.maxRetransmits = value == 0 ? -1 : .max
        let network = ICEFixtures.liteNetwork(configuration: configuration)
        network.start()
        network.run(until: 100_000_000_000)
        #expect(network.a.state != .new)
    }

    @Test func manyRetransmitsStillEnd() {
        var configuration = ICEAgent.Configuration()
        configuration.maxRetransmits = 1_000
        configuration.initialRetransmitNs = 1
        configuration.connectTimeoutNs = .max
        let agent = ICEFixtures.agent(.controlling, configuration: configuration)
        agent.addRemoteCandidate(ICEFixtures.candidate(self.b))
        agent.endOfRemoteCandidates()
        agent.start(nowNs: 0)
        var calls = 0
        while let next = agent.nextTimeoutNs, calls < 1_000 {
            agent.handleTimeout(nowNs: next)
            calls += 1
        }
        // 40 transmissions at most (the timeout stops doubling there), then the pair and the agent fail.
        #expect(agent.state == .failed)
        #expect(calls == 40)
    }

    @Test func secondsAreWrittenForPeople() {
        #expect(ICEAgent.seconds(5_000_000_000) == "5 s")
        #expect(ICEAgent.seconds(2_500_000_000) == "2.5 s")
        #expect(ICEAgent.seconds(1_250_000_000) == "1.25 s")
        #expect(ICEAgent.seconds(50_000_000) == "0.05 s")
        #expect(ICEAgent.seconds(30_000_000_000) == "30 s")
        #expect(ICEAgent.seconds(0) == "0 s")
    }
}

extension STUNAddress {
    /// 198.51.100.`host`:`port`, for tests that address B's candidates by number.
    func with(port: UInt16, host: UInt8) -> STUNAddress {
        .ipv4(198, 51, 100, host, port: port)
    }
}
