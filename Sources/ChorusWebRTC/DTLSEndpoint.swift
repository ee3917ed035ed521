import CChorusDTLS

/// A sans-IO DTLS 1.2 endpoint with the use_srtp extension (RFC 6347, RFC 5764), over the system OpenSSL 3.
///
/// Datagrams go in with `receive`, datagrams come out of `popOutgoing` (records of a flight grouped up to the MTU,
/// never split), and the owner calls `handleTimeout` at `nextTimeoutNs`. It opens no socket and starts no timer,
/// so thousands share a few event loops. The peer is accepted only if its certificate hashes to one of the
/// SDP's fingerprints; the handshake ends in `.connected` with the SRTP keys, or in `.failed` naming why.
///
/// OpenSSL 3.0 runs its retransmission timer on the wall clock (`gettimeofday`) and has no hook to inject another
/// clock: `nowNs` (any monotonic nanosecond clock) only places OpenSSL's deadline on the caller's clock, and
/// `handleTimeout` retransmits when OpenSSL's own timer has run out. OpenSSL counts a timer with less than 15 ms
/// left as due, and also retransmits on its own inside `receive` when its timer is due.
///
/// Not thread-safe: one endpoint belongs to one call's event loop.
public final class DTLSEndpoint {
    /// Where the handshake is.
    public enum State: Sendable, Equatable {
        /// Flights are being exchanged.
        case handshaking
        /// The handshake finished, the peer's certificate matched the SDP, and these SRTP keys were exported.
        case connected(SRTPKeyingMaterial)
        /// The handshake or connection failed; the text names the cause (a fingerprint mismatch, an alert, a
        /// timeout).
        case failed(String)
        /// `close()` was called or the peer sent close_notify.
        case closed
    }

    /// Which side of the handshake this endpoint plays.
    public let role: SDPNegotiatedAudio.DTLSRole
    /// The largest datagram `popOutgoing` returns during the handshake, in bytes of UDP payload.
    public let mtu: Int
    /// Where the handshake is; changes only inside this endpoint's methods.
    public private(set) var state: State = .handshaking
    /// Datagrams given to `receive` that were not DTLS (first byte outside 20...63), empty, or arrived after the
    /// endpoint failed or closed.
    public private(set) var ignoredDatagrams = 0
    /// Bytes of DTLS application data received and dropped (no data channel reads them yet).
    public private(set) var droppedApplicationBytes = 0

    /// The smallest first retransmission timeout: OpenSSL counts a timer with less than 15 ms left as already
    /// due, and checks it again right after sending a flight, so a shorter one retransmits in a loop.
    public static let minimumInitialRetransmitMs: UInt32 = 20

    private let ssl: OpaquePointer
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    private let callbacks: DTLSCallbackState
    private var started = false
    private var deadlineNs: UInt64?

    /// An endpoint ready to `start`.
    ///
    /// - Parameters:
    ///   - role: `.client` sends the ClientHello; `.server` waits for one.
    ///   - certificate: this end's certificate; its fingerprint must be the one in our SDP.
    ///   - remoteFingerprints: the far end's `a=fingerprint` values; the peer must match one of the usable ones.
    ///   - mtu: the largest UDP payload to send, 256...65507; 1200 keeps clear of tunnels and TURN.
    ///   - initialRetransmitMs: the first retransmission timeout, doubling after each up to 60 s (RFC 6347
    ///     suggests 1000 ms; WebRTC stacks use 50–100 ms). Raised to `minimumInitialRetransmitMs`.
    ///   - profiles: the SRTP profiles to offer (client) or accept (server), most preferred first.
    /// - Throws: `DTLSError` when the certificate is unusable, no fingerprint is usable, the MTU is out of
    ///   range, `profiles` is empty, or OpenSSL cannot set up the connection.
    public init(
        role: SDPNegotiatedAudio.DTLSRole, certificate: DTLSCertificate = .shared, remoteFingerprints: [SDPFingerprint],
        mtu: Int = 1200, initialRetransmitMs: UInt32 = 100, profiles: [SRTPProfile] = SRTPProfile.offered
    ) throws {
        if let failure = certificate.failure { throw failure }
        guard let key = certificate.key, let x509 = certificate.certificate else {
            throw DTLSError.certificateGeneration("no certificate")
        }
        let usable = remoteFingerprints.filter(\.isUsable)
        guard !usable.isEmpty else { throw DTLSError.noUsableRemoteFingerprint }
        guard (256...65507).contains(mtu) else { throw DTLSError.invalidMTU(mtu) }
        var names: [String] = []
        for profile in profiles where !names.contains(profile.openSSLName) {
            names.append(profile.openSSLName)
        }
        guard !names.isEmpty else { throw DTLSError.noSRTPProfile }
        let context = try DTLSContext.shared(for: role).get()
        let callbacks = DTLSCallbackState(remoteFingerprints: usable, initialRetransmitMs: initialRetransmitMs)
        let opened = try Self.open(
            context: context, role: role, key: key, certificate: x509, profiles: names.joined(separator: ":"),
            mtu: mtu, callbacks: callbacks
        )
        self.role = role
        self.mtu = mtu
        self.ssl = opened.ssl
        self.readBIO = opened.readBIO
        self.writeBIO = opened.writeBIO
        self.callbacks = callbacks
    }

