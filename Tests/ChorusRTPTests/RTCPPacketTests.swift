import ChorusRTP
import Testing

@Suite struct RTCPPacketTests {
    let block = RTCPReportBlock(
        ssrc: 0x5566_7788,
        fractionLost: 0x40,
        cumulativeLost: 3,
        extendedHighestSequence: 0x0001_0005,
        jitter: 0x20,
        lastSenderReport: 0xB705_2000,
        delaySinceLastSenderReport: 0x0005_4000
    )

    @Test func writesAReceiverReportByteForByte() {
        let bytes = RTCPPacket.compound([.receiverReport(RTCPReceiverReport(ssrc: 0x1122_3344, reports: [self.block]))])
        let expected: [UInt8] = [
            0x81, 0xC9, 0x00, 0x07,  // V=2 P=0 RC=1, PT=201, length 7 words − 1
            0x11, 0x22, 0x33, 0x44,  // reporter SSRC
            0x55, 0x66, 0x77, 0x88,  // SSRC_1
            0x40, 0x00, 0x00, 0x03,  // fraction lost 64/256, cumulative lost 3
            0x00, 0x01, 0x00, 0x05,  // extended highest sequence (1 cycle, seq 5)
            0x00, 0x00, 0x00, 0x20,  // jitter
            0xB7, 0x05, 0x20, 0x00,  // LSR
            0x00, 0x05, 0x40, 0x00,  // DLSR 5.25 s
        ]
        #expect(bytes == expected)
    }

