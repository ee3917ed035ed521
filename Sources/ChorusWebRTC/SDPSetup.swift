/// The `a=setup` value (RFC 4145 §4, RFC 8842 §5): which side opens the DTLS association.
public enum SDPSetup: String, Sendable, Hashable {
    /// The side that wrote this starts the handshake: it is the DTLS client.
    case active
    /// The side that wrote this waits for the handshake: it is the DTLS server.
    case passive
    /// Either; only valid in an offer, and the answer then picks active or passive.
    case actpass
    /// Keep the existing connection; not used by WebRTC.
    case holdconn
}