    deinit {
        // Frees both BIOs too; nothing is written from here on, so the unretained callback state is not touched.
        SSL_free(self.ssl)
    }

    /// Starts the handshake: a client queues its ClientHello; a server only waits (its first `receive` starts it).
    public func start(nowNs: UInt64) {
        guard !self.started else { return }
        self.started = true
        if self.role == .client, case .handshaking = self.state {
            self.advanceHandshake()
        }
        self.finish(nowNs: nowNs)
    }

    /// Feeds one received DTLS datagram (first byte 20...63); anything else is counted in `ignoredDatagrams`.
    /// Replies, if any, are queued for `popOutgoing`.
    public func receive(_ datagram: UnsafeRawBufferPointer, nowNs: UInt64) {
        guard let base = datagram.baseAddress, !datagram.isEmpty, datagram.count <= 65535,
            PacketKind(firstByte: datagram[0]) == .dtls
        else {
            self.ignoredDatagrams += 1
            return
        }
        switch self.state {
        case .handshaking, .connected: break
        case .failed, .closed:
            self.ignoredDatagrams += 1
            return
        }
        self.started = true
        _ = BIO_write(self.readBIO, base, Int32(datagram.count))
        if case .handshaking = self.state {
            self.advanceHandshake()
        }
        if case .connected = self.state {
            self.readApplicationData()
        }
        if BIO_ctrl_pending(self.readBIO) > 0 {
            // Bytes OpenSSL did not take (the endpoint failed midway): they belong to no later datagram.
            _ = BIO_ctrl(self.readBIO, BIO_CTRL_RESET, 0, nil)
        }
        self.finish(nowNs: nowNs)
    }

    /// Lets OpenSSL retransmit the last flight if its timer has run out (DTLSv1_handle_timeout); after too many
    /// retransmissions the endpoint fails.
    public func handleTimeout(nowNs: UInt64) {
        switch self.state {
        case .handshaking, .connected: break
        case .failed, .closed: return
        }
        ERR_clear_error()
        if chorus_dtls_handle_timeout(self.ssl) < 0 {
            self.fail(sslError: SSL_ERROR_SSL)
        }
        self.finish(nowNs: nowNs)
    }

    /// When `handleTimeout` should next be called, on the clock `nowNs` comes from; nil when no flight waits for
    /// an answer.
    public var nextTimeoutNs: UInt64? { self.deadlineNs }

    /// The next datagram to send, oldest first; nil when none is queued.
    public func popOutgoing() -> [UInt8]? {
        self.callbacks.popOutgoing()
    }

    /// Datagrams waiting in `popOutgoing`.
    public var outgoingCount: Int { self.callbacks.outgoingCount }

    /// Ends the connection: once connected, queues a close_notify alert. The state becomes `.closed`.
    public func close() {
        switch self.state {
        case .connected:
            ERR_clear_error()
            _ = SSL_shutdown(self.ssl)
            ERR_clear_error()
        case .handshaking: break
        case .failed, .closed: return
        }
        self.state = .closed
        _ = BIO_ctrl(self.writeBIO, BIO_CTRL_FLUSH, 0, nil)
        self.deadlineNs = nil
    }

    /// Flights retransmitted because the retransmission timer ran out.
    public var handshakeRetransmits: Int { self.callbacks.retransmits }

