import ChorusCore
import ChorusWebRTC
import Testing

/// The reference agent's side of offer/answer: its answer must be one our own offer side (and so a real caller)
/// accepts, with the DTLS roles the two sides agree on.
@Suite struct SDPAnswerTests {
    static let agentFingerprint = SDPFingerprint(algorithm: "sha-256", bytes: (0..<32).map { UInt8(255 - $0) })

    static func answer(
        _ offer: String, role: SDPNegotiatedAudio.DTLSRole = .client
    ) -> Result<SDPAnswer, SDPError> {
        SDPAnswer.answer(
            offer: offer, iceUfrag: "agnt", icePassword: "agentpasswordagentpass", fingerprint: Self.agentFingerprint,
            preferredRole: role, candidate: .host(foundation: "1", address: "192.0.2.99", port: 40_000), ssrc: 77,
            cname: "agent", sessionID: 5)
    }

    @Test("An answer to our offer negotiates back to the same codec, credentials and complementary DTLS roles",
          arguments: [SDPNegotiatedAudio.DTLSRole.client, .server])
    func roundTrip(role: SDPNegotiatedAudio.DTLSRole) throws {
        let offer = try SDPTests.makeOffer()
        let answer = try Self.answer(offer.sdp, role: role).get()
        #expect(answer.sdp.contains("a=ice-lite\r\n"))
        #expect(answer.sdp.contains("a=setup:\(role == .client ? "active" : "passive")\r\n"))
        #expect(answer.negotiated.dtlsRole == role)
        #expect(answer.negotiated.remoteICEUfrag == offer.iceUfrag)
        #expect(answer.negotiated.remoteFingerprints == [SDPTests.localFingerprint.normalizedForTest])
        #expect(answer.negotiated.payloadType == SDPOffer.opusPayloadType)
        let caller = try offer.negotiate(answer: answer.sdp).get()
        #expect(caller.dtlsRole != role, "one side is the DTLS client, the other the server")
        #expect(caller.remoteICELite)
        #expect(caller.remoteICEUfrag == "agnt" && caller.remoteICEPassword == "agentpasswordagentpass")
        #expect(caller.remoteCandidates.map(\.address) == ["192.0.2.99"] && caller.remoteCandidates.first?.port == 40_000)
        #expect(caller.remoteFingerprints == [Self.agentFingerprint])
        #expect(caller.codec == .opus && caller.audioLevelExtensionID == 1)
    }

    @Test("An offer that says active or passive decides the answerer's role")
    func offerDecidesRole() throws {
        let offer = try SDPTests.makeOffer().sdp
        let active = try Self.answer(offer.replacingOccurrences(of: "a=setup:actpass", with: "a=setup:active")).get()
        #expect(active.negotiated.dtlsRole == .server && active.sdp.contains("a=setup:passive"))
        let passive = try Self.answer(offer.replacingOccurrences(of: "a=setup:actpass", with: "a=setup:passive")).get()
        #expect(passive.negotiated.dtlsRole == .client && passive.sdp.contains("a=setup:active"))
    }

    @Test("Offers a WebRTC agent cannot answer name what is missing")
    func unanswerableOffers() throws {
        let offer = try SDPTests.makeOffer().sdp
        #expect(throws: SDPError.missingRTCPMux) { try Self.answer(offer.replacingOccurrences(of: "a=rtcp-mux\r\n", with: "")).get() }
        #expect(throws: SDPError.missingFingerprint) {
            try Self.answer(Self.dropping("a=fingerprint", from: offer)).get()
        }
        #expect(throws: SDPError.missingICEUfrag) { try Self.answer(Self.dropping("a=ice-ufrag", from: offer)).get() }
        let noCodec = offer.replacingOccurrences(of: "opus/48000/2", with: "G722/8000").replacingOccurrences(of: "PCMU/8000", with: "PCMA/8000")
        #expect(throws: SDPError.self) { try Self.answer(noCodec).get() }
        #expect(throws: SDPError.self) { try Self.answer("hello").get() }
    }

    /// `offer` without its lines starting `prefix`.
    static func dropping(_ prefix: String, from offer: String) -> String {
        offer.components(separatedBy: "\r\n").filter { !$0.hasPrefix(prefix) }.joined(separator: "\r\n")
    }

    @Test("A PCMU-only offer is answered with PCMU")
    func pcmuOnly() throws {
        let offer = try SDPTests.makeOffer().sdp.replacingOccurrences(of: "UDP/TLS/RTP/SAVPF 111 0", with: "UDP/TLS/RTP/SAVPF 0")
        let answer = try Self.answer(offer).get()
        #expect(answer.negotiated.codec == .pcmu && answer.negotiated.payloadType == 0)
        #expect(answer.sdp.contains("m=audio 40000 UDP/TLS/RTP/SAVPF 0\r\n"))
    }
}

extension SDPFingerprint {
    /// As the parser reads it back: the algorithm lower-cased.
    fileprivate var normalizedForTest: SDPFingerprint { SDPFingerprint(algorithm: self.algorithm.lowercased(), bytes: self.bytes) }
}
