/// Why a DTLS certificate or endpoint could not be set up. Handshake failures are not errors but
/// `DTLSEndpoint.State.failed`, so a call that fails its handshake is recorded, never thrown.
public enum DTLSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// OpenSSL could not make the key or the certificate; the text is OpenSSL's reason.
    case certificateGeneration(String)
    /// OpenSSL could not make a context, connection or BIO; the text names the step and OpenSSL's reason.
    case setup(String)
    /// None of the SDP's fingerprints is a known hash with that hash's length, so no peer could be accepted.
    case noUsableRemoteFingerprint
    /// The MTU is outside 256...65507 (OpenSSL's DTLS minimum to the largest UDP payload).
    case invalidMTU(Int)
    /// The endpoint was asked to offer no SRTP profile.
    case noSRTPProfile

    public var description: String {
        switch self {
        case .certificateGeneration(let reason): "DTLS: cannot generate the certificate: \(reason)"
        case .setup(let reason): "DTLS: cannot set up the endpoint: \(reason)"
        case .noUsableRemoteFingerprint: "DTLS: the SDP has no usable certificate fingerprint"
        case .invalidMTU(let mtu): "DTLS: MTU \(mtu) is outside 256...65507"
        case .noSRTPProfile: "DTLS: no SRTP profile to offer"
        }
    }
}
