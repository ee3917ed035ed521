/// What a datagram on a WebRTC 5-tuple carries, told by its first byte (RFC 7983 §7).
///
/// One socket carries STUN, DTLS and SRTP/SRTCP together (BUNDLE, rtcp-mux), so every received datagram is
/// sorted by its first byte before any parser sees it.
public enum PacketKind: Sendable, Hashable {
    /// 0...3: STUN (ICE connectivity checks and their answers).
    case stun
    /// 20...63: DTLS records.
    case dtls
    /// 128...191: RTP or RTCP (told apart later by the payload type, RFC 5761).
    case rtp
    /// Anything else, ZRTP (16...19) and TURN channel data (64...79) included: dropped by a WebRTC caller.
    case unknown

    /// The kind of a datagram whose first byte is `firstByte`.
    public init(firstByte: UInt8) {
        switch firstByte {
        case 0...3: self = .stun
        case 20...63: self = .dtls
        case 128...191: self = .rtp
        default: self = .unknown
        }
    }

    /// The kind of `datagram`; an empty one is `.unknown`.
    public init(datagram: UnsafeRawBufferPointer) {
        self = datagram.isEmpty ? .unknown : PacketKind(firstByte: datagram[0])
    }

    /// Whether a datagram starting with `firstByte` is STUN (RFC 7983: 0...3).
    @inlinable
    public static func isSTUN(_ firstByte: UInt8) -> Bool {
        firstByte <= 3
    }
}
