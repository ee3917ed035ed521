/// What the agent's RTP endpoint has seen and done since it started. A snapshot; read it with
/// `RTPAgentEndpoint.counters()`.
public struct RTPAgentCounters: Sendable, Hashable, Codable {
    /// RTP packets that parsed.
    public var rtpReceived = 0
    /// RTCP compound packets that parsed.
    public var rtcpReceived = 0
    /// Datagrams rejected by the RTP parser (truncated, wrong version, bad padding or extension).
    public var malformedRTP = 0
    /// Datagrams on the RTCP range (RFC 5761) rejected by the RTCP parser.
    public var malformedRTCP = 0
    /// RTP payloads the agent could not decode for its VAD (no RFC 6464 level and a corrupt Opus packet).
    public var undecodablePayloads = 0
    /// Duplicate RTP packets (ignored by the VAD).
    public var duplicates = 0
    /// Reply RTP packets sent.
    public var rtpSent = 0
    /// RTCP compound packets sent.
    public var rtcpSent = 0
    /// Sessions (source address, SSRC) opened.
    public var sessionsOpened = 0
    /// Sessions forgotten because the caller sent BYE.
    public var sessionsEndedByBye = 0
    /// Sessions forgotten after 30 s without a packet.
    public var sessionsExpired = 0
    /// Ends of speech the VAD detected (turns).
    public var turns = 0
    /// Replies cut short by a new end of speech, a BYE, expiry or shutdown.
    public var repliesCut = 0

    /// Malformed datagrams of both kinds.
    public var malformed: Int { self.malformedRTP + self.malformedRTCP }

    public init() {}
}
