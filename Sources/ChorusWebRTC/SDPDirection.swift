/// A media section's direction attribute (RFC 8866 §6.7), from the point of view of the side that wrote it.
public enum SDPDirection: String, Sendable, Hashable {
    /// Sends and receives; the default when a section has none.
    case sendrecv
    /// Sends only.
    case sendonly
    /// Receives only.
    case recvonly
    /// Neither sends nor receives.
    case inactive
}
