import ChorusCore
import Testing

@testable import ChorusWebRTC

/// RFC 5769's test vectors, byte for byte as the RFC prints them (§2.1–2.3).
enum RFC5769 {
    static let password = "VOkJxbRl1RmTxUk/WvJxBt"
    static let transactionID = STUNTransactionID(upper: 0xB7E7_A701, lower: 0xBC34_D686_FA87_DFAE)

    /// §2.1 Sample Request: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME (padded with spaces),
    /// MESSAGE-INTEGRITY, FINGERPRINT.
    static let request = bytes(
        """
        00 01 00 58  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
        80 22 00 10  53 54 55 4e  20 74 65 73  74 20 63 6c  69 65 6e 74
        00 24 00 04  6e 00 01 ff
        80 29 00 08  93 2f f9 b1  51 26 3b 36
        00 06 00 09  65 76 74 6a  3a 68 36 76  59 20 20 20
        00 08 00 14  9a ea a7 0c  bf d8 cb 56  78 1e f2 b5  b2 d3 f2 49  c1 b5 71 a2
        80 28 00 04  e5 7a 3b cf
        """
    )

    /// §2.2 Sample IPv4 Response: SOFTWARE (padded with a space), XOR-MAPPED-ADDRESS 192.0.2.1:32853,
    /// MESSAGE-INTEGRITY, FINGERPRINT.
    static let ipv4Response = bytes(
        """
        01 01 00 3c  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
        80 22 00 0b  74 65 73 74  20 76 65 63  74 6f 72 20
        00 20 00 08  00 01 a1 47  e1 12 a6 43
        00 08 00 14  2b 91 f5 99  fd 9e 90 c3  8c 74 89 f9  2a f9 ba 53  f0 6b e7 d7
        80 28 00 04  c0 7d 4c 96
        """
    )

    /// §2.3 Sample IPv6 Response: as §2.2 with XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.
    static let ipv6Response = bytes(
        """
        01 01 00 48  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
        80 22 00 0b  74 65 73 74  20 76 65 63  74 6f 72 20
        00 20 00 14  00 02 a1 47  01 13 a9 fa  a5 d3 f1 79  bc 25 f4 b5  be d2 b9 d9
        00 08 00 14  a3 82 95 4e  4b e6 7b f1  17 84 c9 7c  82 92 c2 75  bf e3 ed 41
        80 28 00 04  c8 fb 0b 4c
        """
    )

    static let ipv6Address = STUNAddress(
        host: .ipv6(high: 0x2001_0DB8_1234_5678, low: 0x0011_2233_4455_6677),
        port: 32853
    )

    /// Bytes from whitespace-separated hex pairs.
    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(whereSeparator: \.isWhitespace).map { UInt8($0, radix: 16)! }
    }
}

@Suite struct STUNMessageTests {
    let key = STUNMessage.shortTermKey(password: RFC5769.password)

    // MARK: - RFC 5769 vectors

