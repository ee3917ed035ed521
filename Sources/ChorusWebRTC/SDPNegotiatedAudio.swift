/// What an answer agreed to for the call's one audio stream: the codec and payload type to send, the DTLS role to
/// take, and the far end's ICE credentials, certificate fingerprints and candidates.
public struct SDPNegotiatedAudio: Sendable, Hashable {
    /// The codec both sides will use.
    public enum Codec: String, Sendable, Hashable {
        /// Opus (RFC 7587), RTP clock 48 kHz.
        case opus
        /// G.711 µ-law, RTP clock 8 kHz.
        case pcmu
    }

    /// Our side of the DTLS handshake (RFC 5763 §5).
    public enum DTLSRole: String, Sendable, Hashable {
        /// We send the ClientHello: the answer said `a=setup:passive`.
        case client
        /// We wait for the agent's ClientHello: the answer said `a=setup:active`.
        case server
    }

    /// The chosen codec: Opus when the answer kept it, else PCMU.
    public var codec: Codec
    /// The payload type for that codec as the answer numbered it (not necessarily the offer's 111).
    public var payloadType: UInt8
    /// The RTP clock rate in Hz: 48000 for Opus, 8000 for PCMU.
    public var clockRate: Int
    /// The channel count from the answer's `a=rtpmap` (2 for Opus, which RFC 7587 requires whatever is sent).
    public var channels: Int
    /// The answer's `a=fmtp` for that payload type, as written, if it had one.
    public var formatParameters: String?
    /// The answer's `a=mid` for the audio section.
    public var mid: String?
    /// Whether we are the DTLS client or server.
    public var dtlsRole: DTLSRole
    /// The agent's certificate fingerprints that a DTLS stack can check (known hash, right length), in order.
    public var remoteFingerprints: [SDPFingerprint]
    /// The agent's ICE username fragment.
    public var remoteICEUfrag: String
    /// The agent's ICE password.
    public var remoteICEPassword: String
    /// True when the agent is ICE-lite: it never sends checks, so we control and nominate.
    public var remoteICELite: Bool
    /// The agent's UDP candidates for component 1, in the answer's order; empty when it trickles them later.
    public var remoteCandidates: [SDPCandidate]
    /// True when the answer said `a=ice-options:trickle`: more candidates may arrive after it.
    public var remoteTrickles: Bool
    /// True when the answer said `a=end-of-candidates`: no more will come.
    public var remoteCandidatesComplete: Bool
    /// The answer's id for the ssrc-audio-level header extension, when we offered it and the answer kept it.
    public var audioLevelExtensionID: Int?
    /// The agent's first `a=ssrc` in the audio section, if it announced one.
    public var remoteSSRC: UInt32?
}
