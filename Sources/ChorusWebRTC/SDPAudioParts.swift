/// What both sides of offer/answer read from the other's description before deciding anything: the call's audio
/// section and codec, its transport attributes and ICE/DTLS identity. Each check fails with the `SDPError` naming it.
struct SDPAudioParts {
    var audio: SDPMediaSection
    var chosen: SDPMediaSection.RTPMap
    var opus: SDPMediaSection.RTPMap?
    var transportSection: SDPMediaSection
    var transport: SDPTransportAttributes
    var ufrag: String
    var password: String
    var fingerprints: [SDPFingerprint]

    /// Rules 2 to 9 of `SDPOffer.negotiate(answer:)`, in that order.
    static func read(_ description: SDPSessionDescription) -> Result<SDPAudioParts, SDPError> {
        let audioSections = description.media.filter { $0.kind == "audio" }
        guard let audio = description.firstAudio else {
            if let unreadable = audioSections.first(where: { $0.port == nil }) {
                return .failure(.unreadableAudioLine(unreadable.line))
            }
            if let rejected = audioSections.first { return .failure(.audioRejected(mid: rejected.mid)) }
            return .failure(.noAudioSection(mediaKinds: description.media.map(\.kind)))
        }
        let profile = audio.profile.uppercased()
        guard profile.hasSuffix("RTP/SAVPF") || profile.hasSuffix("RTP/SAVP") else {
            return .failure(.unsupportedProfile(audio.profile))
        }
        let maps = audio.payloadTypes.compactMap { audio.rtpMap(for: $0) }
        let opus = maps.first { $0.encoding.lowercased() == "opus" && $0.clockRate == 48000 }
        let pcmu = maps.first { $0.encoding.uppercased() == "PCMU" && $0.clockRate == 8000 }
        guard let chosen = opus ?? pcmu else {
            return .failure(.noSupportedCodec(offered: maps.map { "\($0.encoding)/\($0.clockRate)" }))
        }
        let direction = audio.direction ?? .sendrecv
        guard direction == .sendrecv else { return .failure(.audioNotSendRecv(direction)) }
        let transportSection = description.transportSection(for: audio)
        guard audio.rtcpMux || audio.rtcpMuxOnly || transportSection.rtcpMux else {
            return .failure(.missingRTCPMux)
        }
        let transport = description.effectiveTransport(for: audio)
        guard let ufrag = transport.iceUfrag, !ufrag.isEmpty else { return .failure(.missingICEUfrag) }
        guard let password = transport.icePassword, !password.isEmpty else { return .failure(.missingICEPassword) }
        let fingerprints = transport.fingerprints.filter(\.isUsable)
        if fingerprints.isEmpty {
            if let bad = transport.unreadableFingerprints.first ?? transport.fingerprints.first?.attributeValue {
                return .failure(.unusableFingerprint(bad))
            }
            return .failure(.missingFingerprint)
        }
        return .success(
            SDPAudioParts(
                audio: audio, chosen: chosen, opus: opus, transportSection: transportSection, transport: transport,
                ufrag: ufrag, password: password, fingerprints: fingerprints))
    }
}