    @Test func negativeCumulativeLossIsTwentyFourBitTwosComplement() throws {
        var block = self.block
        block.cumulativeLost = -2
        let bytes = RTCPPacket.compound([.receiverReport(RTCPReceiverReport(ssrc: 1, reports: [block]))])
        #expect(Array(bytes[12..<16]) == [0x40, 0xFF, 0xFF, 0xFE])
        let parsed = try parseRTCP(bytes).get()
        #expect(parsed == [.receiverReport(RTCPReceiverReport(ssrc: 1, reports: [block]))])
        #expect(
            RTCPReportBlock(ssrc: 0, fractionLost: 0, cumulativeLost: 9_000_000, extendedHighestSequence: 0, jitter: 0)
                .cumulativeLost == 0x7F_FFFF
        )
        #expect(
            RTCPReportBlock(ssrc: 0, fractionLost: 0, cumulativeLost: -9_000_000, extendedHighestSequence: 0, jitter: 0)
                .cumulativeLost == -0x80_0000
        )
    }

    @Test func compoundSenderReportSDESAndByeRoundTrip() throws {
        let packets: [RTCPPacket] = [
            .senderReport(
                RTCPSenderReport(
                    ssrc: 0xCAFE,
                    ntpTimestamp: NTPTimestamp(seconds: 0xB705, fraction: 0x2000_0000),
                    rtpTimestamp: 960_000,
                    packetCount: 250,
                    octetCount: 20_000,
                    reports: [self.block, self.block]
                )
            ),
            .sourceDescription(
                RTCPSourceDescription(chunks: [
                    .init(ssrc: 0xCAFE, cname: "caller-17@chorus"), .init(ssrc: 0xBEEF, cname: "é"),
                    .init(ssrc: 1, cname: ""),
                ])
            ),
            .bye(RTCPBye(ssrcs: [0xCAFE, 0xBEEF], reason: "hang-up")),
            .bye(RTCPBye(ssrcs: [7])),
            .receiverReport(RTCPReceiverReport(ssrc: 9)),
            .other(packetType: 205, count: 1, body: [0, 0, 0, 1, 0, 0, 0, 2]),
        ]
        let bytes = RTCPPacket.compound(packets)
        #expect(bytes.count % 4 == 0)
        #expect(bytes.count == packets.reduce(0) { $0 + $1.encodedSize })
        #expect(try parseRTCP(bytes).get() == packets)
    }

    @Test func sourceDescriptionChunksArePaddedToWords() {
        // 4 header + 4 SSRC + CNAME(1) len(1) "abcd"(4) + terminator → 14, padded to 16.
        let bytes = RTCPPacket.compound([.sourceDescription(RTCPSourceDescription(ssrc: 1, cname: "abcd"))])
        #expect(bytes == [0x81, 0xCA, 0x00, 0x03, 0, 0, 0, 1, 0x01, 0x04, 0x61, 0x62, 0x63, 0x64, 0, 0])
    }

    @Test func paddedPacketsParse() throws {
        // An RR with 4 bytes of padding (P set, last byte = 4).
        let bytes: [UInt8] = [0xA0, 0xC9, 0x00, 0x02, 0, 0, 0, 5, 0, 0, 0, 4]
        #expect(try parseRTCP(bytes).get() == [.receiverReport(RTCPReceiverReport(ssrc: 5))])
    }

    @Test(arguments: [
        ([UInt8](), RTPParseError.emptyCompound),
        ([0x80, 0xC9, 0x00], .truncated(needed: 4, available: 3)),
        ([0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 1], .truncated(needed: 12, available: 8)),
        ([0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .unsupportedVersion(1)),
        ([0x80, 0x60, 0x00, 0x01, 0, 0, 0, 1], .notRTCP(packetType: 96)),
        ([0x81, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .invalidRTCPLength(packetType: 201)),
        ([0x81, 0xC8, 0x00, 0x01, 0, 0, 0, 1], .invalidRTCPLength(packetType: 200)),
        ([0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 1, 9, 0x61, 0], .invalidSourceDescription),
        ([0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 9, 0x61, 0, 0], .invalidBye),
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 9], .invalidPadding(count: 9)),
    ])
    func malformedCompoundsAreErrors(bytes: [UInt8], error: RTPParseError) {
        #expect(parseRTCP(bytes) == .failure(error))
    }

    @Test func demultiplexesRTCPFromRTP() {
        let rr = RTCPPacket.compound([.receiverReport(RTCPReceiverReport(ssrc: 1))])
        let rtp = RTPHeader.packet(
            RTPHeader(marker: true, payloadType: 111, sequenceNumber: 1, timestamp: 1, ssrc: 1),
            payload: []
        )
        rr.withUnsafeBytes { #expect(RTCPPacket.isRTCP($0)) }
        rtp.withUnsafeBytes { #expect(!RTCPPacket.isRTCP($0)) }
    }

    // MARK: - NTP and RTT

    @Test func roundTripTimeMatchesTheRFCExample() {
        // RFC 3550 §6.4.1: A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000 → RTT 0x0006:2000 (6.125 s).
        let rtt = NTPTimestamp.roundTripTime(
            arrival: 0xB710_8000,
            lastSenderReport: 0xB705_2000,
            delaySinceLastSenderReport: 0x0005_4000
        )
        #expect(rtt == 0x0006_2000)
        #expect(NTPTimestamp.nanoseconds(compact: 0x0006_2000) == 6_125_000_000)
        #expect(
            self.block.roundTripTimeNs(arrival: NTPTimestamp(seconds: 0xB710, fraction: 0x8000_0000)) == 6_125_000_000
        )
        #expect(NTPTimestamp.roundTripTime(arrival: 5, lastSenderReport: 0, delaySinceLastSenderReport: 0) == nil)
        #expect(
            NTPTimestamp.roundTripTime(arrival: 0x10_0000, lastSenderReport: 0x10_0000, delaySinceLastSenderReport: 1)
                == nil
        )
    }

    @Test func ntpTimestampsConvertFromAndToUnixTime() {
        let ntp = NTPTimestamp(unixNanoseconds: 1_700_000_000_500_000_000)
        #expect(UInt64(ntp.seconds) == 1_700_000_000 + NTPTimestamp.unixEpochOffsetSeconds)
        #expect(ntp.fraction == 0x8000_0000)
        #expect(ntp.unixNanoseconds == 1_700_000_000_500_000_000)
        #expect(ntp.compact == UInt32(truncatingIfNeeded: ntp.seconds << 16) | 0x8000)
        #expect(NTPTimestamp(rawValue: ntp.rawValue) == ntp)
        let odd = NTPTimestamp(unixNanoseconds: 1_234_567_891)
        #expect(abs(odd.unixNanoseconds - 1_234_567_891) <= 1)
        #expect(NTPTimestamp.compactDuration(nanoseconds: 5_250_000_000) == 0x0005_4000)
        #expect(NTPTimestamp.compactDuration(nanoseconds: -1) == 0)
    }

    @Test func randomizedIntervalStaysWithinHalfToOneAndAHalfOfFiveSeconds() {
        #expect(RTCPTiming.randomizedIntervalNs(unitRandom: 0) == 2_500_000_000)
        #expect(RTCPTiming.randomizedIntervalNs(unitRandom: 0.5) == 5_000_000_000)
        #expect(RTCPTiming.randomizedIntervalNs(unitRandom: 1) == 7_500_000_000)
    }

    @Test func senderStatsFillTheSenderInfo() {
        var sender = RTPSenderStats(ssrc: 42, clockRate: 48_000)
        for i in 0..<50 {
            sender.recordSent(payloadBytes: 80, rtpTimestamp: UInt32(1000 + 960 * i), sentNs: ms(Int64(20 * i)))
        }
        let ntp = NTPTimestamp(seconds: 1, fraction: 0)
        let sr = sender.makeSenderReport(ntpTimestamp: ntp, nowNs: ms(990))
        #expect(sr.packetCount == 50 && sr.octetCount == 4000)
        #expect(sr.rtpTimestamp == UInt32(1000 + 960 * 49 + 48 * 10))  // 10 ms after the last packet
    }
}
