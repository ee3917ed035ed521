/// Where a WebRTC call's connect time went, milliseconds: signalling (the offer/answer exchange over HTTP), ICE (to
/// the first nominated candidate pair), the DTLS handshake, and the agent's first media packet after the keys.
/// Nil where a step did not finish (the call failed there, or the agent sent no media).
public struct ConnectPhases: Sendable, Codable, Hashable {
    public var signallingMs: Double?
    public var iceMs: Double?
    public var dtlsMs: Double?
    public var firstMediaMs: Double?

    public init(signallingMs: Double? = nil, iceMs: Double? = nil, dtlsMs: Double? = nil, firstMediaMs: Double? = nil) {
        self.signallingMs = signallingMs
        self.iceMs = iceMs
        self.dtlsMs = dtlsMs
        self.firstMediaMs = firstMediaMs
    }
}
