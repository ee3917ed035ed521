import ChorusCore
import Testing

@testable import ChorusWebRTC

/// Random and mutated datagrams into the agent (in every state) and the lite responder: nothing traps, and
/// nothing unauthenticated changes the agent's selection.
@Suite struct ICEFuzzTests {
    static let aKey = STUNMessage.shortTermKey(password: ICEFixtures.aCredentials.password)
    static let bKey = STUNMessage.shortTermKey(password: ICEFixtures.bCredentials.password)

    /// Real traffic to mutate: both sides' checks and answers from a controlling ↔ controlled run.
    static func corpus() -> [[UInt8]] {
        let network = ICEFixtures.agentNetwork(aRole: .controlling, bRole: .controlled)
        network.start()
        network.run(until: 20_000_000_000)
        return network.log.map(\.bytes)
    }

    static func randomAttribute(using random: inout SplitMix64) -> STUNAttribute {
        switch random.next() % 12 {
        case 0:
            .username(["AAcall:BBagent", "BBagent:AAcall", "AAcall:", ":", "AAcall:BBagent:x"][Int(random.next() % 5)])
        case 1: .priority(UInt32(truncatingIfNeeded: random.next()))
        case 2: .iceControlling(tieBreaker: random.next())
        case 3: .iceControlled(tieBreaker: random.next())
        case 4: .useCandidate
        case 5: .xorMappedAddress(random.next() % 2 == 0 ? ICEFixtures.aAddress : ICEFixtures.aAddress6)
        case 6: .errorCode(STUNErrorCode(code: Int(300 + random.next() % 400), reason: "x"))
        case 7: .software("fuzz")
        case 8: .mappedAddress(ICEFixtures.bAddress)
        case 9:
            .unknown(type: STUNAttributeType(rawValue: UInt16(truncatingIfNeeded: random.next())), value: [1, 2, 3])
        default: .priority(0)
        }
    }

    /// A well-formed message with random class and attributes, keyed with one of the passwords (or none) and
    /// with a valid FINGERPRINT, so it reaches the agent's logic rather than the parser's checks.
    static func randomMessage(using random: inout SplitMix64, ids: [STUNTransactionID]) -> [UInt8] {
        let classes: [STUNMessageType.Class] = [.request, .successResponse, .errorResponse, .indication]
        let type = STUNMessageType(
            messageClass: classes[Int(random.next() % 4)],
            method: random.next() % 8 == 0 ? 2 : 1
        )
        let id =
            ids.isEmpty || random.next() % 3 == 0
            ? STUNTransactionID.random(using: &random) : ids[Int(random.next() % UInt64(ids.count))]
        let attributes = (0..<Int(random.next() % 6)).map { _ in Self.randomAttribute(using: &random) }
        let key: [UInt8]? = [Self.aKey, Self.bKey, nil][Int(random.next() % 3)]
        return STUNMessage(type: type, transactionID: id, attributes: attributes).encode(
            integrityKey: key,
            fingerprint: true
        )
    }

