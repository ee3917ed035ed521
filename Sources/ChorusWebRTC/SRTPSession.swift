import CChorusSRTPCrypto
import CSRTP

/// The SRTP and SRTCP protection of one call through libsrtp2 (RFC 3711, RFC 7714 for AES-GCM).
///
/// libsrtp does the protocol (key derivation, roll-over counters, replay windows, layouts); its AES and HMAC-SHA1
/// run on OpenSSL (`chorus_srtp_use_openssl`, once per process) rather than on the NSS that Debian's build uses,
/// which allocates in every cipher call and costs several times the CPU (docs/webrtc.md).
///
/// Two libsrtp sessions, as libsrtp allows one wildcard template per session: an outbound one keyed with the
/// local master key and salt for any SSRC we send, an inbound one keyed with the remote ones for any SSRC the far
/// end sends, with libsrtp's default replay window (128 packets). Packets are transformed in place and nothing is
/// allocated per packet (libsrtp allocates once per new SSRC). A packet that fails authentication or is a replay
/// returns nil and is counted; nothing here traps on hostile input.
///
/// With AEAD_AES_128_GCM, RTP (the per-packet path) skips libsrtp: `chorus_srtp_gcm` keeps each direction's keys,
/// index and replay window in one block, where libsrtp's chain of session, stream list, stream and cipher costs a
/// cache miss per link at a thousand calls (docs/webrtc.md), and ciphers with the CPU's AES instructions on a key
/// schedule in that block (OpenSSL's EVP where the CPU has none). It is checked packet for packet against libsrtp.
/// `mediaCipher` hands the two blocks to the packet path, which then need not touch this object.
///
/// Not thread-safe: one session belongs to one call's event loop.
public final class SRTPSession {
    /// Bytes a buffer must have free after the packet: libsrtp may write `SRTP_MAX_TRAILER_LEN` (144) past an RTP
    /// packet and 4 more past an RTCP one, so this is 148 and covers both.
    public static let maxTrailer = Int(SRTP_MAX_TRAILER_LEN) + 4

    /// The profile the keys are for.
    public let profile: SRTPProfile
    /// Received packets whose authentication tag did not verify.
    public var authenticationFailures: Int {
        self.counted.authentication + Self.refused(self.mediaCipher?.inbound, [CHORUS_SRTP_AUTH_FAILED])
    }
    /// Received packets dropped as replays (seen before, or older than the replay window).
    public var replayDrops: Int {
        self.counted.replay + Self.refused(self.mediaCipher?.inbound, [CHORUS_SRTP_REPLAY, CHORUS_SRTP_REPLAY_OLD])
    }
    /// Received packets refused for any other reason (too short, malformed header, length out of range).
    public var otherFailures: Int {
        self.counted.other
            + Self.refused(
                self.mediaCipher?.inbound,
                [CHORUS_SRTP_MALFORMED, CHORUS_SRTP_CIPHER_FAILED, CHORUS_SRTP_TOO_MANY_STREAMS])
    }
    /// Packets `protectRTP` or `protectRTCP` refused: malformed, or a sequence number older than one already
    /// protected (libsrtp will not reuse a packet index with the same keystream).
    public var protectFailures: Int {
        self.counted.protect
            + Self.refused(self.mediaCipher?.outbound, Array(CHORUS_SRTP_MALFORMED...CHORUS_SRTP_TOO_MANY_STREAMS))
    }

    /// RTP's two directions outside libsrtp (AES-GCM only), for the per-packet path.
    public let mediaCipher: SRTPMediaCipher?
    /// What libsrtp refused (the blocks count their own).
    private var counted = (authentication: 0, replay: 0, other: 0, protect: 0)
    private let outbound: srtp_t
    private let inbound: srtp_t

    /// How RTP is protected: through libsrtp (the reference the tests hold the others to), or through
    /// `chorus_srtp_gcm` with the CPU's AES instructions where it has them, or with OpenSSL's EVP.
    enum RTPPath {
        case libsrtp, cpuInstructions, openSSL
    }

