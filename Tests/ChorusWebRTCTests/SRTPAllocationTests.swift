import CAllocationCounter
import CSRTP
import ChorusCore
import Testing

@testable import ChorusWebRTC

/// Debian's libsrtp2 is built against NSS, whose PK11 calls allocate on every packet (5 times for AES-GCM, 14 for
/// AES-CM + HMAC-SHA1, in a C harness calling libsrtp alone). So these tests check that `SRTPSession` adds no
/// allocation of its own: it allocates exactly as often as libsrtp called directly on the same packets.
@Suite struct SRTPAllocationTests {
    @Test(arguments: SRTPProfile.allCases)
    func sessionsAllocateNoMoreThanLibsrtpItself(profile: SRTPProfile) throws {
        let keys = SRTPSessionTests.keys(profile)
        let sender = try SRTPSession(keys: keys)
        let receiver = try SRTPSession(keys: keys.mirrored)
        let wrapped = Self.countAllocations { buffer, length in
            guard let secured = sender.protectRTP(buffer, length: length) else { return false }
            return receiver.unprotectRTP(buffer, length: secured) == length
        }

        let key = keys.localMasterKey + keys.localMasterSalt
        let outbound = try #require(Self.rawSession(profile: profile, key: key, outbound: true))
        let inbound = try #require(Self.rawSession(profile: profile, key: key, outbound: false))
        defer {
            srtp_dealloc(outbound)
            srtp_dealloc(inbound)
        }
        let raw = Self.countAllocations { buffer, length in
            var count = Int32(length)
            guard srtp_protect(outbound, buffer, &count) == srtp_err_status_ok else { return false }
            return srtp_unprotect(inbound, buffer, &count) == srtp_err_status_ok && count == length
        }
        #expect(wrapped.failures == 0 && raw.failures == 0)
        #expect(wrapped.allocations == raw.allocations)
        let perPacket = raw.allocations / 500
        print("SRTP \(profile.openSSLName): \(perPacket) allocations per protect + unprotect, all libsrtp's")
    }

    /// Runs 500 protect + unprotect round trips of a 132-byte RTP packet (after one to create the SSRC's streams)
    /// and counts this thread's allocations during them.
    static func countAllocations(
        _ roundTrip: (UnsafeMutableRawPointer, Int) -> Bool
    ) -> (allocations: Int, failures: Int) {
        var buffer = SRTPSessionTests.rtp(sequence: 0) + [UInt8](repeating: 0, count: SRTPSession.maxTrailer)
        var failures = 0
        buffer.withUnsafeMutableBytes { raw in
            if !roundTrip(raw.baseAddress!, 132) { failures += 1 }
        }
        chorus_allocations_start()
        buffer.withUnsafeMutableBytes { raw in
            for index in 1...500 {
                raw[2] = UInt8(truncatingIfNeeded: index >> 8)
                raw[3] = UInt8(truncatingIfNeeded: index)
                if !roundTrip(raw.baseAddress!, 132) { failures += 1 }
            }
        }
        let allocations = chorus_allocations_stop()
        return (allocations, failures)
    }

    static func rawSession(profile: SRTPProfile, key: [UInt8], outbound: Bool) -> srtp_t? {
        _ = try? SRTPSession(keys: SRTPSessionTests.keys(profile))  // srtp_init, once
        var policy = srtp_policy_t()
        if profile == .aeadAES128GCM {
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        } else {
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        }
        policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound
        var material = key
        var session: srtp_t?
        let status = material.withUnsafeMutableBufferPointer { buffer in
            policy.key = buffer.baseAddress
            return srtp_create(&session, &policy)
        }
        return status == srtp_err_status_ok ? session : nil
    }
}
