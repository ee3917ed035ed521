import ChorusCore
import Testing

@testable import ChorusWebRTC

/// Packets protected by Debian's libsrtp2 with its own (NSS) ciphers, captured once from a C program: `SRTPSession`,
/// whose ciphers are OpenSSL's, must produce the same bytes and read them back, across a sequence-number wrap
/// (roll-over counter 0 → 1) and for SRTCP. SRTP is deterministic for a key and a packet, so any difference in key
/// derivation, IV, keystream or tag shows here.
@Suite struct SRTPGoldenVectorTests {
    /// Master key ‖ salt bytes `i * 13 + 1`, as the C program used (16 + 12 bytes for GCM, 16 + 14 for AES-CM).
    static func keys(_ profile: SRTPProfile) -> SRTPKeyingMaterial {
        let bytes = (0..<30).map { UInt8(truncatingIfNeeded: $0 * 13 + 1) }
        let key = Array(bytes[0..<16])
        let salt = Array(bytes[16..<(16 + profile.masterSaltLength)])
        return SRTPKeyingMaterial(
            profile: profile, localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt
        )
    }

    /// The plain packet: payload type 111, timestamp 1000 + 960·k, SSRC 0x12345678, payload bytes 12…31.
    static func plain(sequence: UInt16, k: Int) -> [UInt8] {
        let timestamp = UInt32(1000 + k * 960)
        var packet: [UInt8] = [0x80, 111, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        packet += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: timestamp >> $0) }
        packet += [0x12, 0x34, 0x56, 0x78]
        return packet + (12..<32).map { UInt8($0) }
    }

    static let receiverReport: [UInt8] = [0x80, 201, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78]

    static let sequences: [UInt16] = [65534, 65535, 0]

    static let golden: [SRTPProfile: (rtp: [String], rtcp: String)] = [
        .aeadAES128GCM: (
            [
                "806ffffe000003e8123456785d4680024409b2ab20bc57ee34cffe2b18bbb3164690cbf7c0feea1326eb8c7620b71691",
                "806fffff000007a812345678db0d244ff1c2b2df4c6fd5f554c10afd7843a364986f7010b287315194974e153941f946",
                "806f000000000b6812345678ccdf175a848695fee6b8a71bf7a99f2d3fbb03eeb81e91684164b9a75796f3b9102765b1",
            ],
            "80c9000112345678d69f7da49e3e8052feb2dac61918d7b680000001"
        ),
        .aes128CMHMACSHA1_80: (
            [
                "806ffffe000003e81234567869244f8bc7a093b2137d4299656766d4a46107ebc3b666cb2cc18cadab67",
                "806fffff000007a812345678c0dde3382c3f36ad5acaa2ad81fa2dd3553f2d283842687f4823f94bf5b5",
                "806f000000000b6812345678e891f4132d8d7def4079f1bdc51726680bff9c85efa7c9256b07e99d2546",
            ],
            "80c9000112345678800000011228303d23102a13ca25"
        ),
    ]

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    @Test(arguments: SRTPProfile.allCases)
    func protectsByteForByteAsLibsrtpOnNSS(profile: SRTPProfile) throws {
        let expected = try #require(Self.golden[profile])
        let sender = try SRTPSession(keys: Self.keys(profile))
        for (k, sequence) in Self.sequences.enumerated() {
            let secured = try #require(SRTPSessionTests.apply(Self.plain(sequence: sequence, k: k), sender.protectRTP))
            #expect(Self.hex(secured) == expected.rtp[k], "sequence \(sequence)")
        }
        let report = try #require(SRTPSessionTests.apply(Self.receiverReport, sender.protectRTCP))
        #expect(Self.hex(report) == expected.rtcp)
        #expect(sender.protectFailures == 0)
    }

    @Test(arguments: SRTPProfile.allCases)
    func readsLibsrtpOnNSSPacketsAcrossTheWrap(profile: SRTPProfile) throws {
        let expected = try #require(Self.golden[profile])
        let receiver = try SRTPSession(keys: Self.keys(profile))
        for (k, sequence) in Self.sequences.enumerated() {
            let plain = SRTPSessionTests.apply(Self.bytes(expected.rtp[k]), receiver.unprotectRTP)
            #expect(plain == Self.plain(sequence: sequence, k: k), "sequence \(sequence)")
        }
        #expect(SRTPSessionTests.apply(Self.bytes(expected.rtcp), receiver.unprotectRTCP) == Self.receiverReport)
        // A packet seen before is a replay; one flipped payload bit in a new packet fails authentication.
        #expect(SRTPSessionTests.apply(Self.bytes(expected.rtp[2]), receiver.unprotectRTP) == nil)
        #expect(receiver.replayDrops == 1 && receiver.authenticationFailures == 0)
        let fresh = try SRTPSession(keys: Self.keys(profile))
        var tampered = Self.bytes(expected.rtp[0])
        tampered[20] ^= 0x01
        #expect(SRTPSessionTests.apply(tampered, fresh.unprotectRTP) == nil)
        #expect(fresh.authenticationFailures == 1 && fresh.replayDrops == 0)
    }
}