    /// A session keyed with `keys`: local keys protect, remote keys unprotect.
    /// - Throws: `SRTPError` when libsrtp cannot start, a key or salt has the wrong length, or a policy is refused.
    public convenience init(keys: SRTPKeyingMaterial) throws {
        try self.init(keys: keys, rtp: .cpuInstructions)
    }

    /// A session whose RTP takes `rtp` for AES-GCM (the AES-CM profile always goes through libsrtp).
    init(keys: SRTPKeyingMaterial, rtp: RTPPath) throws {
        if let failure = Self.libraryStatus { throw failure }
        let profile = keys.profile
        for (key, salt) in [(keys.localMasterKey, keys.localMasterSalt), (keys.remoteMasterKey, keys.remoteMasterSalt)]
        where key.count != profile.masterKeyLength || salt.count != profile.masterSaltLength {
            throw SRTPError.invalidKeyLength(profile: profile, keyBytes: key.count, saltBytes: salt.count)
        }
        let outbound = try Self.create(
            profile: profile, keyAndSalt: keys.localMasterKey + keys.localMasterSalt, ssrcType: ssrc_any_outbound,
            direction: "outbound"
        )
        do {
            self.inbound = try Self.create(
                profile: profile, keyAndSalt: keys.remoteMasterKey + keys.remoteMasterSalt, ssrcType: ssrc_any_inbound,
                direction: "inbound"
            )
        } catch {
            srtp_dealloc(outbound)
            throw error
        }
        self.outbound = outbound
        self.profile = profile
        guard profile == .aeadAES128GCM, rtp != .libsrtp else {
            self.mediaCipher = nil
            return
        }
        let instructions: Int32 = rtp == .cpuInstructions ? 1 : 0
        let rtpOutbound = chorus_srtp_gcm_new_with(keys.localMasterKey, keys.localMasterSalt, 1, instructions)
        let rtpInbound = chorus_srtp_gcm_new_with(keys.remoteMasterKey, keys.remoteMasterSalt, 0, instructions)
        guard let rtpOutbound, let rtpInbound else {
            chorus_srtp_gcm_free(rtpOutbound)
            chorus_srtp_gcm_free(rtpInbound)
            self.mediaCipher = nil
            throw SRTPError.sessionCreation(direction: "RTP (AES-GCM)", status: -1)
        }
        self.mediaCipher = SRTPMediaCipher(outbound: rtpOutbound, inbound: rtpInbound)
    }

    deinit {
        srtp_dealloc(self.outbound)
        srtp_dealloc(self.inbound)
        chorus_srtp_gcm_free(self.mediaCipher?.outbound)
        chorus_srtp_gcm_free(self.mediaCipher?.inbound)
    }

    /// Whether RTP is ciphered with the CPU's AES instructions (rather than OpenSSL's EVP or libsrtp).
    var rtpUsesCPUInstructions: Bool {
        self.mediaCipher.map { chorus_srtp_gcm_uses_cpu_instructions($0.outbound) != 0 } ?? false
    }

    /// The packets a `chorus_srtp_gcm` block refused with any of `statuses` (0 without a block).
    private static func refused(_ block: OpaquePointer?, _ statuses: [Int]) -> Int {
        guard let block else { return 0 }
        return statuses.reduce(0) { $0 + Int(chorus_srtp_gcm_refused(block, Int32($1))) }
    }

    /// Protects `length` bytes of RTP in place; `buffer` must have room for `length + maxTrailer` bytes.
    /// Returns the SRTP packet's length, nil when libsrtp refuses the packet (counted in `protectFailures`).
    public func protectRTP(_ buffer: UnsafeMutableRawPointer, length: Int) -> Int? {
        if let cipher = self.mediaCipher { return cipher.protect(buffer, length: length) }
        return self.transform(buffer, length: length, minimum: 12, inbound: false) {
            srtp_protect(self.outbound, buffer, $0)
        }
    }

