import ChorusCore
import Testing

@testable import ChorusWebRTC

@Suite struct SRTPSessionTests {
    /// Keying material with seeded random keys for `profile`, as the DTLS client would see it.
    static func keys(_ profile: SRTPProfile, seed: UInt64 = 7) -> SRTPKeyingMaterial {
        var random = SplitMix64(seed: seed)
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
        return SRTPKeyingMaterial(
            profile: profile, localMasterKey: bytes(profile.masterKeyLength),
            localMasterSalt: bytes(profile.masterSaltLength), remoteMasterKey: bytes(profile.masterKeyLength),
            remoteMasterSalt: bytes(profile.masterSaltLength)
        )
    }

    /// An Opus-sized RTP packet: version 2, payload type 111, then `payload` bytes.
    static func rtp(sequence: UInt16, ssrc: UInt32 = 0x1234_5678, payload: Int = 120) -> [UInt8] {
        var packet: [UInt8] = [0x80, 111, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 0, 0x03, 0xC0]
        packet += [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
        packet += (0..<payload).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(sequence)) }
        return packet
    }

    /// An RTCP sender report with no report blocks (28 bytes).
    static let senderReport: [UInt8] = [
        0x80, 200, 0x00, 0x06, 0x12, 0x34, 0x56, 0x78, 0xE9, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x03, 0xC0, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78,
    ]

    /// Copies `packet` into a buffer with `maxTrailer` spare bytes, applies `transform`, returns the result.
    static func apply(_ packet: [UInt8], _ transform: (UnsafeMutableRawPointer, Int) -> Int?) -> [UInt8]? {
        var buffer = packet + [UInt8](repeating: 0, count: SRTPSession.maxTrailer)
        let length = buffer.withUnsafeMutableBytes { transform($0.baseAddress!, packet.count) }
        return length.map { Array(buffer[0..<$0]) }
    }

    static func tagLength(_ profile: SRTPProfile) -> Int {
        profile == .aeadAES128GCM ? 16 : 10
    }

    @Test(arguments: SRTPProfile.allCases)
    func rtpRoundTripsBetweenMirroredSessions(profile: SRTPProfile) throws {
        let keys = Self.keys(profile)
        let sender = try SRTPSession(keys: keys)
        let receiver = try SRTPSession(keys: keys.mirrored)
        for sequence in UInt16(1000)..<1010 {
            let plain = Self.rtp(sequence: sequence)
            let secured = try #require(Self.apply(plain, sender.protectRTP))
            #expect(secured.count == plain.count + Self.tagLength(profile))
            #expect(Array(secured[0..<12]) == Array(plain[0..<12]))
            #expect(Array(secured[12..<plain.count]) != Array(plain[12...]))
            #expect(Self.apply(secured, receiver.unprotectRTP) == plain)
        }
        // The sender's own session cannot read what it sent: the keys differ by direction.
        let secured = try #require(Self.apply(Self.rtp(sequence: 1010), sender.protectRTP))
        #expect(Self.apply(secured, sender.unprotectRTP) == nil)
        #expect(sender.authenticationFailures == 1)
        #expect(receiver.authenticationFailures == 0 && receiver.replayDrops == 0)
        // libsrtp never protects an index twice: an older sequence number is refused, not sent.
        #expect(Self.apply(Self.rtp(sequence: 5), sender.protectRTP) == nil)
        #expect(sender.protectFailures == 1 && sender.replayDrops == 0)
    }

    @Test(arguments: SRTPProfile.allCases)
    func rtcpRoundTripsBetweenMirroredSessions(profile: SRTPProfile) throws {
        let keys = Self.keys(profile)
        let sender = try SRTPSession(keys: keys)
        let receiver = try SRTPSession(keys: keys.mirrored)
        for _ in 0..<3 {
            let secured = try #require(Self.apply(Self.senderReport, sender.protectRTCP))
            // SRTCP adds the E flag and index (4 bytes) and the tag.
            #expect(secured.count == Self.senderReport.count + 4 + Self.tagLength(profile))
            #expect(Self.apply(secured, receiver.unprotectRTCP) == Self.senderReport)
        }
    }

    @Test(arguments: SRTPProfile.allCases)
    func aFlippedBitFailsAuthentication(profile: SRTPProfile) throws {
        let keys = Self.keys(profile)
        let sender = try SRTPSession(keys: keys)
        let receiver = try SRTPSession(keys: keys.mirrored)
        var secured = try #require(Self.apply(Self.rtp(sequence: 1), sender.protectRTP))
        secured[40] ^= 0x08
        #expect(Self.apply(secured, receiver.unprotectRTP) == nil)
        #expect(receiver.authenticationFailures == 1)
        var securedReport = try #require(Self.apply(Self.senderReport, sender.protectRTCP))
        securedReport[securedReport.count - 1] ^= 0x01
        #expect(Self.apply(securedReport, receiver.unprotectRTCP) == nil)
        #expect(receiver.authenticationFailures == 2)
        #expect(receiver.replayDrops == 0)
        // A packet that authenticates still goes through afterwards.
        let next = try #require(Self.apply(Self.rtp(sequence: 2), sender.protectRTP))
        #expect(Self.apply(next, receiver.unprotectRTP) == Self.rtp(sequence: 2))
    }

    @Test(arguments: SRTPProfile.allCases)
    func replaysAreDroppedAndCounted(profile: SRTPProfile) throws {
        let keys = Self.keys(profile)
        let sender = try SRTPSession(keys: keys)
        let receiver = try SRTPSession(keys: keys.mirrored)
        let secured = try #require(Self.apply(Self.rtp(sequence: 500), sender.protectRTP))
        #expect(Self.apply(secured, receiver.unprotectRTP) != nil)
        #expect(Self.apply(secured, receiver.unprotectRTP) == nil)
        #expect(receiver.replayDrops == 1)
        let report = try #require(Self.apply(Self.senderReport, sender.protectRTCP))
        #expect(Self.apply(report, receiver.unprotectRTCP) != nil)
        #expect(Self.apply(report, receiver.unprotectRTCP) == nil)
        #expect(receiver.replayDrops == 2)
        #expect(receiver.authenticationFailures == 0)
        // Far behind the replay window (128 packets): too old.
        var later: [UInt8] = []
        for sequence in UInt16(501)...700 {
            later = try #require(Self.apply(Self.rtp(sequence: sequence), sender.protectRTP))
        }
        #expect(Self.apply(later, receiver.unprotectRTP) != nil)
        let old = try #require(Self.apply(Self.rtp(sequence: 400), SRTPSession(keys: keys).protectRTP))
        #expect(Self.apply(old, receiver.unprotectRTP) == nil)
        #expect(receiver.replayDrops == 3)
    }

    @Test func packetsFromSeveralSSRCsEachRoundTrip() throws {
        let keys = Self.keys(.aeadAES128GCM)
        let sender = try SRTPSession(keys: keys)
        let receiver = try SRTPSession(keys: keys.mirrored)
        for ssrc: UInt32 in [1, 2, 0xFFFF_FFFF] {
            let plain = Self.rtp(sequence: 9, ssrc: ssrc)
            let secured = try #require(Self.apply(plain, sender.protectRTP))
            #expect(Self.apply(secured, receiver.unprotectRTP) == plain)
        }
    }

    @Test func keysFromADTLSHandshakeProtectBothWays() throws {
        let link = try DTLSLink()
        link.handshake()
        let client = try SRTPSession(keys: try #require(link.clientKeys))
        let server = try SRTPSession(keys: try #require(link.serverKeys))
        let up = Self.rtp(sequence: 1, ssrc: 1)
        let down = Self.rtp(sequence: 1, ssrc: 2)
        #expect(Self.apply(try #require(Self.apply(up, client.protectRTP)), server.unprotectRTP) == up)
        #expect(Self.apply(try #require(Self.apply(down, server.protectRTP)), client.unprotectRTP) == down)
    }

    @Test func wrongKeyLengthsAreThrown() {
        var keys = Self.keys(.aeadAES128GCM)
        keys.localMasterSalt = Array(repeating: 0, count: 14)
        #expect(throws: SRTPError.invalidKeyLength(profile: .aeadAES128GCM, keyBytes: 16, saltBytes: 14)) {
            try SRTPSession(keys: keys)
        }
        var short = Self.keys(.aes128CMHMACSHA1_80)
        short.remoteMasterKey = [1, 2, 3]
        #expect(throws: SRTPError.self) { try SRTPSession(keys: short) }
    }

    @Test func keyingMaterialSplitsTheExporterOutputAsRFC5764Lays() throws {
        // client key 0x01…, server key 0x02…, client salt 0x03…, server salt 0x04…
        let exported = [UInt8](repeating: 1, count: 16) + [UInt8](repeating: 2, count: 16)
            + [UInt8](repeating: 3, count: 14) + [UInt8](repeating: 4, count: 14)
        let client = try #require(SRTPKeyingMaterial(profile: .aes128CMHMACSHA1_80, exported: exported, isClient: true))
        #expect(client.localMasterKey == [UInt8](repeating: 1, count: 16))
        #expect(client.remoteMasterKey == [UInt8](repeating: 2, count: 16))
        #expect(client.localMasterSalt == [UInt8](repeating: 3, count: 14))
        #expect(client.remoteMasterSalt == [UInt8](repeating: 4, count: 14))
        let server = try #require(
            SRTPKeyingMaterial(profile: .aes128CMHMACSHA1_80, exported: exported, isClient: false)
        )
        #expect(server == client.mirrored)
        #expect(SRTPKeyingMaterial(profile: .aeadAES128GCM, exported: exported, isClient: true) == nil)
    }

    @Test(arguments: SRTPProfile.allCases)
    func garbageNeverCrashesUnprotect(profile: SRTPProfile) throws {
        var random = SplitMix64(seed: 0x5_2790)
        let keys = Self.keys(profile)
        let sender = try SRTPSession(keys: keys)
        let receiver = try SRTPSession(keys: keys.mirrored)
        let validRTP = try #require(Self.apply(Self.rtp(sequence: 77), sender.protectRTP))
        let validRTCP = try #require(Self.apply(Self.senderReport, sender.protectRTCP))
        let rounds = 4000
        var accepted = 0
        for round in 0..<rounds {
            var packet: [UInt8]
            switch round % 4 {
            case 0, 1:
                packet = (0..<Int.random(in: 0...300, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
                if round % 8 == 0, !packet.isEmpty { packet[0] = 0x80 | (packet[0] & 0x3F) }
            case 2:
                packet = validRTP
            default:
                packet = validRTCP
            }
            if round % 4 >= 2 {
                for _ in 0..<Int.random(in: 1...3, using: &random) where !packet.isEmpty {
                    let at = Int.random(in: 0..<packet.count, using: &random)
                    packet[at] ^= UInt8.random(in: 1...255, using: &random)
                }
                if round % 16 >= 14 { packet.removeLast(Int.random(in: 0...packet.count, using: &random)) }
            }
            var buffer = packet + [UInt8](repeating: 0, count: SRTPSession.maxTrailer)
            let result = buffer.withUnsafeMutableBytes { raw -> Int? in
                guard let base = raw.baseAddress else { return nil }
                return round % 2 == 0
                    ? receiver.unprotectRTP(base, length: packet.count)
                    : receiver.unprotectRTCP(base, length: packet.count)
            }
            if let result {
                accepted += 1
                #expect(result <= packet.count)
            }
        }
        #expect(accepted == 0)
        #expect(receiver.authenticationFailures + receiver.replayDrops + receiver.otherFailures == rounds)
        #expect(receiver.authenticationFailures > 0)
        // Hostile input left the session working.
        let plain = Self.rtp(sequence: 78)
        #expect(Self.apply(try #require(Self.apply(plain, sender.protectRTP)), receiver.unprotectRTP) == plain)
        // Nor does protect trap on packets too short or malformed to be RTP.
        #expect(Self.apply([0x80, 0, 0], sender.protectRTP) == nil)
        #expect(Self.apply([], sender.protectRTCP) == nil)
        #expect(sender.protectFailures == 2)
    }

    @Test func measuresPerPacketCost() throws {
        for profile in SRTPProfile.allCases {
            let keys = Self.keys(profile)
            let sender = try SRTPSession(keys: keys)
            let receiver = try SRTPSession(keys: keys.mirrored)
            let packets = 20_000
            // 12-byte header + 120 bytes of Opus: 132 bytes, as in the earlier libsrtp measurement.
            var template = Self.rtp(sequence: 0, payload: 120)
            template += [UInt8](repeating: 0, count: SRTPSession.maxTrailer)
            var failures = 0
            let clock = ContinuousClock()
            let elapsed = template.withUnsafeMutableBytes { raw in
                clock.measure {
                    for index in 0..<packets {
                        raw[2] = UInt8(truncatingIfNeeded: index >> 8)
                        raw[3] = UInt8(truncatingIfNeeded: index)
                        guard let secured = sender.protectRTP(raw.baseAddress!, length: 132),
                            receiver.unprotectRTP(raw.baseAddress!, length: secured) == 132
                        else {
                            failures += 1
                            continue
                        }
                    }
                }
            }
            #expect(failures == 0)
            let microseconds = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
            let each = microseconds / Double(packets)
            print("SRTP \(profile.openSSLName), 132-byte RTP, protect + unprotect: \(each) µs per packet")
        }
    }
}
