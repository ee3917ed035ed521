/// Why an `SRTPSession` could not be made. Per-packet failures are never errors: they return nil and are counted.
public enum SRTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `srtp_init` failed; the value is libsrtp's status code.
    case libraryInitialization(status: Int32)
    /// libsrtp refused OpenSSL's AES or HMAC-SHA1 in place of its own (a known answer did not match); the value is
    /// `chorus_srtp_use_openssl`'s code.
    case cryptoReplacement(status: Int32)
    /// A master key or salt does not have the profile's length.
    case invalidKeyLength(profile: SRTPProfile, keyBytes: Int, saltBytes: Int)
    /// `srtp_create` refused a policy; `direction` is "outbound" or "inbound", the status libsrtp's code.
    case sessionCreation(direction: String, status: Int32)

    public var description: String {
        switch self {
        case .libraryInitialization(let status):
            "SRTP: libsrtp2 failed to initialise (status \(status))"
        case .cryptoReplacement(let status):
            "SRTP: libsrtp2 refused OpenSSL's ciphers in place of its own (code \(status))"
        case .invalidKeyLength(let profile, let keyBytes, let saltBytes):
            "SRTP: \(profile.openSSLName) needs a \(profile.masterKeyLength)-byte key and a "
                + "\(profile.masterSaltLength)-byte salt, got \(keyBytes) and \(saltBytes)"
        case .sessionCreation(let direction, let status):
            "SRTP: libsrtp2 refused the \(direction) policy (status \(status))"
        }
    }
}