    /// Protects `length` bytes of RTCP in place; `buffer` must have room for `length + maxTrailer` bytes.
    public func protectRTCP(_ buffer: UnsafeMutableRawPointer, length: Int) -> Int? {
        self.transform(buffer, length: length, minimum: 8, inbound: false) {
            srtp_protect_rtcp(self.outbound, buffer, $0)
        }
    }

    /// Checks and decrypts `length` bytes of SRTP in place; returns the RTP packet's length, or nil when the
    /// packet fails authentication, is a replay, or is malformed (each counted).
    public func unprotectRTP(_ buffer: UnsafeMutableRawPointer, length: Int) -> Int? {
        if let cipher = self.mediaCipher { return cipher.unprotect(buffer, length: length) }
        return self.transform(buffer, length: length, minimum: 12, inbound: true) {
            srtp_unprotect(self.inbound, buffer, $0)
        }
    }

    /// Checks and decrypts `length` bytes of SRTCP in place; returns the RTCP packet's length, or nil as
    /// `unprotectRTP` does.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawPointer, length: Int) -> Int? {
        self.transform(buffer, length: length, minimum: 8, inbound: true) {
            srtp_unprotect_rtcp(self.inbound, buffer, $0)
        }
    }

    @inline(__always)
    private func transform(
        _ buffer: UnsafeMutableRawPointer, length: Int, minimum: Int, inbound: Bool,
        _ call: (UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) -> Int? {
        guard length >= minimum, length <= 65535 else { return self.refuse(.malformed, inbound: inbound) }
        var count = Int32(length)
        switch call(&count) {
        case srtp_err_status_ok: return Int(count)
        case srtp_err_status_auth_fail: return self.refuse(.authentication, inbound: inbound)
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: return self.refuse(.replay, inbound: inbound)
        default: return self.refuse(.malformed, inbound: inbound)
        }
    }

    /// Why a packet was refused, whichever code refused it.
    private enum Refusal {
        case malformed, authentication, replay
    }

    /// Counts a refused packet, and returns nil: every refusal to protect is a `protectFailures`; a received packet
    /// is counted by why.
    private func refuse(_ refusal: Refusal, inbound: Bool) -> Int? {
        guard inbound else {
            self.counted.protect += 1
            return nil
        }
        switch refusal {
        case .authentication: self.counted.authentication += 1
        case .replay: self.counted.replay += 1
        case .malformed: self.counted.other += 1
        }
        return nil
    }

    /// nil once `srtp_init` succeeded and OpenSSL's ciphers replaced NSS's (both once per process, on first use).
    private static let libraryStatus: SRTPError? = {
        let status = srtp_init()
        guard status == srtp_err_status_ok else { return .libraryInitialization(status: Int32(status.rawValue)) }
        let replaced = chorus_srtp_use_openssl()
        return replaced == 0 ? nil : .cryptoReplacement(status: replaced)
    }()

    private static func create(
        profile: SRTPProfile, keyAndSalt: [UInt8], ssrcType: srtp_ssrc_type_t, direction: String
    ) throws -> srtp_t {
        var policy = srtp_policy_t()
        switch profile {
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        case .aes128CMHMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        }
        policy.ssrc.type = ssrcType
        policy.window_size = 0  // libsrtp's default, 128
        policy.allow_repeat_tx = 0
        var material = keyAndSalt
        var session: srtp_t?
        // libsrtp derives the session keys inside srtp_create and keeps no pointer to the master key.
        let status = material.withUnsafeMutableBufferPointer { key in
            policy.key = key.baseAddress
            return srtp_create(&session, &policy)
        }
        guard status == srtp_err_status_ok, let session else {
            throw SRTPError.sessionCreation(direction: direction, status: Int32(status.rawValue))
        }
        return session
    }
}

@available(*, unavailable)
extension SRTPSession: Sendable {}
