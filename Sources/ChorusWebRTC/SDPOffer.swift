/// The caller's offer: one bundled audio section for a voice agent, Opus 111 then PCMU 0, over DTLS-SRTP with
/// RTP and RTCP on one port (RFC 8829 JSEP, RFC 8843 BUNDLE, RFC 5763 DTLS-SRTP, RFC 8839 ICE SDP).
///
/// Every input is checked when the offer is made, so an offer that exists always renders to valid SDP:
///
/// ```swift
/// let offer = try SDPOffer(sessionID: id, iceUfrag: ufrag, icePassword: pwd, fingerprint: fp, ssrc: ssrc,
///                          cname: "caller-7", candidates: [.host(foundation: "1", address: ip, port: port)])
/// post(offer.sdp)
/// switch offer.negotiate(answer: body) { case .success(let audio): … case .failure(let error): … }
/// ```
public struct SDPOffer: Sendable, Hashable {
    /// The payload type we give Opus, as browsers do.
    public static let opusPayloadType: UInt8 = 111
    /// PCMU's static payload type (RFC 3551).
    public static let pcmuPayloadType: UInt8 = 0
    /// The audio section's `a=mid`, which the BUNDLE group names.
    public static let audioMid = "0"
    /// The header extension URI for the client-to-mixer audio level (RFC 6464).
    public static let audioLevelURI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    /// Opus's format parameters: 10 ms minimum packet time and in-band FEC as browsers offer, and mono both ways
    /// (`stereo=0` asks the agent to send mono, `sprop-stereo=0` says we send mono; RFC 7587 §7.1).
    public static let opusFormatParameters = "minptime=10;useinbandfec=1;stereo=0;sprop-stereo=0"

    /// The `o=` line's session id, below 2^63 (RFC 8829 §5.2.1).
    public let sessionID: UInt64
    /// Our ICE username fragment.
    public let iceUfrag: String
    /// Our ICE password.
    public let icePassword: String
    /// The fingerprint of the certificate our DTLS side presents.
    public let fingerprint: SDPFingerprint
    /// The SSRC our RTP stream uses.
    public let ssrc: UInt32
    /// Our RTCP canonical name (RFC 7022).
    public let cname: String
    /// Our candidates, written as `a=candidate` lines.
    public let candidates: [SDPCandidate]
    /// True when we will trickle candidates after the offer: `a=ice-options:trickle` and no `a=end-of-candidates`.
    public let trickle: Bool
    /// The id for the ssrc-audio-level header extension, or nil to offer none.
    public let audioLevelExtensionID: Int?

    /// Checks every input and makes the offer.
    /// - Parameters:
    ///   - sessionID: a random 64-bit number; the top bit is cleared, as RFC 8829 §5.2.1 asks.
    ///   - iceUfrag: 4 to 256 ice-chars (A–Z a–z 0–9 + /), random per call.
    ///   - icePassword: 22 to 256 ice-chars, random per call (at least 128 bits of randomness).
    ///   - fingerprint: our DTLS certificate's fingerprint, usually `sha-256`.
    ///   - ssrc: our RTP stream's SSRC.
    ///   - cname: the RTCP CNAME: 1 to 255 printable characters without spaces.
    ///   - candidates: our candidates; with none, `trickle` should be true or the far end has nowhere to send.
    ///   - trickle: true to announce trickle ICE and leave out `a=end-of-candidates`.
    ///   - audioLevelExtensionID: 1...14 to offer the audio-level header extension under that id.
    /// - Throws: the `SDPError.invalidLocal…` case naming the first input that cannot be written.
    public init(
        sessionID: UInt64,
        iceUfrag: String,
        icePassword: String,
        fingerprint: SDPFingerprint,
        ssrc: UInt32,
        cname: String,
        candidates: [SDPCandidate] = [],
        trickle: Bool = false,
        audioLevelExtensionID: Int? = nil
    ) throws(SDPError) {
        guard (4...256).contains(iceUfrag.count), iceUfrag.allSatisfy(SDPSyntax.isICEChar) else {
            throw .invalidLocalICEUfrag(length: iceUfrag.count)
        }
        guard (22...256).contains(icePassword.count), icePassword.allSatisfy(SDPSyntax.isICEChar) else {
            throw .invalidLocalICEPassword(length: icePassword.count)
        }
        guard fingerprint.isUsable else {
            throw .invalidLocalFingerprint(algorithm: fingerprint.algorithm, byteCount: fingerprint.bytes.count)
        }
        guard cname.utf8.count <= 255, SDPSyntax.isToken(cname) else { throw .invalidLocalCNAME(cname) }
        if let bad = candidates.first(where: { !$0.isWritable }) { throw .invalidLocalCandidate(bad.attributeValue) }
        if let id = audioLevelExtensionID, !(1...14).contains(id) { throw .invalidLocalAudioLevelExtensionID(id) }
        self.sessionID = sessionID & 0x7FFF_FFFF_FFFF_FFFF
        self.iceUfrag = iceUfrag
        self.icePassword = icePassword
        self.fingerprint = fingerprint
        self.ssrc = ssrc
        self.cname = cname
        self.candidates = candidates
        self.trickle = trickle
        self.audioLevelExtensionID = audioLevelExtensionID
    }

    /// The offer's text, CRLF after every line (RFC 8866 §5).
    ///
    /// The `m=` line carries port 9 and `c=` 0.0.0.0 (RFC 8829 §5.2.1's placeholders): ICE stacks take addresses
    /// from the candidates only.
    public var sdp: String {
        var lines = [
            "v=0",
            "o=- \(self.sessionID) 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE \(Self.audioMid)",
            "m=audio 9 UDP/TLS/RTP/SAVPF \(Self.opusPayloadType) \(Self.pcmuPayloadType)",
            "c=IN IP4 0.0.0.0",
            "a=mid:\(Self.audioMid)",
            "a=sendrecv",
            // rtcp-mux without rtcp-mux-only: aiortc and older stacks do not know rtcp-mux-only, and an answer
            // without rtcp-mux is refused in negotiate(answer:) anyway.
            "a=rtcp-mux",
            "a=ice-ufrag:\(self.iceUfrag)",
            "a=ice-pwd:\(self.icePassword)",
        ]
        if self.trickle { lines.append("a=ice-options:trickle") }
        lines += [
            "a=fingerprint:\(self.fingerprint.attributeValue)",
            "a=setup:actpass",
            "a=rtpmap:\(Self.opusPayloadType) opus/48000/2",
            "a=fmtp:\(Self.opusPayloadType) \(Self.opusFormatParameters)",
            "a=rtpmap:\(Self.pcmuPayloadType) PCMU/8000",
        ]
        if let id = self.audioLevelExtensionID { lines.append("a=extmap:\(id) \(Self.audioLevelURI)") }
        lines.append("a=ssrc:\(self.ssrc) cname:\(self.cname)")
        lines += self.candidates.map { "a=candidate:" + $0.attributeValue }
        if !self.trickle { lines.append("a=end-of-candidates") }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
