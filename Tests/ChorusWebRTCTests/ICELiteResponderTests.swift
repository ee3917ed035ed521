import ChorusCore
import Testing

@testable import ChorusWebRTC

@Suite struct ICELiteResponderTests {
    let local = ICECredentials(ufrag: "BBagent", password: "bPasswordOfTwentyFour/xx")
    let key = STUNMessage.shortTermKey(password: "bPasswordOfTwentyFour/xx")
    let caller = STUNAddress.ipv4(192, 0, 2, 10, port: 40_000)
    let caller6 = STUNAddress(host: .ipv6(high: 0x2001_0DB8_0000_0000, low: 0x0000_0000_0000_000A), port: 40_000)
    let id = STUNTransactionID(upper: 0xCAFE, lower: 0xF00D)

    func request(_ attributes: [STUNAttribute], username: String? = "BBagent:AAcall", key: [UInt8]? = nil) -> [UInt8] {
        let all = (username.map { [STUNAttribute.username($0)] } ?? []) + attributes
        return STUNMessage(type: .bindingRequest, transactionID: self.id, attributes: all)
            .encode(integrityKey: key ?? self.key, fingerprint: true)
    }

    @Test func anAuthenticCheckGetsASuccessResponseWithItsSource() throws {
        let responder = ICELiteResponder(local: self.local, remoteUfrag: "AAcall")
        let bytes = try #require(
            responder.respond(to: self.request([.priority(1), .iceControlling(tieBreaker: 3)]), from: self.caller)
        )
        let response = try STUNMessage.parse(bytes).get()
        #expect(response.type == .bindingSuccess)
        #expect(response.transactionID == self.id)
        #expect(response.xorMappedAddress == self.caller)
        #expect(STUNMessage.verifyIntegrity(bytes: bytes, key: self.key))
        #expect(STUNMessage.verifyFingerprint(bytes: bytes))
        #expect(responder.nominatedRemote == nil)
        #expect(responder.answeredRequests == 1)
    }

    @Test func useCandidateNominatesTheSource() throws {
        let responder = ICELiteResponder(local: self.local, remoteUfrag: nil)
        _ = responder.respond(to: self.request([.priority(1), .iceControlling(tieBreaker: 3)]), from: self.caller)
        #expect(responder.nominatedRemote == nil)
        let nominating = self.request([.priority(1), .iceControlling(tieBreaker: 3), .useCandidate])
        _ = responder.respond(to: nominating, from: self.caller6)
        #expect(responder.nominatedRemote == self.caller6)
    }

    @Test func aNilRemoteUfragAcceptsAnyPeer() throws {
        let any = ICELiteResponder(local: self.local, remoteUfrag: nil)
        let strict = ICELiteResponder(local: self.local, remoteUfrag: "AAcall")
        let other = self.request([.priority(1)], username: "BBagent:zzzz")
        #expect(
            try STUNMessage.parse(try #require(any.respond(to: other, from: self.caller))).get().type == .bindingSuccess
        )
        #expect(
            try STUNMessage.parse(try #require(strict.respond(to: other, from: self.caller))).get().errorCode?.code
                == 401
        )
    }

    @Test(
        arguments: [
            ("no USERNAME", 400, false), ("no MESSAGE-INTEGRITY", 400, false), ("wrong password", 401, false),
            ("someone else's ufrag", 401, false), ("empty remote ufrag", 401, false), ("ICE-CONTROLLED", 487, true),
            ("unknown required attribute", 420, true),
        ] as [(String, Int, Bool)]
    )
    func badChecksGetTheErrorRFC8445Names(_ fault: String, code: Int, authenticated: Bool) throws {
        let responder = ICELiteResponder(local: self.local, remoteUfrag: nil)
        let bytes: [UInt8] =
            switch fault {
            case "no USERNAME": self.request([.priority(1)], username: nil)
            case "no MESSAGE-INTEGRITY":
                STUNMessage(type: .bindingRequest, transactionID: self.id, attributes: [.username("BBagent:AAcall")])
                    .encode(integrityKey: nil, fingerprint: true)
            case "wrong password": self.request([.priority(1)], key: Array("x".utf8))
            case "someone else's ufrag": self.request([.priority(1)], username: "CCother:AAcall")
            case "empty remote ufrag": self.request([.priority(1)], username: "BBagent:")
            case "ICE-CONTROLLED": self.request([.priority(1), .iceControlled(tieBreaker: .max)])
            default: self.request([.unknown(type: STUNAttributeType(rawValue: 0x0031), value: [])])
            }
        let answer = try #require(responder.respond(to: bytes, from: self.caller))
        let message = try STUNMessage.parse(answer).get()
        #expect(message.type == .bindingError)
        #expect(message.transactionID == self.id)
        #expect(message.errorCode?.code == code)
        #expect(STUNMessage.verifyIntegrity(bytes: answer, key: self.key) == authenticated)
        #expect(STUNMessage.verifyFingerprint(bytes: answer))
        #expect(responder.rejectedRequests == 1)
        #expect(responder.nominatedRemote == nil)
    }

    @Test func garbageIndicationsAndResponsesGetNoAnswer() {
        let responder = ICELiteResponder(local: self.local, remoteUfrag: nil)
        let good = self.request([.priority(1)])
        var badFingerprint = good
        badFingerprint[badFingerprint.count - 1] ^= 1
        let noFingerprint = STUNMessage(
            type: .bindingRequest,
            transactionID: self.id,
            attributes: [.username("BBagent:AAcall")]
        )
        .encode(integrityKey: self.key, fingerprint: false)
        let indication = STUNMessage(type: .bindingIndication, transactionID: self.id).encode(
            integrityKey: nil,
            fingerprint: true
        )
        let response = STUNMessage(
            type: .bindingSuccess,
            transactionID: self.id,
            attributes: [.xorMappedAddress(self.caller)]
        )
        .encode(integrityKey: self.key, fingerprint: true)
        let rtp: [UInt8] = [0x80, 0x6F] + Array(repeating: 0, count: 30)
        for datagram in [[], [0x00], rtp, badFingerprint, noFingerprint, indication, response, Array(good.prefix(20))] {
            #expect(responder.respond(to: datagram, from: self.caller) == nil)
        }
        #expect(responder.ignoredDatagrams == 8)
        #expect(responder.answeredRequests == 0)
    }
}