    @Test func sampleRequestParsesToEveryAttribute() throws {
        let message = try STUNMessage.parse(RFC5769.request).get()
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == RFC5769.transactionID)
        #expect(message.transactionID.bytes == Array(RFC5769.request[8..<20]))
        #expect(
            message.attributes.map(\.type) == [
                .software, .priority, .iceControlled, .username, .messageIntegrity, .fingerprint,
            ]
        )
        #expect(message.software == "STUN test client")
        #expect(message.priority == 0x6E00_01FF)
        #expect(message.iceControlled == 0x932F_F9B1_5126_3B36)
        #expect(message.iceControlling == nil)
        #expect(message.useCandidate == false)
        #expect(message.username == "evtj:h6vY")
        #expect(message.messageIntegrity == Array(RFC5769.request[80..<100]))
        #expect(message.fingerprint == 0xE57A_3BCF)
        #expect(STUNMessage.verifyIntegrity(bytes: RFC5769.request, key: self.key))
        #expect(STUNMessage.verifyFingerprint(bytes: RFC5769.request))
    }

    @Test func sampleRequestEncodesToTheVector() {
        let message = STUNMessage(
            type: .bindingRequest,
            transactionID: RFC5769.transactionID,
            attributes: [
                .software("STUN test client"), .priority(0x6E00_01FF),
                .iceControlled(tieBreaker: 0x932F_F9B1_5126_3B36), .username("evtj:h6vY"),
            ]
        )
        // The vector pads USERNAME (bytes 73...75) with spaces, and the HMAC and CRC cover the padding: 0x20
        // reproduces it exactly.
        #expect(message.encode(integrityKey: self.key, fingerprint: true, paddingByte: 0x20) == RFC5769.request)
        // With RFC 8489's zero padding only the padding, the HMAC and the CRC differ, and it still verifies.
        let zeroPadded = message.encode(integrityKey: self.key, fingerprint: true)
        #expect(zeroPadded.count == RFC5769.request.count)
        #expect(Array(zeroPadded[..<73]) == Array(RFC5769.request[..<73]))
        #expect(Array(zeroPadded[73..<76]) == [0, 0, 0])
        #expect(Array(zeroPadded[76..<80]) == Array(RFC5769.request[76..<80]))
        #expect(STUNMessage.verifyIntegrity(bytes: zeroPadded, key: self.key))
        #expect(STUNMessage.verifyFingerprint(bytes: zeroPadded))
        // A parsed message re-encodes to the vector: its own MESSAGE-INTEGRITY and FINGERPRINT are recomputed.
        let parsed = try? STUNMessage.parse(RFC5769.request).get()
        #expect(parsed?.encode(integrityKey: self.key, fingerprint: true, paddingByte: 0x20) == RFC5769.request)
    }

    @Test func sampleIPv4ResponseParsesAndEncodes() throws {
        let message = try STUNMessage.parse(RFC5769.ipv4Response).get()
        #expect(message.type == .bindingSuccess)
        #expect(message.transactionID == RFC5769.transactionID)
        #expect(message.attributes.map(\.type) == [.software, .xorMappedAddress, .messageIntegrity, .fingerprint])
        #expect(message.software == "test vector")
        #expect(message.xorMappedAddress == .ipv4(192, 0, 2, 1, port: 32853))
        #expect(message.xorMappedAddress?.description == "192.0.2.1:32853")
        #expect(message.messageIntegrity == Array(RFC5769.ipv4Response[52..<72]))
        #expect(message.fingerprint == 0xC07D_4C96)
        #expect(STUNMessage.verifyIntegrity(bytes: RFC5769.ipv4Response, key: self.key))
        #expect(STUNMessage.verifyFingerprint(bytes: RFC5769.ipv4Response))

        let encoded = STUNMessage(
            type: .bindingSuccess,
            transactionID: RFC5769.transactionID,
            attributes: [.software("test vector"), .xorMappedAddress(.ipv4(192, 0, 2, 1, port: 32853))]
        ).encode(integrityKey: self.key, fingerprint: true, paddingByte: 0x20)
        #expect(encoded == RFC5769.ipv4Response)
    }

    @Test func sampleIPv6ResponseParsesAndEncodes() throws {
        let message = try STUNMessage.parse(RFC5769.ipv6Response).get()
        #expect(message.type == .bindingSuccess)
        #expect(message.transactionID == RFC5769.transactionID)
        #expect(message.attributes.map(\.type) == [.software, .xorMappedAddress, .messageIntegrity, .fingerprint])
        #expect(message.software == "test vector")
        #expect(message.xorMappedAddress == RFC5769.ipv6Address)
        #expect(message.xorMappedAddress?.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
        #expect(message.messageIntegrity == Array(RFC5769.ipv6Response[64..<84]))
        #expect(message.fingerprint == 0xC8FB_0B4C)
        #expect(STUNMessage.verifyIntegrity(bytes: RFC5769.ipv6Response, key: self.key))
        #expect(STUNMessage.verifyFingerprint(bytes: RFC5769.ipv6Response))

        let encoded = STUNMessage(
            type: .bindingSuccess,
            transactionID: RFC5769.transactionID,
            attributes: [.software("test vector"), .xorMappedAddress(RFC5769.ipv6Address)]
        ).encode(integrityKey: self.key, fingerprint: true, paddingByte: 0x20)
        #expect(encoded == RFC5769.ipv6Response)
    }

    // MARK: - Integrity and fingerprint failures

    @Test(arguments: [RFC5769.request, RFC5769.ipv4Response, RFC5769.ipv6Response])
    func wrongKeyFailsIntegrity(vector: [UInt8]) {
        let oneLetterOff = STUNMessage.shortTermKey(password: "VOkJxbRl1RmTxUk/WvJxBT")
        #expect(!STUNMessage.verifyIntegrity(bytes: vector, key: oneLetterOff))
        #expect(!STUNMessage.verifyIntegrity(bytes: vector, key: []))
    }

    @Test(arguments: [RFC5769.request, RFC5769.ipv4Response, RFC5769.ipv6Response])
    func everyFlippedBitFailsTheFingerprint(vector: [UInt8]) {
        let integrityEnd = vector.count - 8
        for bit in 0..<(vector.count * 8) {
            var corrupted = vector
            corrupted[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(!STUNMessage.verifyFingerprint(bytes: corrupted), "bit \(bit)")
            if bit / 8 < integrityEnd {  // MESSAGE-INTEGRITY covers everything before FINGERPRINT
                #expect(!STUNMessage.verifyIntegrity(bytes: corrupted, key: self.key), "bit \(bit)")
            }
        }
    }

    @Test func messagesWithoutTheAttributesDoNotVerify() {
        let bare = STUNMessage(type: .bindingIndication, transactionID: RFC5769.transactionID)
        #expect(!STUNMessage.verifyIntegrity(bytes: bare.encode(integrityKey: nil, fingerprint: true), key: self.key))
        #expect(!STUNMessage.verifyFingerprint(bytes: bare.encode(integrityKey: self.key, fingerprint: false)))
        let integrityOnly = bare.encode(integrityKey: self.key, fingerprint: false)
        #expect(STUNMessage.verifyIntegrity(bytes: integrityOnly, key: self.key))
    }

    // MARK: - Malformed input

    @Test func truncatedHeadersFail() {
        for count in 0..<STUNMessage.headerSize {
            let prefix = Array(RFC5769.request.prefix(count))
            #expect(STUNMessage.parse(prefix) == .failure(.truncatedHeader(available: count)))
            #expect(!STUNMessage.verifyIntegrity(bytes: prefix, key: self.key))
            #expect(!STUNMessage.verifyFingerprint(bytes: prefix))
        }
    }

    @Test func everyTruncationOfAVectorFails() {
        for count in STUNMessage.headerSize..<RFC5769.request.count {
            let result = STUNMessage.parse(Array(RFC5769.request.prefix(count)))
            #expect(result == .failure(.lengthMismatch(declared: 88, actual: count - 20)))
        }
    }

    @Test func headerFieldsAreChecked() {
        var notSTUN = RFC5769.request
        notSTUN[0] = 0x80
        #expect(STUNMessage.parse(notSTUN) == .failure(.notSTUN(firstByte: 0x80)))
        var badCookie = RFC5769.request
        badCookie[4] = 0x22
        #expect(STUNMessage.parse(badCookie) == .failure(.badMagicCookie(0x2212_A442)))
        var oddLength = RFC5769.request
        oddLength[3] = 0x57
        #expect(STUNMessage.parse(oddLength) == .failure(.lengthNotMultipleOfFour(0x57)))
        let trailing = RFC5769.request + [0, 0, 0, 0]
        #expect(STUNMessage.parse(trailing) == .failure(.lengthMismatch(declared: 88, actual: 92)))
    }

    @Test func attributeLengthPastTheEndFailsWithItsNumbers() {
        // USERNAME claiming 300 bytes in a message with 100 bytes of attributes.
        let message = Self.header(length: 100) + [0x00, 0x06, 0x01, 0x2C] + [UInt8](repeating: 0x61, count: 96)
        let error = STUNParseError.attributeOverrun(type: .username, length: 300, offset: 20, messageSize: 120)
        #expect(STUNMessage.parse(message) == .failure(error))
        #expect(
            error.description
                == "attribute 0x0006 (USERNAME) at byte 20: length 300 runs past the message end (120 bytes)"
        )

        let maxLength = Self.header(length: 8) + [0x80, 0x22, 0xFF, 0xFF, 0x41, 0x42, 0x43, 0x44]
        #expect(
            STUNMessage.parse(maxLength)
                == .failure(.attributeOverrun(type: .software, length: 0xFFFF, offset: 20, messageSize: 28))
        )

        // A second attribute whose header is the message's last 4 bytes.
        let software: [UInt8] = [0x80, 0x22, 0x00, 0x04, 0x41, 0x42, 0x43, 0x44]
        let lastHeader = Self.header(length: 12) + software + [0x12, 0x34, 0x00, 0x05]
        let unknown = STUNAttributeType(rawValue: 0x1234)
        #expect(
            STUNMessage.parse(lastHeader)
                == .failure(.attributeOverrun(type: unknown, length: 5, offset: 28, messageSize: 32))
        )
    }

    @Test func knownAttributesWithWrongValuesFail() {
        let cases: [([UInt8], STUNParseError)] = [
            ([0x00, 0x24, 0x00, 0x02, 1, 2, 0, 0], .invalidAttributeLength(type: .priority, length: 2)),
            ([0x00, 0x25, 0x00, 0x04, 1, 2, 3, 4], .invalidAttributeLength(type: .useCandidate, length: 4)),
            ([0x80, 0x2A, 0x00, 0x04, 1, 2, 3, 4], .invalidAttributeLength(type: .iceControlling, length: 4)),
            ([0x00, 0x08, 0x00, 0x04, 1, 2, 3, 4], .invalidAttributeLength(type: .messageIntegrity, length: 4)),
            ([0x80, 0x28, 0x00, 0x00], .invalidAttributeLength(type: .fingerprint, length: 0)),
            (
                [0x00, 0x20, 0x00, 0x08, 0, 3, 1, 2, 3, 4, 5, 6],
                .unknownAddressFamily(type: .xorMappedAddress, family: 3)
            ),
            (
                [0x00, 0x01, 0x00, 0x14, 0, 1] + [UInt8](repeating: 0, count: 18),
                .invalidAttributeLength(type: .mappedAddress, length: 20)
            ),
            ([0x00, 0x01, 0x00, 0x02, 0, 1, 0, 0], .invalidAttributeLength(type: .mappedAddress, length: 2)),
            ([0x00, 0x09, 0x00, 0x04, 0, 0, 7, 0], .invalidErrorCode(errorClass: 7, number: 0)),
            ([0x00, 0x09, 0x00, 0x04, 0, 0, 4, 100], .invalidErrorCode(errorClass: 4, number: 100)),
            (
                [0x80, 0x28, 0x00, 0x04, 1, 2, 3, 4, 0x80, 0x22, 0x00, 0x00],
                .attributeAfterFingerprint(type: .software)
            ),
        ]
        for (attributes, error) in cases {
            #expect(STUNMessage.parse(Self.header(length: attributes.count) + attributes) == .failure(error))
        }
    }

    @Test func attributesAfterIntegrityAreIgnored() throws {
        let message = STUNMessage(
            type: .bindingRequest,
            transactionID: RFC5769.transactionID,
            attributes: [.priority(7)]
        )
        var bytes = message.encode(integrityKey: self.key, fingerprint: false)
        bytes += [0x80, 0x22, 0x00, 0x04, 0x41, 0x42, 0x43, 0x44]  // SOFTWARE after MESSAGE-INTEGRITY
        bytes[3] += 8
        let parsed = try STUNMessage.parse(bytes).get()
        #expect(parsed.attributes.map(\.type) == [.priority, .messageIntegrity])
        #expect(STUNMessage.verifyIntegrity(bytes: bytes, key: self.key))
    }

    @Test func randomAndMutatedBytesNeverCrash() {
        var random = SplitMix64(seed: 0x5354_554E)
        let vectors = [RFC5769.request, RFC5769.ipv4Response, RFC5769.ipv6Response]
        var parsed = 0
        for round in 0..<10_000 {
            let bytes: [UInt8]
            switch round % 3 {
            case 0:  // anything
                bytes = Self.randomBytes(count: Int.random(in: 0...120, using: &random), using: &random)
            case 1:  // a valid header over random attributes, so the attribute decoders run
                let attributes = Self.randomAttributes(using: &random)
                bytes = Self.header(length: attributes.count) + attributes
            default:  // a vector with a few bytes replaced
                var vector = vectors[round % vectors.count]
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    vector[Int.random(in: 0..<vector.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                bytes = vector
            }
            _ = STUNMessage.verifyIntegrity(bytes: bytes, key: self.key)
            _ = STUNMessage.verifyFingerprint(bytes: bytes)
            guard case .success(let message) = STUNMessage.parse(bytes) else { continue }
            parsed += 1
            // Whatever parsed re-encodes to a message that parses to the same attributes.
            let reencoded = STUNMessage.parse(message.encode(integrityKey: nil, fingerprint: false))
            let kept = message.attributes.filter { $0.type != .messageIntegrity && $0.type != .fingerprint }
            #expect((try? reencoded.get().attributes) == kept)
        }
        #expect(parsed > 1_000)  // the fuzz reaches the attribute decoders, not only the header checks
    }

    // MARK: - Round trips

    @Test func bindingRequestRoundTrips() throws {
        let id = STUNTransactionID(upper: 0x0102_0304, lower: 0x0506_0708_090A_0B0C)
        let peerKey = STUNMessage.shortTermKey(password: "asd88fgpdd777uzjYhagZg")
        let request = STUNMessage(
            type: .bindingRequest,
            transactionID: id,
            attributes: [
                .username("rfc8445:chorus1"), .priority(0x6E7F_1EFF),
                .iceControlling(tieBreaker: 0x0123_4567_89AB_CDEF), .useCandidate,
            ]
        )
        var buffer: [UInt8] = []
        request.encode(into: &buffer, integrityKey: peerKey, fingerprint: true)
        #expect(buffer.count == 20 + 20 + 8 + 12 + 4 + 24 + 8)
        #expect(PacketKind(firstByte: buffer[0]) == .stun)
        #expect(STUNMessage.verifyIntegrity(bytes: buffer, key: peerKey))
        #expect(!STUNMessage.verifyIntegrity(bytes: buffer, key: self.key))
        #expect(STUNMessage.verifyFingerprint(bytes: buffer))

        let parsed = try STUNMessage.parse(buffer).get()
        #expect(parsed.type == .bindingRequest)
        #expect(parsed.transactionID == id)
        #expect(Array(parsed.attributes.prefix(4)) == request.attributes)
        #expect(Array(parsed.attributes.map(\.type).suffix(2)) == [.messageIntegrity, .fingerprint])
        #expect(parsed.username == "rfc8445:chorus1")
        #expect(parsed.priority == 0x6E7F_1EFF)
        #expect(parsed.iceControlling == 0x0123_4567_89AB_CDEF)
        #expect(parsed.useCandidate)
        #expect(parsed.encode(integrityKey: peerKey, fingerprint: true) == buffer)

        // Reusing the buffer for another message replaces its contents and keeps its storage.
        let capacity = buffer.capacity
        let indication = STUNMessage(type: .bindingIndication, transactionID: id)
        indication.encode(into: &buffer, integrityKey: nil, fingerprint: true)
        #expect(buffer.count == 28)
        #expect(buffer.capacity == capacity)
        #expect(STUNMessage.verifyFingerprint(bytes: buffer))
    }

    @Test func errorResponseRoundTrips() throws {
        let id = STUNTransactionID.random()
        let response = STUNMessage(
            type: .bindingError,
            transactionID: id,
            attributes: [
                .errorCode(.roleConflict), .mappedAddress(STUNAddress(host: .ipv6(high: 0, low: 1), port: 9)),
                .xorMappedAddress(.ipv4(198, 51, 100, 7, port: 0)),
                .unknown(type: STUNAttributeType(rawValue: 0xC001), value: [1, 2, 3, 4, 5]), .software("chorus"),
            ]
        )
        let bytes = response.encode(integrityKey: nil, fingerprint: true)
        let parsed = try STUNMessage.parse(bytes).get()
        #expect(parsed.type == .bindingError)
        #expect(parsed.transactionID == id)
        #expect(Array(parsed.attributes.dropLast()) == response.attributes)
        #expect(parsed.errorCode == STUNErrorCode(code: 487, reason: "Role Conflict"))
        #expect(parsed.errorCode?.errorClass == 4)
        #expect(parsed.errorCode?.number == 87)
        #expect(parsed.mappedAddress?.description == "[::1]:9")
        #expect(STUNMessage.verifyFingerprint(bytes: bytes))
    }

    // MARK: - Pieces

    @Test func messageTypesInterleaveClassAndMethodBits() {
        #expect(STUNMessageType.bindingRequest.rawValue == 0x0001)
        #expect(STUNMessageType.bindingIndication.rawValue == 0x0011)
        #expect(STUNMessageType.bindingSuccess.rawValue == 0x0101)
        #expect(STUNMessageType.bindingError.rawValue == 0x0111)
        #expect(STUNMessageType.bindingSuccess.description == "Binding success response")
        #expect((UInt16(0)..<0x4000).allSatisfy { STUNMessageType(rawValue: $0).rawValue == $0 })
    }

    @Test func packetKindFollowsRFC7983() {
        let expected: [(ClosedRange<UInt8>, PacketKind)] = [
            (0...3, .stun), (4...19, .unknown), (20...63, .dtls), (64...127, .unknown), (128...191, .rtp),
            (192...255, .unknown),
        ]
        for (range, kind) in expected {
            for byte in range {
                #expect(PacketKind(firstByte: byte) == kind)
                #expect(PacketKind.isSTUN(byte) == (kind == .stun))
            }
        }
        #expect([UInt8]().withUnsafeBytes { PacketKind(datagram: $0) } == .unknown)
    }

    @Test func crc32MatchesZlib() {
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
        #expect([UInt8]().withUnsafeBytes { CRC32.checksum($0) } == 0)
    }

    @Test func ipv6TextIsCompressedAsRFC5952Says() {
        let cases: [(UInt64, UInt64, String)] = [
            (0, 0, "::"),
            (0x2001_0DB8_0000_0000, 0x0000_0000_0000_0001, "2001:db8::1"),
            (0x2001_0DB8_0000_0001, 0x0000_0000_0001_0000, "2001:db8:0:1::1:0"),
            (0x2001_0DB8_0000_0000, 0x0001_0000_0000_0001, "2001:db8::1:0:0:1"),
            (0xFE80_0000_0000_0000, 0x0000_0000_0000_0000, "fe80::"),
            (0x2001_0DB8_0001_0001, 0x0001_0001_0000_0001, "2001:db8:1:1:1:1:0:1"),
        ]
        for (high, low, text) in cases {
            #expect(STUNAddress(host: .ipv6(high: high, low: low), port: 1).description == "[\(text)]:1")
        }
    }

    @Test func transactionIDsReadAndWriteTheirBytes() {
        #expect(STUNTransactionID(bytes: RFC5769.request[8..<20]) == RFC5769.transactionID)
        #expect(STUNTransactionID(bytes: [1, 2, 3]) == nil)
        #expect(RFC5769.transactionID.description == "b7e7a701bc34d686fa87dfae")
        var a = SplitMix64(seed: 1)
        var b = SplitMix64(seed: 1)
        #expect(STUNTransactionID.random(using: &a) == STUNTransactionID.random(using: &b))
        #expect(STUNTransactionID.random() != STUNTransactionID.random())
    }

    // MARK: - Helpers

    /// A valid header for a Binding request whose attributes take `length` bytes.
    static func header(length: Int) -> [UInt8] {
        [0x00, 0x01, UInt8(length >> 8), UInt8(length & 0xFF)] + Array(RFC5769.request[4..<20])
    }

    static func randomBytes(count: Int, using random: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// Up to 6 attributes, half of ICE's types, with small lengths (one in ten a random 16-bit length field
    /// instead) and random values, padded: bytes whose count is a multiple of 4.
    static func randomAttributes(using random: inout SplitMix64) -> [UInt8] {
        let iceTypes: [UInt16] = [
            0x0001, 0x0006, 0x0008, 0x0009, 0x0020, 0x0024, 0x0025, 0x8022, 0x8028, 0x8029, 0x802A,
        ]
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            let type =
                Bool.random(using: &random)
                ? iceTypes[Int.random(in: 0..<iceTypes.count, using: &random)]
                : UInt16.random(in: 0...0xFFFF, using: &random)
            let length = Int.random(in: 0...24, using: &random)
            let garbageLength = Int.random(in: 0..<10, using: &random) == 0
            let lengthField = garbageLength ? UInt16.random(in: 0...0xFFFF, using: &random) : UInt16(length)
            bytes += [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(lengthField >> 8), UInt8(lengthField & 0xFF)]
            bytes += Self.randomBytes(count: (length + 3) & ~3, using: &random)
        }
        return bytes
    }
}
