import CChorusSRTPCrypto
import ChorusCore
import Testing

@testable import ChorusWebRTC

/// `chorus_srtp_gcm`, the AES-GCM RTP path outside libsrtp, held to libsrtp packet for packet: the same bytes out
/// for every packet protected (roll-over counters across wraps and jumps, CSRCs, header extensions), and the same
/// verdict for every packet received (reordered, duplicated, far too old, tampered, from several SSRCs), with the
/// CPU's AES instructions and with OpenSSL's EVP as its cipher.
@Suite struct SRTPGCMAgainstLibsrtpTests {
    static let keys = SRTPSessionTests.keys(.aeadAES128GCM, seed: 0x7714)

    /// An RTP packet with `csrcs` contributing sources and, when `extensionWords` > 0, a one-byte-header extension.
    static func packet(
        sequence: UInt16, ssrc: UInt32, csrcs: Int = 0, extensionWords: Int = 0, payload: Int = 80
    ) -> [UInt8] {
        let first = UInt8(0x80 | (extensionWords > 0 ? 0x10 : 0) | csrcs)
        var bytes: [UInt8] = [first, 111, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 1, 2, 3]
        bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: ssrc >> $0) }
        for index in 0..<csrcs { bytes += [0, 0, 0, UInt8(index + 1)] }
        if extensionWords > 0 {
            bytes += [0xBE, 0xDE, 0, UInt8(extensionWords)]
            bytes += (0..<(4 * extensionWords)).map { UInt8(truncatingIfNeeded: $0 &+ 0x10) }
        }
        return bytes + (0..<payload).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(sequence)) }
    }

    /// The sequence numbers a sender with these steps sends from `start`: wraps, gaps and jumps past half the space.
    static func sequences(from start: UInt16, steps: [Int]) -> [UInt16] {
        var sequence = start
        return steps.map { step in
            defer { sequence &+= UInt16(truncatingIfNeeded: step) }
            return sequence
        }
    }

    /// The ciphers `chorus_srtp_gcm` has here: the CPU's instructions where it has them, OpenSSL's always.
    static let paths: [SRTPSession.RTPPath] = chorus_aes_gcm_available() != 0 ? [.cpuInstructions, .openSSL] : [.openSSL]

    @Test func theDefaultCiphersWithTheCPUsInstructionsWhereItHasThem() throws {
        let session = try SRTPSession(keys: Self.keys)
        #expect(session.rtpUsesCPUInstructions == (chorus_aes_gcm_available() != 0))
        #expect(try !SRTPSession(keys: Self.keys, rtp: .openSSL).rtpUsesCPUInstructions)
        #expect(try SRTPSession(keys: Self.keys, rtp: .libsrtp).mediaCipher == nil)
    }

    @Test(arguments: [UInt16(0), 1000, 32767, 32768, 40000, 65400], paths)
    func protectsByteForByteAsLibsrtp(start: UInt16, path: SRTPSession.RTPPath) throws {
        let ours = try SRTPSession(keys: Self.keys, rtp: path)
        let reference = try SRTPSession(keys: Self.keys, rtp: .libsrtp)
        let receiver = try SRTPSession(keys: Self.keys.mirrored)
        var random = SplitMix64(seed: UInt64(start) &+ 1)
        // Mostly +1, with gaps, jumps of nearly 2^15 that carry the roll-over counter on, and a few of more than
        // 2^15, which RFC 3711's index estimate takes for packets from the past: both refuse to send those.
        let steps = (0..<600).map { index -> Int in
            if index % 97 == 50 { return 30000 }
            if index % 199 == 120 { return 40000 }
            return Int.random(in: 0..<10, using: &random) == 0 ? Int.random(in: 2...300, using: &random) : 1
        }
        var sentCount = 0
        var refused = 0
        var lastSent: [UInt8] = []
        for (index, sequence) in Self.sequences(from: start, steps: steps).enumerated() {
            let plain = Self.packet(
                sequence: sequence, ssrc: 0xCAFE_0001, csrcs: index % 5 == 1 ? 2 : 0,
                extensionWords: index % 7 == 3 ? 2 : 0, payload: 20 + index % 150)
            let expected = SRTPSessionTests.apply(plain, reference.protectRTP)
            let secured = SRTPSessionTests.apply(plain, ours.protectRTP)
            #expect(secured == expected, "packet \(index), sequence \(sequence)")
            guard let secured else {
                refused += 1
                continue
            }
            sentCount += 1
            lastSent = plain
            #expect(SRTPSessionTests.apply(secured, receiver.unprotectRTP) == plain, "packet \(index)")
        }
        #expect(sentCount > 450)
        #expect(ours.protectFailures == refused && receiver.authenticationFailures == 0 && receiver.replayDrops == 0)
        // An index already used is refused by both.
        #expect(SRTPSessionTests.apply(lastSent, reference.protectRTP) == nil)
        #expect(SRTPSessionTests.apply(lastSent, ours.protectRTP) == nil)
        #expect(ours.protectFailures == refused + 1)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4], paths)
    func receivesAsLibsrtpDoes(seed: UInt64, path: SRTPSession.RTPPath) throws {
        let sender = try SRTPSession(keys: Self.keys, rtp: .libsrtp)
        let ours = try SRTPSession(keys: Self.keys.mirrored, rtp: path)
        let reference = try SRTPSession(keys: Self.keys.mirrored, rtp: .libsrtp)
        var random = SplitMix64(seed: seed)
        let ssrcs: [UInt32] = [0x0A0B_0C0D, 7, 0xFFFF_FFFF]
        var sent: [[UInt8]] = []
        var sequences = ssrcs.map { _ in UInt16.random(in: 0...UInt16.max, using: &random) }
        for index in 0..<1500 {
            let stream = index % 11 == 0 ? Int.random(in: 1..<ssrcs.count, using: &random) : 0
            let plain = Self.packet(sequence: sequences[stream], ssrc: ssrcs[stream], payload: 40 + index % 60)
            sequences[stream] &+= index % 400 == 399 ? 300 : 1
            sent.append(try #require(SRTPSessionTests.apply(plain, sender.protectRTP)))
        }
        // The network: reordered within a few packets, duplicated, some delivered far too late, some tampered.
        var deliveries: [[UInt8]] = []
        var held: [[UInt8]] = []
        for packet in sent {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<8: held.append(packet)
            case 8..<12: deliveries += [packet, packet]
            case 12..<15:
                var tampered = packet
                tampered[Int.random(in: 12..<tampered.count, using: &random)] ^= 0x20
                deliveries.append(tampered)
            default: deliveries.append(packet)
            }
            if held.count > 3 || (held.count > 0 && Int.random(in: 0..<4, using: &random) == 0) {
                deliveries.append(held.removeFirst())
            }
            if deliveries.count % 300 == 299 { deliveries.append(sent[deliveries.count / 3]) }  // far behind
        }
        deliveries += held
        var accepted = 0
        for (index, packet) in deliveries.enumerated() {
            let expected = SRTPSessionTests.apply(packet, reference.unprotectRTP)
            #expect(SRTPSessionTests.apply(packet, ours.unprotectRTP) == expected, "delivery \(index)")
            if expected != nil { accepted += 1 }
        }
        #expect(ours.authenticationFailures == reference.authenticationFailures)
        #expect(ours.replayDrops == reference.replayDrops)
        #expect(ours.otherFailures == reference.otherFailures)
        // The mix exercised every verdict.
        #expect(accepted > 1200 && ours.authenticationFailures > 20 && ours.replayDrops > 40)
    }

    @Test func aDirectionFollowsEightSSRCsAndCountsTheNinth() throws {
        let sender = try SRTPSession(keys: Self.keys, rtp: .libsrtp)
        let receiver = try SRTPSession(keys: Self.keys.mirrored)
        for ssrc in UInt32(1)...9 {
            let plain = Self.packet(sequence: 100, ssrc: ssrc)
            let secured = try #require(SRTPSessionTests.apply(plain, sender.protectRTP))
            #expect((SRTPSessionTests.apply(secured, receiver.unprotectRTP) == plain) == (ssrc <= 8), "SSRC \(ssrc)")
        }
        #expect(receiver.otherFailures == 1)
        // Packets that fail authentication never take a slot: a forged SSRC cannot crowd out the real ones.
        let forged = try SRTPSession(keys: Self.keys.mirrored)
        for ssrc in UInt32(100)..<120 {
            var secured = try #require(SRTPSessionTests.apply(Self.packet(sequence: 1, ssrc: ssrc), sender.protectRTP))
            secured[secured.count - 1] ^= 1
            #expect(SRTPSessionTests.apply(secured, forged.unprotectRTP) == nil)
        }
        let real = Self.packet(sequence: 2, ssrc: 100)
        #expect(SRTPSessionTests.apply(try #require(SRTPSessionTests.apply(real, sender.protectRTP)), forged.unprotectRTP) == real)
        #expect(forged.authenticationFailures == 20)
    }
}
