extension SDPOffer {
    /// Reads the agent's answer to this offer and checks that it can carry the call.
    ///
    /// The rules, in the order they are checked (the first that fails is the error):
    /// 1. The text is SDP (`SDPError.notSDP`).
    /// 2. It has an `m=audio` section whose port is not 0, unless `a=bundle-only` (`noAudioSection`,
    ///    `unreadableAudioLine`, `audioRejected`); the first such section is the call's.
    /// 3. Its profile is DTLS-SRTP, `…RTP/SAVPF` or `…RTP/SAVP` (`unsupportedProfile`).
    /// 4. It keeps Opus/48000, or else PCMU/8000, under whatever payload type it numbers them (`noSupportedCodec`).
    /// 5. It is `sendrecv`, written or by default (`audioNotSendRecv`).
    /// 6. It has `a=rtcp-mux` (`missingRTCPMux`).
    /// 7. ICE credentials, fingerprints and setup come from the section, else its BUNDLE tag's section, else the
    ///    session level: `a=ice-ufrag`, `a=ice-pwd` (`missingICEUfrag`, `missingICEPassword`), at least one usable
    ///    `a=fingerprint` (`missingFingerprint`, `unusableFingerprint`), and `a=setup:active` (we are the DTLS server)
    ///    or `passive` (we are the client) (`missingSetup`, `invalidSetup` for `actpass` and anything else).
    /// 8. It has a UDP candidate for component 1, unless it trickles (`a=ice-options:trickle`) and has not said
    ///    `a=end-of-candidates`, when none yet is fine (`missingCandidates`, `noUsableCandidates`).
    public func negotiate(answer text: some StringProtocol) -> Result<SDPNegotiatedAudio, SDPError> {
        SDPSessionDescription.parse(text).flatMap { self.negotiate(answer: $0) }
    }

    /// Checks an answer already read; the rules are those of `negotiate(answer:)` for text.
    public func negotiate(answer: SDPSessionDescription) -> Result<SDPNegotiatedAudio, SDPError> {
        let parts: SDPAudioParts
        switch SDPAudioParts.read(answer) {
        case .success(let p): parts = p
        case .failure(let error): return .failure(error)
        }
        let (audio, chosen, opus, transportSection, transport) =
            (parts.audio, parts.chosen, parts.opus, parts.transportSection, parts.transport)
        let (ufrag, password, fingerprints) = (parts.ufrag, parts.password, parts.fingerprints)
        guard let setup = transport.setupValue else { return .failure(.missingSetup) }
        let role: SDPNegotiatedAudio.DTLSRole
        switch SDPSetup(rawValue: setup) {
        case .active: role = .server
        case .passive: role = .client
        case .actpass, .holdconn, nil: return .failure(.invalidSetup(setup))
        }
        let candidates = transportSection.candidates.filter { $0.transport == "udp" && $0.component == 1 }
        let mayTrickleMore = transport.trickles && !transport.endOfCandidates
        if candidates.isEmpty && !mayTrickleMore {
            if transportSection.candidates.isEmpty { return .failure(.missingCandidates) }
            return .failure(.noUsableCandidates(count: transportSection.candidates.count))
        }
        let audioLevelID =
            self.audioLevelExtensionID == nil
            ? nil : audio.extensionMaps.first { $0.uri == Self.audioLevelURI }?.id
        return .success(
            SDPNegotiatedAudio(
                codec: opus != nil ? .opus : .pcmu,
                payloadType: chosen.payloadType,
                clockRate: chosen.clockRate,
                channels: chosen.channels,
                formatParameters: audio.formatParameters[chosen.payloadType],
                mid: audio.mid,
                dtlsRole: role,
                remoteFingerprints: fingerprints,
                remoteICEUfrag: ufrag,
                remoteICEPassword: password,
                remoteICELite: transport.iceLite,
                remoteCandidates: candidates,
                remoteTrickles: transport.trickles,
                remoteCandidatesComplete: transport.endOfCandidates,
                audioLevelExtensionID: audioLevelID,
                remoteSSRC: audio.sources.first?.ssrc
            )
        )
    }
}
