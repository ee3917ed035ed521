import ChorusRTP
import Testing

@Suite struct RTPReceiverStatsTests {
    /// Packets every 20 ms at 8 kHz (160 ticks) with `transitMs(i)` added to packet i's arrival.
    func stream(count: Int, firstSeq: UInt16 = 100, transitMs: (Int) -> Int64) -> RTPReceiverStats {
        var stats = RTPReceiverStats(ssrc: 1, clockRate: 8000)
        for i in 0..<count {
            stats.record(
                seq: firstSeq &+ UInt16(i),
                rtpTimestamp: 12_345 &+ UInt32(160 * i),
                arrivalNs: ms(1000 + 20 * Int64(i) + transitMs(i))
            )
        }
        return stats
    }

    @Test func constantTransitHasNoJitter() {
        let stats = self.stream(count: 100) { _ in 37 }
        #expect(stats.jitter == 0)
        #expect(stats.reportedJitter == 0)
    }

    @Test func alternatingTransitFollowsTheA8RecursionExactly() {
        // Transit alternates +10 ms / −10 ms, so every |D| is 20 ms = 160 ticks at 8 kHz.
        // By hand: J1 = 0 + (160 − 0)/16 = 10; J2 = 10 + 150/16 = 19.375; J3 = 19.375 + 140.625/16 = 28.1640625.
        let transit: (Int) -> Int64 = { $0 % 2 == 0 ? 10 : -10 }
        #expect(self.stream(count: 1, transitMs: transit).jitter == 0)
        #expect(self.stream(count: 2, transitMs: transit).jitter == 10)
        #expect(self.stream(count: 3, transitMs: transit).jitter == 19.375)
        #expect(self.stream(count: 4, transitMs: transit).jitter == 28.164_062_5)
        // Closed form J_n = 160 (1 − (15/16)^n) → 160 ticks = 20 ms.
        let stats = self.stream(count: 301, transitMs: transit)
        let analytic = 160 * (1 - pow15over16(300))
        #expect(abs(stats.jitter - analytic) < 1e-9)
        #expect(abs(stats.jitterMs - 20) < 1e-6)
        #expect(stats.reportedJitter == 159)  // just below 160, truncated
    }

    @Test func sequenceWrapIsNotLoss() {
        var stats = RTPReceiverStats(ssrc: 1, clockRate: 8000)
        for (i, seq) in [UInt16(65533), 65534, 65535, 0, 1, 2].enumerated() {
            #expect(stats.record(seq: seq, rtpTimestamp: UInt32(160 * i), arrivalNs: ms(20 * Int64(i))) == .inOrder)
        }
        #expect(stats.expected == 6 && stats.received == 6 && stats.lost == 0)
        #expect(stats.extendedHighestSequence == 0x0001_0002)
        let block = stats.makeReportBlock(nowNs: 0)
        #expect(block.fractionLost == 0 && block.cumulativeLost == 0 && block.extendedHighestSequence == 0x0001_0002)
    }

    @Test func countsLossDuplicatesAndReordering() {
        var stats = RTPReceiverStats(ssrc: 1, clockRate: 8000)
        let seqs: [UInt16] = [100, 101, 103, 102, 105, 105, 107, 101]
        let kinds = seqs.enumerated().map { i, seq in
            stats.record(seq: seq, rtpTimestamp: UInt32(seq) * 160, arrivalNs: ms(20 * Int64(i)))
        }
        #expect(kinds == [.inOrder, .inOrder, .inOrder, .reordered, .inOrder, .duplicate, .inOrder, .duplicate])
        #expect(stats.duplicates == 2 && stats.reordered == 1)
        // RFC 3550 A.3: received counts duplicates, so 104 and 106 lost minus 2 duplicates = 0 cumulative.
        #expect(stats.expected == 8 && stats.received == 8 && stats.lost == 0)
        stats.record(seq: 110, rtpTimestamp: 110 * 160, arrivalNs: ms(200))
        #expect(stats.expected == 11 && stats.lost == 2)
    }

    @Test func fractionLostIsPerReportInterval() {
        var stats = RTPReceiverStats(ssrc: 0xABCD, clockRate: 48_000)
        for seq in UInt16(0)..<12 where seq != 3 && seq != 7 {
            stats.record(seq: seq, rtpTimestamp: UInt32(seq) * 960, arrivalNs: ms(20 * Int64(seq)))
        }
        let first = stats.makeReportBlock(nowNs: ms(240))
        #expect(first.ssrc == 0xABCD)
        #expect(first.fractionLost == UInt8((2 << 8) / 12))  // 42
        #expect(first.cumulativeLost == 2 && first.extendedHighestSequence == 11)
        #expect(first.lastSenderReport == 0 && first.delaySinceLastSenderReport == 0)
        for seq in UInt16(12)..<20 {
            stats.record(seq: seq, rtpTimestamp: UInt32(seq) * 960, arrivalNs: ms(20 * Int64(seq)))
        }
        let second = stats.makeReportBlock(nowNs: ms(400))
        #expect(second.fractionLost == 0 && second.cumulativeLost == 2)
    }

    @Test func reportBlockCarriesLSRAndDLSR() {
        var stats = RTPReceiverStats(ssrc: 1, clockRate: 8000)
        stats.record(seq: 1, rtpTimestamp: 0, arrivalNs: 0)
        stats.recordSenderReport(
            ntpTimestamp: NTPTimestamp(seconds: 0xB705, fraction: 0x2000_0000),
            arrivalNs: ms(1000)
        )
        let block = stats.makeReportBlock(nowNs: ms(6250))  // 5.25 s later
        #expect(block.lastSenderReport == 0xB705_2000)
        #expect(block.delaySinceLastSenderReport == 0x0005_4000)
        #expect(block.roundTripTime(arrival: 0xB710_8000) == 0x0006_2000)
    }

    @Test func probationHoldsBackTheFirstPacket() {
        var stats = RTPReceiverStats(ssrc: 1, clockRate: 8000, probation: RTPReceiverStats.minSequential)
        #expect(stats.record(seq: 500, rtpTimestamp: 0, arrivalNs: 0) == .discarded)
        #expect(stats.record(seq: 501, rtpTimestamp: 160, arrivalNs: ms(20)) == .inOrder)
        #expect(stats.record(seq: 502, rtpTimestamp: 320, arrivalNs: ms(40)) == .inOrder)
        #expect(stats.received == 2 && stats.expected == 2 && stats.discarded == 1)
    }

    @Test func aConfirmedJumpRestartsAccounting() {
        var stats = RTPReceiverStats(ssrc: 1, clockRate: 8000)
        stats.record(seq: 10, rtpTimestamp: 0, arrivalNs: 0)
        stats.record(seq: 11, rtpTimestamp: 160, arrivalNs: ms(20))
        #expect(stats.record(seq: 20_000, rtpTimestamp: 320, arrivalNs: ms(40)) == .discarded)
        #expect(stats.record(seq: 20_001, rtpTimestamp: 480, arrivalNs: ms(60)) == .inOrder)
        #expect(stats.resyncs == 1 && stats.received == 1 && stats.expected == 1 && stats.lost == 0)
    }

    @Test func malformedPacketsAreCounted() {
        var stats = RTPReceiverStats(ssrc: 1, clockRate: 8000)
        stats.recordMalformed()
        stats.recordMalformed()
        #expect(stats.malformed == 2 && stats.received == 0)
        #expect(stats.makeReportBlock(nowNs: 0).cumulativeLost == 0)
    }
}

private func pow15over16(_ n: Int) -> Double {
    (0..<n).reduce(1.0) { value, _ in value * 15 / 16 }
}
