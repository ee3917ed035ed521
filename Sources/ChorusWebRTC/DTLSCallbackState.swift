import CChorusDTLS

/// What OpenSSL's callbacks for one connection read and write: the fingerprints to check, the retransmission
/// schedule, the alerts seen and the datagrams written. The endpoint owns it; the SSL (ex_data 0) and the
/// output BIO point at it unretained, so it lives exactly as long as they do. Confined to the endpoint's thread,
/// as the callbacks run inside the endpoint's own OpenSSL calls.
final class DTLSCallbackState {
    let remoteFingerprints: [SDPFingerprint]
    let initialRetransmitMicroseconds: UInt32
    /// Timer-driven retransmissions of a flight so far.
    var retransmits = 0
    /// Description of a fatal alert the peer sent, if one came.
    var receivedAlert: String?
    /// Description of a fatal alert OpenSSL sent, if it sent one.
    var sentAlert: String?
    /// True once the peer's close_notify arrived.
    var peerClosed = false
    /// The failure text when the peer's certificate did not match the SDP.
    var fingerprintFailure: String?
    private var outgoing: [[UInt8]] = []
    private var outgoingHead = 0

    init(remoteFingerprints: [SDPFingerprint], initialRetransmitMs: UInt32) {
        self.remoteFingerprints = remoteFingerprints
        let milliseconds = min(max(initialRetransmitMs, DTLSEndpoint.minimumInitialRetransmitMs), 60_000)
        self.initialRetransmitMicroseconds = milliseconds * 1000
    }

    /// The state behind `ssl`, set with `SSL_set_ex_data(ssl, 0, …)` by the endpoint.
    static func of(_ ssl: OpaquePointer?) -> DTLSCallbackState? {
        guard let ssl, let pointer = SSL_get_ex_data(ssl, 0) else { return nil }
        return Unmanaged<DTLSCallbackState>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Nil when `certificate` hashes to one of the SDP's fingerprints; otherwise the failure text, also kept in
    /// `fingerprintFailure`.
    func checkPeer(_ certificate: OpaquePointer) -> String? {
        for expected in self.remoteFingerprints {
            if let actual = DTLSOpenSSL.fingerprint(of: certificate, algorithm: expected.algorithm),
                actual.bytes == expected.bytes
            {
                return nil
            }
        }
        let algorithm = self.remoteFingerprints.first?.algorithm ?? "sha-256"
        let actual = DTLSOpenSSL.fingerprint(of: certificate, algorithm: algorithm)?.attributeValue ?? algorithm
        let failure = "DTLS: peer certificate fingerprint does not match the SDP (\(actual))"
        self.fingerprintFailure = failure
        return failure
    }

    func append(datagram: UnsafeBufferPointer<UInt8>) {
        self.outgoing.append(Array(datagram))
    }

    func popOutgoing() -> [UInt8]? {
        guard self.outgoingHead < self.outgoing.count else { return nil }
        let datagram = self.outgoing[self.outgoingHead]
        self.outgoing[self.outgoingHead] = []
        self.outgoingHead += 1
        if self.outgoingHead == self.outgoing.count {
            self.outgoing.removeAll(keepingCapacity: true)
            self.outgoingHead = 0
        }
        return datagram
    }

    var outgoingCount: Int { self.outgoing.count - self.outgoingHead }

    /// The next retransmission timeout in microseconds, given the last one (0 when a flight is first sent):
    /// the initial value, then doubling up to RFC 6347's 60 s.
    func nextTimeout(after previous: UInt32) -> UInt32 {
        if previous == 0 { return self.initialRetransmitMicroseconds }
        self.retransmits += 1
        return previous >= 30_000_000 ? 60_000_000 : previous * 2
    }

    /// Records an alert from OpenSSL's info callback (`value` is level << 8 | description).
    func noteAlert(value: Int32, received: Bool) {
        let level = value >> 8
        let description = value & 0xFF
        let text = SSL_alert_desc_string_long(value).map { String(cString: $0) } ?? "alert \(description)"
        if received {
            if description == SSL3_AD_CLOSE_NOTIFY {
                self.peerClosed = true
            } else if level == SSL3_AL_FATAL, self.receivedAlert == nil {
                self.receivedAlert = text
            }
        } else if level == SSL3_AL_FATAL, self.sentAlert == nil {
            self.sentAlert = text
        }
    }
}
