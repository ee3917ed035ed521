import CChorusDTLS

/// Small helpers over OpenSSL shared by the DTLS types.
enum DTLSOpenSSL {
    /// The calling thread's OpenSSL error queue as one line (oldest first), emptied; `fallback` when it is empty.
    static func drainErrors(fallback: String) -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                reasons.append(String(cString: reason))
            } else {
                reasons.append("error 0x\(String(code, radix: 16))")
            }
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }

    /// OpenSSL's digest for an SDP hash name (RFC 8122's list without MD2 and MD5), nil for any other name.
    static func digest(named algorithm: String) -> OpaquePointer? {
        switch algorithm {
        case "sha-1": EVP_sha1()
        case "sha-224": EVP_sha224()
        case "sha-256": EVP_sha256()
        case "sha-384": EVP_sha384()
        case "sha-512": EVP_sha512()
        default: nil
        }
    }

    /// The fingerprint of a certificate's DER under `algorithm` (an SDP hash name); nil for an unknown hash.
    static func fingerprint(of certificate: OpaquePointer, algorithm: String) -> SDPFingerprint? {
        guard let digest = self.digest(named: algorithm) else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, digest, &bytes, &length) == 1 else { return nil }
        return SDPFingerprint(algorithm: algorithm, bytes: Array(bytes[0..<Int(length)]))
    }
}
