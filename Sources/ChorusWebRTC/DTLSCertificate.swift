import CChorusDTLS

/// One ECDSA P-256 key and a self-signed X.509 certificate for it, valid from 30 days ago to a year ahead.
///
/// WebRTC authenticates a DTLS peer by the certificate's fingerprint in the SDP, not by a CA, so one
/// certificate serves every call of the process (`shared`); making a key costs far more than using it.
/// Immutable after creation, so it may be shared between threads.
public final class DTLSCertificate: @unchecked Sendable {
    /// The process's certificate, generated on first use. If OpenSSL could not make one, `fingerprint` is not
    /// usable and every `DTLSEndpoint` built on it throws `DTLSError.certificateGeneration`.
    public static let shared: DTLSCertificate = {
        do {
            return try DTLSCertificate.generate()
        } catch let error as DTLSError {
            return DTLSCertificate(failure: error)
        } catch {
            return DTLSCertificate(failure: .certificateGeneration("\(error)"))
        }
    }()

    /// The SHA-256 fingerprint of the certificate's DER, for the offer's `a=fingerprint`.
    public let fingerprint: SDPFingerprint

    // EVP_PKEY and X509; nil only when generation failed (then `failure` says why).
    let key: OpaquePointer?
    let certificate: OpaquePointer?
    let failure: DTLSError?

    private init(key: OpaquePointer, certificate: OpaquePointer, fingerprint: SDPFingerprint) {
        self.key = key
        self.certificate = certificate
        self.fingerprint = fingerprint
        self.failure = nil
    }

    private init(failure: DTLSError) {
        self.key = nil
        self.certificate = nil
        self.fingerprint = SDPFingerprint(algorithm: "sha-256", bytes: [])
        self.failure = failure
    }

    deinit {
        X509_free(self.certificate)
        EVP_PKEY_free(self.key)
    }

    /// Makes a new key and certificate (about a millisecond); most callers want `shared`.
    public static func generate() throws -> DTLSCertificate {
        ERR_clear_error()
        guard let key = Self.makeKey() else {
            throw DTLSError.certificateGeneration(DTLSOpenSSL.drainErrors(fallback: "P-256 key generation failed"))
        }
        guard let certificate = Self.makeCertificate(key: key) else {
            EVP_PKEY_free(key)
            throw DTLSError.certificateGeneration(DTLSOpenSSL.drainErrors(fallback: "self-signing failed"))
        }
        guard let fingerprint = DTLSOpenSSL.fingerprint(of: certificate, algorithm: "sha-256") else {
            X509_free(certificate)
            EVP_PKEY_free(key)
            throw DTLSError.certificateGeneration(DTLSOpenSSL.drainErrors(fallback: "SHA-256 digest failed"))
        }
        return DTLSCertificate(key: key, certificate: certificate, fingerprint: fingerprint)
    }

    private static func makeKey() -> OpaquePointer? {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1,
            EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) == 1
        else { return nil }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(context, &key) == 1 else { return nil }
        return key
    }

    private static func makeCertificate(key: OpaquePointer) -> OpaquePointer? {
        guard let certificate = X509_new() else { return nil }
        var serial: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &serial) { RAND_bytes($0.baseAddress, 8) }
        let day = 24 * 60 * 60
        let name = X509_get_subject_name(certificate)
        let built =
            X509_set_version(certificate, 2) == 1
            && ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), serial >> 1) == 1
            && X509_gmtime_adj(X509_getm_notBefore(certificate), -30 * day) != nil
            && X509_gmtime_adj(X509_getm_notAfter(certificate), 365 * day) != nil
            && X509_set_pubkey(certificate, key) == 1
            && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, "chorus", -1, -1, 0) == 1
            && X509_set_issuer_name(certificate, name) == 1
            && X509_sign(certificate, key, EVP_sha256()) > 0
        guard built else {
            X509_free(certificate)
            return nil
        }
        return certificate
    }
}