    private func advanceHandshake() {
        ERR_clear_error()
        let result = SSL_do_handshake(self.ssl)
        if result == 1 {
            self.completeHandshake()
            return
        }
        let error = SSL_get_error(self.ssl, result)
        if self.callbacks.peerClosed {
            self.state = .closed
        } else if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
            self.fail(sslError: error)
        }
    }

    private func completeHandshake() {
        guard let peer = SSL_get0_peer_certificate(self.ssl) else {
            self.state = .failed("DTLS: the peer sent no certificate")
            return
        }
        // The verify callback already checked; this covers a chain where OpenSSL never showed it the leaf.
        if let failure = self.callbacks.checkPeer(peer) {
            self.state = .failed(failure)
            return
        }
        guard let selected = SSL_get_selected_srtp_profile(self.ssl),
            let profile = SRTPProfile(rawValue: UInt16(truncatingIfNeeded: selected.pointee.id))
        else {
            self.state = .failed("DTLS: no SRTP profile in common with the peer")
            return
        }
        let label = "EXTRACTOR-dtls_srtp"
        var exported = [UInt8](repeating: 0, count: 2 * (profile.masterKeyLength + profile.masterSaltLength))
        let ok = SSL_export_keying_material(self.ssl, &exported, exported.count, label, label.utf8.count, nil, 0, 0)
        let isClient = self.role == .client
        guard ok == 1, let keys = SRTPKeyingMaterial(profile: profile, exported: exported, isClient: isClient) else {
            self.state = .failed("DTLS: SRTP key export failed: " + DTLSOpenSSL.drainErrors(fallback: "unknown"))
            return
        }
        self.state = .connected(keys)
    }

    /// Drains decrypted records after the handshake; this is also where OpenSSL answers a retransmitted final
    /// flight and notices close_notify.
    private func readApplicationData() {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2048) { buffer in
            while true {
                ERR_clear_error()
                let count = SSL_read(self.ssl, buffer.baseAddress, Int32(buffer.count))
                if count > 0 {
                    self.droppedApplicationBytes += Int(count)
                    continue
                }
                let error = SSL_get_error(self.ssl, count)
                if error == SSL_ERROR_ZERO_RETURN || self.callbacks.peerClosed {
                    self.state = .closed
                } else if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                    self.fail(sslError: error)
                }
                return
            }
        }
    }

    private func fail(sslError: Int32) {
        if let failure = self.callbacks.fingerprintFailure {
            self.state = .failed(failure)
        } else if let alert = self.callbacks.receivedAlert {
            self.state = .failed("DTLS alert: \(alert)")
        } else {
            let reason = DTLSOpenSSL.drainErrors(fallback: "SSL error \(sslError)")
            let sent = self.callbacks.sentAlert.map { " (sent alert: \($0))" } ?? ""
            self.state = .failed("DTLS: \(reason)\(sent)")
        }
        ERR_clear_error()
    }

    /// Pushes out what OpenSSL left in the output BIO and reads its timer.
    private func finish(nowNs: UInt64) {
        _ = BIO_ctrl(self.writeBIO, BIO_CTRL_FLUSH, 0, nil)
        // The queue is per thread and shared with whatever else on this event loop uses OpenSSL.
        ERR_clear_error()
        switch self.state {
        case .handshaking, .connected:
            let microseconds = chorus_dtls_timeout_us(self.ssl)
            self.deadlineNs = microseconds >= 0 ? nowNs &+ UInt64(microseconds) &* 1000 : nil
        case .failed, .closed:
            self.deadlineNs = nil
        }
    }

    private static func open(
        context: DTLSContext, role: SDPNegotiatedAudio.DTLSRole, key: OpaquePointer, certificate: OpaquePointer,
        profiles: String, mtu: Int, callbacks: DTLSCallbackState
    ) throws -> (ssl: OpaquePointer, readBIO: OpaquePointer, writeBIO: OpaquePointer) {
        ERR_clear_error()
        func failure(_ step: String) -> DTLSError {
            .setup(step + ": " + DTLSOpenSSL.drainErrors(fallback: "failed"))
        }
        guard let ssl = SSL_new(context.context) else { throw failure("SSL_new") }
        guard SSL_use_certificate(ssl, certificate) == 1, SSL_use_PrivateKey(ssl, key) == 1 else {
            SSL_free(ssl)
            throw failure("certificate")
        }
        // SSL_set_tlsext_use_srtp returns 0 on success.
        guard SSL_set_tlsext_use_srtp(ssl, profiles) == 0 else {
            SSL_free(ssl)
            throw failure("use_srtp \(profiles)")
        }
        let state = Unmanaged.passUnretained(callbacks).toOpaque()
        guard let readBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw failure("memory BIO")
        }
        guard let writeBIO = chorus_dtls_datagram_bio_new(DTLSContext.datagramSink, state, mtu) else {
            BIO_free(readBIO)
            SSL_free(ssl)
            throw failure("datagram BIO")
        }
        // An empty read BIO means "no datagram yet", not end of file.
        chorus_bio_set_mem_eof_return(readBIO, -1)
        SSL_set_bio(ssl, readBIO, writeBIO)
        guard chorus_ssl_set_mtu(ssl, mtu) == mtu, SSL_set_ex_data(ssl, 0, state) == 1 else {
            SSL_free(ssl)
            throw failure("MTU \(mtu)")
        }
        DTLS_set_timer_cb(ssl, DTLSContext.timerCallback)
        if role == .client {
            SSL_set_connect_state(ssl)
        } else {
            SSL_set_accept_state(ssl)
        }
        return (ssl, readBIO, writeBIO)
    }
}

@available(*, unavailable)
extension DTLSEndpoint: Sendable {}
