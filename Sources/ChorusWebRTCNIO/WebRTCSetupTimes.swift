/// When each step of a WebRTC call's set-up finished, on the loop's monotonic clock (ns); nil until it has.
public struct WebRTCSetupTimes: Sendable, Hashable {
    /// ICE started (the first connectivity check could go out).
    public var iceStartedNs: Int64?
    /// The first nominated candidate pair succeeded.
    public var iceSelectedNs: Int64?
    /// The DTLS handshake finished and the SRTP keys were exported.
    public var dtlsConnectedNs: Int64?
    /// The first SRTP packet from the far end was authenticated.
    public var firstMediaNs: Int64?

    public init() {}

    /// ICE's share: from its start to the first nominated pair.
    public var iceNs: Int64? { Self.span(self.iceStartedNs, self.iceSelectedNs) }
    /// DTLS's share: from the selected pair to the keys.
    public var dtlsNs: Int64? { Self.span(self.iceSelectedNs, self.dtlsConnectedNs) }
    /// From the keys to the far end's first authenticated media packet.
    public var firstMediaAfterKeysNs: Int64? { Self.span(self.dtlsConnectedNs, self.firstMediaNs) }

    private static func span(_ from: Int64?, _ to: Int64?) -> Int64? {
        guard let from, let to else { return nil }
        return max(0, to - from)
    }
}
