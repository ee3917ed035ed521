import ChorusRTP
import Testing

@Suite struct RTPHeaderTests {
    let header = RTPHeader(
        marker: true,
        payloadType: 111,
        sequenceNumber: 0x1234,
        timestamp: 0xDEAD_BEEF,
        ssrc: 0x0102_0304
    )

    @Test func writesTheRFC3550FixedHeaderByteForByte() {
        // V=2 P=0 X=0 CC=0 | M=1 PT=111 | seq | timestamp | SSRC
        let expected: [UInt8] = [0x80, 0xEF, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04]
        var bytes = [UInt8](repeating: 0xFF, count: 12)
        let written = bytes.withUnsafeMutableBytes { self.header.write(into: $0) }
        #expect(written == 12)
        #expect(bytes == expected)
    }

    @Test func writesTheAudioLevelAsAOneByteExtension() {
        let expected: [UInt8] = [
            0x90, 0xEF, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04,  // X set
            0xBE, 0xDE, 0x00, 0x01,  // profile 0xBEDE, one 32-bit word
            0x10, 0xAA, 0x00, 0x00,  // ID 1 len 0, V=1 level 42, padding
        ]
        var bytes = [UInt8](repeating: 0xFF, count: 20)
        let written = bytes.withUnsafeMutableBytes {
            self.header.write(into: $0, audioLevel: (id: 1, level: 42, voice: true))
        }
        #expect(written == 20)
        #expect(bytes == expected)
    }

    @Test func writesCSRCsAndPaddingInPacket() {
        var header = RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3)
        header.marker = false
        let bytes = RTPHeader.packet(header, csrcs: [0xAABB_CCDD, 0x1122_3344], payload: [9, 8, 7], paddingCount: 5)
        let expected: [UInt8] = [
            0xA2, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,  // P=1 CC=2
            0xAA, 0xBB, 0xCC, 0xDD, 0x11, 0x22, 0x33, 0x44,
            9, 8, 7,
            0, 0, 0, 0, 5,
        ]
        #expect(bytes == expected)
    }

    @Test func roundTripsCSRCsExtensionAndPadding() throws {
        let bytes = RTPHeader.packet(
            self.header,
            csrcs: [7, 8, 9],
            audioLevel: (id: 3, level: 127, voice: false),
            payload: Array(0..<40),
            paddingCount: 3
        )
        let view = try parseRTP(bytes, audioLevelID: 3).get()
        #expect(view.header.csrcCount == 3)
        #expect(view.header.hasExtension && view.header.padding && view.header.marker)
        #expect(view.header.payloadType == 111 && view.header.sequenceNumber == 0x1234)
        #expect(view.header.timestamp == 0xDEAD_BEEF && view.header.ssrc == 0x0102_0304)
        #expect(view.extensionProfile == 0xBEDE)
        #expect(view.audioLevel == RTPAudioLevel(level: 127, voice: false))
        #expect(view.paddingCount == 3)
        #expect(view.payloadRange == 32..<72)
        bytes.withUnsafeBytes { raw in
            #expect(Array(view.payload(in: raw)) == Array(0..<40))
            #expect((0..<3).map { view.csrc($0, in: raw) } == [7, 8, 9])
        }
    }

    @Test func roundTripsAPlainHeader() throws {
        let bytes = RTPHeader.packet(self.header, payload: [1, 2, 3])
        let view = try parseRTP(bytes).get()
        var expected = self.header
        expected.padding = false
        #expect(view.header == expected)
        #expect(view.audioLevel == nil && view.extensionProfile == nil && view.paddingCount == 0)
        #expect(view.payloadRange == 12..<15)
    }

    @Test func anEmptyExtensionKeepsTheXBitTruthful() throws {
        var header = self.header
        header.hasExtension = true
        let bytes = RTPHeader.packet(header, payload: [])
        #expect(bytes.count == 16)
        let view = try parseRTP(bytes).get()
        #expect(view.header == header)
        #expect(view.extensionProfile == 0xBEDE && view.extensionRange.isEmpty)
    }

    @Test func findsTheLevelAmongOtherOneByteElements() throws {
        let bytes: [UInt8] = [
            0x90, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
            0xBE, 0xDE, 0x00, 0x02,
            0x21, 0xAB, 0xCD,  // id 2, two bytes (e.g. transport-wide seq)
            0x00,  // padding between elements
            0x50, 0x85,  // id 5: V=1, level 5
            0x00, 0x00,
            0x55,  // payload
        ]
        let view = try parseRTP(bytes, audioLevelID: 5).get()
        #expect(view.audioLevel == RTPAudioLevel(level: 5, voice: true))
        #expect(view.payloadRange == 24..<25)
        #expect(try parseRTP(bytes, audioLevelID: 1).get().audioLevel == nil)
    }

    @Test func readsTheLevelFromTheTwoByteForm() throws {
        let bytes: [UInt8] = [
            0x90, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
            0x10, 0x00, 0x00, 0x02,
            0x07, 0x02, 0xEE, 0xEE,  // id 7, two bytes
            0x01, 0x01, 0x1E, 0x00,  // id 1, one byte: V=0 level 30, padding
        ]
        let view = try parseRTP(bytes).get()
        #expect(view.audioLevel == RTPAudioLevel(level: 30, voice: false))
    }

    @Test func elementsPastTheExtensionAreRejected() {
        let bytes: [UInt8] = [0x90, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xBE, 0xDE, 0x00, 0x01, 0x13, 0xAA, 0, 0]
        #expect(parseRTP(bytes) == .failure(.invalidExtension))
    }

    @Test(arguments: [
        ([UInt8](), RTPParseError.truncated(needed: 12, available: 0)),
        ([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], .truncated(needed: 12, available: 11)),
        ([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], .unsupportedVersion(1)),
        ([0xC0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], .unsupportedVersion(3)),
        ([0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], .truncated(needed: 16, available: 12)),
        ([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE], .truncated(needed: 16, available: 14)),
        ([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 1], .truncated(needed: 20, available: 16)),
        ([0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], .invalidPadding(count: 0)),
        ([0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3], .invalidPadding(count: 3)),
    ])
    func malformedPacketsAreErrors(bytes: [UInt8], error: RTPParseError) {
        #expect(parseRTP(bytes) == .failure(error))
    }

    @Test func writeRefusesBuffersTooSmallAndBadIDs() {
        var small = [UInt8](repeating: 0, count: 19)
        #expect(
            small.withUnsafeMutableBytes { self.header.write(into: $0, audioLevel: (id: 1, level: 0, voice: true)) }
                == 0
        )
        var room = [UInt8](repeating: 0, count: 40)
        #expect(
            room.withUnsafeMutableBytes { self.header.write(into: $0, audioLevel: (id: 15, level: 0, voice: true)) }
                == 0
        )
        #expect(room.withUnsafeMutableBytes { RTPHeader.writePadding(0, into: $0) } == 0)
    }

    @Test(
        arguments: [(0.0, 0), (-30.4, 30), (-30.6, 31), (-200, 127), (-Double.infinity, 127), (3, 0)]
            as [(Double, UInt8)]
    )
    func audioLevelFromDBov(dbov: Double, level: UInt8) {
        #expect(RTPAudioLevel(dbov: dbov, voice: true).level == level)
    }
}
