/// An SRTP protection profile that DTLS-SRTP can negotiate (RFC 5764 §4.1.2, RFC 7714 §14.2); the raw value is
/// the profile's id in the use_srtp extension.
public enum SRTPProfile: UInt16, Sendable, Hashable, CaseIterable {
    /// AES-128-GCM with a 16-byte tag: master key 16 bytes, master salt 12.
    case aeadAES128GCM = 0x0007
    /// AES-128 counter mode with an 80-bit HMAC-SHA1 tag: master key 16 bytes, master salt 14.
    case aes128CMHMACSHA1_80 = 0x0001

    /// The profiles a caller offers, most preferred first.
    public static let offered: [SRTPProfile] = [.aeadAES128GCM, .aes128CMHMACSHA1_80]

    /// OpenSSL's name for the profile in `SSL_set_tlsext_use_srtp`.
    public var openSSLName: String {
        switch self {
        case .aeadAES128GCM: "SRTP_AEAD_AES_128_GCM"
        case .aes128CMHMACSHA1_80: "SRTP_AES128_CM_SHA1_80"
        }
    }

    /// Length of the SRTP master key in bytes.
    public var masterKeyLength: Int { 16 }

    /// Length of the SRTP master salt in bytes.
    public var masterSaltLength: Int {
        switch self {
        case .aeadAES128GCM: 12
        case .aes128CMHMACSHA1_80: 14
        }
    }
}