    static func mutate(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        switch random.next() % 4 {
        case 0:
            for _ in 0..<(1 + random.next() % 4) where !bytes.isEmpty {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
        case 1:
            bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
        case 2:
            bytes = (0..<Int(random.next() % 120)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if !bytes.isEmpty { bytes[0] &= 0x03 }
        default:
            // Mutate, then give it a correct FINGERPRINT so that parsing and integrity checks run on it.
            guard bytes.count > 28 else { break }
            bytes[20 + Int(random.next() % UInt64(bytes.count - 28))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            let crc =
                bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[..<(bytes.count - 8)])) }
                ^ STUNMessage.fingerprintXOR
            bytes.replaceSubrange(
                (bytes.count - 4)...,
                with: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> UInt32($0)) }
            )
        }
        return bytes
    }

    static func sources(using random: inout SplitMix64) -> STUNAddress {
        [
            ICEFixtures.bAddress, ICEFixtures.bAddress6,
            STUNAddress.ipv4(203, 0, 113, UInt8(random.next() % 4), port: 7),
        ][
            Int(random.next() % 3)
        ]
    }

    @Test(arguments: [ICEAgent.Role.controlling, .controlled])
    func theAgentSurvivesRandomAndMutatedDatagramsInEveryState(role: ICEAgent.Role) {
        var random = SplitMix64(seed: role == .controlling ? 0x1CE : 0x1CED)
        let corpus = Self.corpus()
        for round in 0..<40 {
            let agent = ICEFixtures.agent(
                role,
                addresses: [ICEFixtures.aAddress, ICEFixtures.aAddress6],
                seed: UInt64(round)
            )
            agent.addRemoteCandidate(ICEFixtures.candidate(ICEFixtures.bAddress))
            agent.addRemoteCandidate(ICEFixtures.candidate(ICEFixtures.bAddress6, foundation: "2"))
            if round % 4 != 0 { agent.start(nowNs: 0) }
            var now: UInt64 = 0
            var ids: [STUNTransactionID] = []
            for step in 0..<500 {
                now += random.next() % 100_000_000
                if step % 7 == 0 { agent.handleTimeout(nowNs: now) }
                while let (bytes, _) = agent.popTransmit() {
                    if let message = try? STUNMessage.parse(bytes).get() { ids.append(message.transactionID) }
                }
                let datagram: [UInt8] =
                    switch random.next() % 3 {
                    case 0: Self.randomMessage(using: &random, ids: ids.suffix(4))
                    case 1: Self.mutate(corpus[Int(random.next() % UInt64(corpus.count))], using: &random)
                    default: (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    }
                agent.receive(datagram, from: Self.sources(using: &random), nowNs: now)
                while agent.popEvent() != nil {}
                if let next = agent.nextTimeoutNs, agent.state == .checking || agent.state == .connected {
                    #expect(next <= max(now, agent.connectDeadlineNs) + 60_000_000_000)
                }
            }
            #expect(agent.droppedUnverified > 0)
        }
    }

    @Test func unauthenticatedTrafficNeverSelectsAPair() {
        // Every datagram is keyed with a password nobody uses: the agent answers 400/401 at most, and selects nothing.
        var random = SplitMix64(seed: 0xBAD)
        let wrongKey = STUNMessage.shortTermKey(password: "wrongPasswordWrongPassword")
        let agent = ICEFixtures.agent(.controlled)
        agent.addRemoteCandidate(ICEFixtures.candidate(ICEFixtures.bAddress))
        agent.start(nowNs: 0)
        for step in 0..<5_000 {
            let classes: [STUNMessageType.Class] = [.request, .successResponse, .errorResponse]
            let attributes =
                (0..<Int(random.next() % 6)).map { _ in Self.randomAttribute(using: &random) } + [.useCandidate]
            let bytes = STUNMessage(
                type: STUNMessageType(messageClass: classes[step % 3], method: 1),
                transactionID: .random(using: &random),
                attributes: attributes
            )
            .encode(integrityKey: wrongKey, fingerprint: true)
            agent.receive(bytes, from: Self.sources(using: &random), nowNs: UInt64(step) * 1_000)
        }
        #expect(agent.state == .checking)
        #expect(agent.selectedRemote == nil)
        #expect(agent.remoteCandidates.count == 1)
        #expect(agent.role == .controlled)
    }

    @Test func theLiteResponderSurvivesRandomAndMutatedDatagrams() throws {
        var random = SplitMix64(seed: 0x117E)
        let corpus = Self.corpus()
        let responder = ICELiteResponder(local: ICEFixtures.aCredentials, remoteUfrag: nil)
        var answered = 0
        for _ in 0..<20_000 {
            let datagram: [UInt8] =
                switch random.next() % 3 {
                case 0: Self.randomMessage(using: &random, ids: [])
                case 1: Self.mutate(corpus[Int(random.next() % UInt64(corpus.count))], using: &random)
                default: (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                }
            guard let answer = responder.respond(to: datagram, from: Self.sources(using: &random)) else { continue }
            answered += 1
            // Whatever it answers is a well-formed response with a good FINGERPRINT.
            let message = try STUNMessage.parse(answer).get()
            #expect(message.type.messageClass == .successResponse || message.type.messageClass == .errorResponse)
            #expect(STUNMessage.verifyFingerprint(bytes: answer))
        }
        #expect(answered > 1_000)
        #expect(responder.answeredRequests > 10)  // some random requests were authentic
        #expect(responder.rejectedRequests > 500)
    }
}
