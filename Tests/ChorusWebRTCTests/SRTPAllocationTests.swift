import CAllocationCounter
import ChorusCore
import Testing

@testable import ChorusWebRTC

/// A WebRTC call protects and checks every packet, so `SRTPSession` must not allocate per packet: not in Chorus's
/// code, and not inside libsrtp's ciphers (Debian's NSS build allocated 10 times per GCM round trip and 28 per
/// AES-CM one; the OpenSSL replacements allocate nothing).
@Suite struct SRTPAllocationTests {
    @Test(arguments: SRTPProfile.allCases)
    func protectAndUnprotectAllocateNothingPerPacket(profile: SRTPProfile) throws {
        let keys = SRTPSessionTests.keys(profile)
        let sender = try SRTPSession(keys: keys)
        let receiver = try SRTPSession(keys: keys.mirrored)
        let rtp = Self.countAllocations(packet: SRTPSessionTests.rtp(sequence: 0), sequenced: true) { buffer, length in
            guard let secured = sender.protectRTP(buffer, length: length) else { return false }
            return receiver.unprotectRTP(buffer, length: secured) == length
        }
        let rtcp = Self.countAllocations(packet: SRTPSessionTests.senderReport, sequenced: false) { buffer, length in
            guard let secured = sender.protectRTCP(buffer, length: length) else { return false }
            return receiver.unprotectRTCP(buffer, length: secured) == length
        }
        #expect(rtp.failures == 0 && rtcp.failures == 0)
        #expect(rtp.allocations == 0, "\(rtp.allocations) allocations in 500 RTP round trips")
        #expect(rtcp.allocations == 0, "\(rtcp.allocations) allocations in 500 RTCP round trips")
    }

    /// Runs 500 protect + unprotect round trips of `packet` (after one to create the SSRC's streams) and counts
    /// this thread's allocations during them; `sequenced` gives each RTP packet the next sequence number.
    static func countAllocations(
        packet: [UInt8], sequenced: Bool, _ roundTrip: (UnsafeMutableRawPointer, Int) -> Bool
    ) -> (allocations: Int, failures: Int) {
        var buffer = packet + [UInt8](repeating: 0, count: SRTPSession.maxTrailer)
        var failures = 0
        buffer.withUnsafeMutableBytes { raw in
            if !roundTrip(raw.baseAddress!, packet.count) { failures += 1 }
        }
        chorus_allocations_start()
        buffer.withUnsafeMutableBytes { raw in
            for index in 1...500 {
                if sequenced {
                    raw[2] = UInt8(truncatingIfNeeded: index >> 8)
                    raw[3] = UInt8(truncatingIfNeeded: index)
                }
                // Unprotect decrypted in place, so the next round trip starts from the plain packet again.
                if !roundTrip(raw.baseAddress!, packet.count) { failures += 1 }
            }
        }
        let allocations = chorus_allocations_stop()
        return (allocations, failures)
    }
}
