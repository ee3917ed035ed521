/// The answer an ICE-lite endpoint (the reference agent) gives a caller's offer: one audio m-line with the offer's
/// Opus (or PCMU) payload type, BUNDLE, rtcp-mux, our fingerprint and one host candidate.
///
/// Pure: reads the offer and writes text. What the offer asked for comes back as an `SDPNegotiatedAudio` seen
/// from the answerer's side (`dtlsRole` is ours, the remote fields are the caller's).
public struct SDPAnswer: Sendable, Hashable {
    /// The answer's text, CRLF after every line.
    public var sdp: String
    /// What was agreed, from the answerer's side.
    public var negotiated: SDPNegotiatedAudio

    /// Answers `offerText`.
    /// - Parameters:
    ///   - ice: our ice-ufrag and ice-pwd (checked as for an offer).
    ///   - fingerprint: our DTLS certificate's fingerprint.
    ///   - preferredRole: the DTLS role taken when the offer says `actpass`; an offer that says `active` or `passive`
    ///     decides it.
    ///   - candidate: where we listen.
    /// - Returns: the answer, or the first thing the offer lacks (`SDPError`, worded for an answer: read "offer").
    public static func answer(
        offer offerText: some StringProtocol, iceUfrag: String, icePassword: String, fingerprint: SDPFingerprint,
        preferredRole: SDPNegotiatedAudio.DTLSRole, candidate: SDPCandidate, ssrc: UInt32, cname: String,
        sessionID: UInt64
    ) -> Result<SDPAnswer, SDPError> {
        // The offer is read with the same rules as an answer (one sendrecv audio m-line, DTLS-SRTP, rtcp-mux, ICE
        // credentials, a usable fingerprint), except that `actpass` is what an offer normally says.
        let parsed: SDPSessionDescription
        switch SDPSessionDescription.parse(offerText) {
        case .success(let p): parsed = p
        case .failure(let error): return .failure(error)
        }
        let parts: SDPAudioParts
        switch SDPAudioParts.read(parsed) {
        case .success(let p): parts = p
        case .failure(let error): return .failure(error)
        }
        let (audio, chosen, opus, transportSection, transport) =
            (parts.audio, parts.chosen, parts.opus, parts.transportSection, parts.transport)
        let (ufrag, password, fingerprints) = (parts.ufrag, parts.password, parts.fingerprints)
        let role: SDPNegotiatedAudio.DTLSRole
        switch transport.setup {
        case .active: role = .server
        case .passive: role = .client
        case .actpass, nil: role = preferredRole
        case .holdconn: return .failure(.invalidSetup("holdconn"))
        }
        guard (4...256).contains(iceUfrag.count), iceUfrag.allSatisfy(SDPSyntax.isICEChar) else {
            return .failure(.invalidLocalICEUfrag(length: iceUfrag.count))
        }
        guard (22...256).contains(icePassword.count), icePassword.allSatisfy(SDPSyntax.isICEChar) else {
            return .failure(.invalidLocalICEPassword(length: icePassword.count))
        }
        let mid = audio.mid ?? "0"
        let levelID = audio.extensionMaps.first { $0.uri == SDPOffer.audioLevelURI }?.id
        var lines = [
            "v=0",
            "o=- \(sessionID & 0x7FFF_FFFF_FFFF_FFFF) 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=ice-lite",
            "a=group:BUNDLE \(mid)",
            "m=audio \(candidate.port) UDP/TLS/RTP/SAVPF \(chosen.payloadType)",
            "c=IN IP4 \(candidate.address)",
            "a=mid:\(mid)",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=ice-ufrag:\(iceUfrag)",
            "a=ice-pwd:\(icePassword)",
            "a=fingerprint:\(fingerprint.attributeValue)",
            // Our role, as RFC 5763 §5 words it: active starts the handshake (DTLS client).
            "a=setup:\(role == .client ? "active" : "passive")",
            "a=rtpmap:\(chosen.payloadType) \(chosen.encoding)/\(chosen.clockRate)\(chosen.channels > 1 ? "/\(chosen.channels)" : "")",
        ]
        if let parameters = audio.formatParameters[chosen.payloadType] {
            lines.append("a=fmtp:\(chosen.payloadType) \(parameters)")
        }
        if let levelID { lines.append("a=extmap:\(levelID) \(SDPOffer.audioLevelURI)") }
        lines.append("a=ssrc:\(ssrc) cname:\(cname)")
        lines.append("a=candidate:" + candidate.attributeValue)
        lines.append("a=end-of-candidates")
        let negotiated = SDPNegotiatedAudio(
            codec: opus != nil ? .opus : .pcmu, payloadType: chosen.payloadType, clockRate: chosen.clockRate,
            channels: chosen.channels, formatParameters: audio.formatParameters[chosen.payloadType], mid: mid,
            dtlsRole: role, remoteFingerprints: fingerprints, remoteICEUfrag: ufrag, remoteICEPassword: password,
            remoteICELite: transport.iceLite,
            remoteCandidates: transportSection.candidates.filter { $0.transport == "udp" && $0.component == 1 },
            remoteTrickles: transport.trickles, remoteCandidatesComplete: transport.endOfCandidates,
            audioLevelExtensionID: levelID, remoteSSRC: audio.sources.first?.ssrc)
        return .success(SDPAnswer(sdp: lines.joined(separator: "\r\n") + "\r\n", negotiated: negotiated))
    }
}
