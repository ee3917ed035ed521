import CChorusDTLS

/// The one OpenSSL context per DTLS role that every endpoint of the process shares (OpenSSL allows sharing a
/// configured SSL_CTX between threads). It holds no certificate, so endpoints may use any `DTLSCertificate`.
final class DTLSContext: @unchecked Sendable {
    let context: OpaquePointer

    private init(context: OpaquePointer) {
        self.context = context
    }

    static let client: Result<DTLSContext, DTLSError> = DTLSContext.make(server: false)
    static let server: Result<DTLSContext, DTLSError> = DTLSContext.make(server: true)

    static func shared(for role: SDPNegotiatedAudio.DTLSRole) -> Result<DTLSContext, DTLSError> {
        role == .client ? self.client : self.server
    }

    private static func make(server: Bool) -> Result<DTLSContext, DTLSError> {
        ERR_clear_error()
        guard let context = SSL_CTX_new(server ? DTLS_server_method() : DTLS_client_method()) else {
            return .failure(.setup("SSL_CTX_new: " + DTLSOpenSSL.drainErrors(fallback: "failed")))
        }
        guard chorus_ssl_ctx_set_dtls12_only(context) == 1 else {
            SSL_CTX_free(context)
            return .failure(.setup("DTLS 1.2 only: " + DTLSOpenSSL.drainErrors(fallback: "failed")))
        }
        // The MTU is set per connection and never probed; no tickets or session cache, as DTLS-SRTP never resumes
        // and a server cache would grow with every call.
        _ = SSL_CTX_set_options(context, chorus_ssl_op_no_query_mtu | chorus_ssl_op_no_ticket)
        chorus_ssl_ctx_set_session_cache_off(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, Self.verifyCallback)
        SSL_CTX_set_info_callback(context, Self.infoCallback)
        return .success(DTLSContext(context: context))
    }

    /// Accepts any chain (WebRTC certificates are self-signed) whose leaf matches an SDP fingerprint; a mismatch
    /// fails the handshake with a bad_certificate alert to the peer.
    private static let verifyCallback: @convention(c) (Int32, OpaquePointer?) -> Int32 = { _, store in
        guard let store,
            let ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
            let state = DTLSCallbackState.of(OpaquePointer(ssl))
        else { return 0 }
        guard X509_STORE_CTX_get_error_depth(store) == 0 else { return 1 }
        guard let certificate = X509_STORE_CTX_get_current_cert(store), state.checkPeer(certificate) == nil else {
            X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED)
            return 0
        }
        return 1
    }

    private static let infoCallback: @convention(c) (OpaquePointer?, Int32, Int32) -> Void = { ssl, site, value in
        guard site & SSL_CB_ALERT != 0, let state = DTLSCallbackState.of(ssl) else { return }
        state.noteAlert(value: value, received: site & SSL_CB_READ != 0)
    }

    /// OpenSSL's DTLS retransmission timer: the endpoint's initial timeout, doubling.
    static let timerCallback: @convention(c) (OpaquePointer?, UInt32) -> UInt32 = { ssl, previous in
        DTLSCallbackState.of(ssl)?.nextTimeout(after: previous) ?? 1_000_000
    }

    /// Where the output BIO delivers each datagram; `context` is the connection's `DTLSCallbackState`.
    static let datagramSink: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, Int) -> Void = {
        context, bytes, count in
        guard let context, let bytes else { return }
        Unmanaged<DTLSCallbackState>.fromOpaque(context).takeUnretainedValue()
            .append(datagram: UnsafeBufferPointer(start: bytes, count: count))
    }
}
