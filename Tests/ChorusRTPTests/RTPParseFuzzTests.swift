import ChorusCore
import ChorusRTP
import Testing

@Suite struct RTPParseFuzzTests {
    @Test func randomBuffersNeverCrashAndRangesStayInBounds() {
        var random = SplitMix64(seed: 0xC0FFEE)
        var accepted = 0
        for round in 0..<5000 {
            let count = Int.random(in: 0...64, using: &random)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if round % 2 == 0, !bytes.isEmpty { bytes[0] = 0x80 | (bytes[0] & 0x3F) }  // version 2 half the time
            if case .success(let view) = parseRTP(bytes) {
                accepted += 1
                #expect(view.payloadRange.lowerBound >= RTPHeader.fixedSize)
                #expect(view.payloadRange.upperBound + view.paddingCount == bytes.count)
                #expect(view.extensionRange.upperBound <= view.payloadRange.lowerBound)
            }
            _ = parseRTCP(bytes)
        }
        #expect(accepted > 100)  // the fuzz does reach the success paths
    }

    @Test func everyTruncationOfAValidPacketIsHandled() {
        let header = RTPHeader(payloadType: 96, sequenceNumber: 9, timestamp: 9, ssrc: 9)
        let full = RTPHeader.packet(
            header,
            csrcs: [1, 2],
            audioLevel: (id: 1, level: 3, voice: true),
            payload: [1, 2, 3, 4],
            paddingCount: 4
        )
        for length in 0..<full.count {
            let prefix = Array(full.prefix(length))
            if case .success(let view) = parseRTP(prefix) {
                #expect(view.payloadRange.upperBound <= length)
            }
        }
        #expect((try? parseRTP(full).get()) != nil)
    }

    @Test func corruptingSingleBytesNeverCrashes() {
        var random = SplitMix64(seed: 7)
        let rtp = RTPHeader.packet(
            RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3),
            csrcs: [4],
            audioLevel: (id: 2, level: 50, voice: false),
            payload: [UInt8](repeating: 0xFF, count: 20),
            paddingCount: 2
        )
        let rtcp = RTCPPacket.compound([
            .receiverReport(
                RTCPReceiverReport(
                    ssrc: 1,
                    reports: [
                        RTCPReportBlock(
                            ssrc: 2,
                            fractionLost: 0,
                            cumulativeLost: 0,
                            extendedHighestSequence: 0,
                            jitter: 0
                        )
                    ]
                )
            ),
            .sourceDescription(RTCPSourceDescription(ssrc: 1, cname: "caller-1@chorus")),
            .bye(RTCPBye(ssrcs: [1], reason: "done")),
        ])
        for _ in 0..<3000 {
            var a = rtp
            var b = rtcp
            a[Int.random(in: 0..<a.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            b[Int.random(in: 0..<b.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            _ = parseRTP(a)
            _ = parseRTCP(b)
        }
    }
}
