import ChorusCore
import ChorusRTP
import Testing

/// Builds arrival traces: packet i of a 20 ms, 8 kHz stream is sent at `startMs + 20 i`.
struct Trace {
    var firstSeq: UInt16 = 65_500  // wraps during longer traces
    var firstTimestamp: UInt32 = 4_294_960_000  // wraps too
    var startMs: Int64 = 10_000

    /// (seq, timestamp, nominal arrival ms) of packet `i`, counted from the trace's start.
    func packet(_ i: Int) -> (seq: UInt16, timestamp: UInt32, sentMs: Int64) {
        (
            self.firstSeq &+ UInt16(truncatingIfNeeded: i), self.firstTimestamp &+ UInt32(160 * i),
            self.startMs + 20 * Int64(i)
        )
    }

    /// The trace of the next talk spurt after `packets` were sent and then `silentFrames` of silence (DTX):
    /// sequence numbers continue, timestamps and send times jump.
    func resumed(afterPackets packets: Int, silentFrames: Int) -> Trace {
        let p = self.packet(packets + silentFrames)
        return Trace(firstSeq: self.firstSeq &+ UInt16(packets), firstTimestamp: p.timestamp, startMs: p.sentMs)
    }

    /// Feeds packets `indices` with `delayMs(i)` added to their send time, in arrival order; `skip` never arrive.
    func feed(
        _ buffer: inout PlayoutBuffer,
        _ indices: Range<Int>,
        skip: Set<Int> = [],
        markerAt: Int? = nil,
        delayMs: (Int) -> Int64 = { _ in 0 }
    ) -> [PlayoutBuffer.Arrival] {
        let arrivals = indices.filter { !skip.contains($0) }.map { ($0, self.packet($0).sentMs + delayMs($0)) }
            .sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return arrivals.map { i, arrivalMs in
            let p = self.packet(i)
            return buffer.record(seq: p.seq, rtpTimestamp: p.timestamp, arrivalNs: ms(arrivalMs), marker: i == markerAt)
        }
    }
}

@Suite struct PlayoutBufferTests {
    let trace = Trace()
    let pcmu = PlayoutConfiguration(format: PCMURTP.format)

    /// A buffer that starts at a fixed 40 ms delay, so single-turn traces have known playout times.
    func fixedStart(fec: Bool) -> PlayoutBuffer {
        var config = PlayoutConfiguration(clockRate: 8000, fec: fec)
        config.minDelayNs = ms(40)
        config.initialDelayNs = ms(40)
        return PlayoutBuffer(configuration: config)
    }

    @Test func withoutJitterTheTargetIsTheMinimumAndNothingIsConcealed() {
        var buffer = PlayoutBuffer(configuration: self.pcmu)
        #expect(buffer.targetDelayNs == ms(80))  // NetEq's start delay before any data
        _ = self.trace.feed(&buffer, 0..<100, markerAt: 0)
        #expect(buffer.targetDelayNs == self.pcmu.minDelayNs)
        let first = buffer.finishTurn()
        #expect(first.playoutDelayNs == ms(80))  // the first response starts before the history is warm
        #expect(first.framesPlayed == 100 && first.packetsReceived == 100)
        #expect(first.lost == 0 && first.lateLoss == 0 && first.concealedNs == 0 && first.stalls == 0)
        #expect(first.meanBufferDelayMs == 80)
        // The next response (after 1 s of silence: seq continues, timestamps jump) starts at the minimum delay.
        _ = self.trace.resumed(afterPackets: 100, silentFrames: 50).feed(&buffer, 0..<50, markerAt: 0)
        let second = buffer.finishTurn()
        #expect(second.playoutDelayNs == self.pcmu.minDelayNs)
        #expect(second.framesPlayed == 50 && second.framesMissing == 0 && second.concealedNs == 0)
        #expect(second.meanBufferDelayMs == 20)
        #expect(buffer.totals.framesPlayed == 150 && buffer.totals.playoutDelayNs == ms(80))
    }

    @Test func aLatePacketIsLateLossAndOneConcealedFrame() {
        var buffer = self.fixedStart(fec: false)
        // Packet 5 is due at 100 + 40 ms but arrives at 200 ms, after 6...9.
        let arrivals = self.trace.feed(&buffer, 0..<10) { $0 == 5 ? 100 : 0 }
        #expect(arrivals.last == .late)
        let turn = buffer.finishTurn()
        #expect(turn.lateLoss == 1 && turn.lost == 0 && turn.framesMissing == 1)
        #expect(turn.framesPlayed == 9 && turn.plcFrames == 1 && turn.fecRecovered == 0)
        #expect(turn.concealedNs == ms(20) && turn.concealmentEvents == 1 && turn.stalls == 0)
        #expect(turn.effectiveLossPercent == 10)
    }

    @Test func aLostPacketWithTheNextOneBufferedIsRecoveredByFEC() {
        var buffer = self.fixedStart(fec: true)
        _ = self.trace.feed(&buffer, 0..<10, skip: [5])
        let turn = buffer.finishTurn()
        #expect(turn.fecRecovered == 1 && turn.plcFrames == 0)
        #expect(turn.lost == 1 && turn.lateLoss == 0)
        #expect(turn.concealedNs == ms(20) && turn.residualLossPercent == 0)
    }

    @Test func aBurstOfTwoNeedsPLCForTheFirstFrame() {
        var buffer = self.fixedStart(fec: true)
        _ = self.trace.feed(&buffer, 0..<10, skip: [5, 6])
        let turn = buffer.finishTurn()
        #expect(turn.plcFrames == 1 && turn.fecRecovered == 1 && turn.lost == 2)
        #expect(turn.concealedNs == ms(40) && turn.concealmentEvents == 1)
    }

    @Test func fecNeedsTheNextPacketByThePlayoutTime() {
        var buffer = self.fixedStart(fec: true)
        // 5 is lost and 6 arrives 30 ms late (150 ms): at frame 5's time (140 ms) only 7 is buffered, so frame 5
        // needs PLC; 6 itself is still in time for its own frame (160 ms).
        _ = self.trace.feed(&buffer, 0..<10, skip: [5]) { $0 == 6 ? 30 : 0 }
        let turn = buffer.finishTurn()
        #expect(turn.plcFrames == 1 && turn.fecRecovered == 0)
        #expect(turn.framesPlayed == 9 && turn.lateLoss == 0 && turn.lost == 1)
    }

    @Test func aJitterSpikeRaisesTheTarget() {
        var buffer = PlayoutBuffer(configuration: self.pcmu)
        _ = self.trace.feed(&buffer, 0..<150)
        #expect(buffer.targetDelayNs == ms(20))
        // Ten packets held up by 60 ms: the 0.95 quantile of relative delay becomes 60 ms → (60/20 + 1) × 20.
        _ = self.trace.feed(&buffer, 150..<160) { _ in 60 }
        #expect(buffer.targetDelayNs == ms(80))
        let spiked = buffer.finishTurn()
        #expect(spiked.lateLoss == 0 && spiked.stalls == 0)  // the warm-up's 80 ms absorbed it
        let next = self.trace.resumed(afterPackets: 160, silentFrames: 40)
        _ = next.feed(&buffer, 0..<10, markerAt: 0)
        let after = buffer.finishTurn()
        #expect(after.playoutDelayNs == ms(80) && after.framesMissing == 0)
        // Once the spike leaves the 100-packet window the target falls back.
        _ = next.resumed(afterPackets: 10, silentFrames: 40).feed(&buffer, 0..<100, markerAt: 0)
        #expect(buffer.targetDelayNs == ms(20))
    }

    @Test func anUnderrunStallsPlayoutInsteadOfDiscarding() {
        var buffer = PlayoutBuffer(configuration: self.pcmu)
        _ = self.trace.feed(&buffer, 0..<100)
        _ = buffer.finishTurn()
        // Next response at a 20 ms target; its packets 10...19 come 60 ms late, so the buffer runs dry at 10 and
        // playout waits 40 ms (60 ms late − 20 ms of buffer) for it.
        let next = self.trace.resumed(afterPackets: 100, silentFrames: 50)
        _ = next.feed(&buffer, 0..<40, markerAt: 0) { (10..<20).contains($0) ? 60 : 0 }
        let turn = buffer.finishTurn()
        #expect(turn.playoutDelayNs == ms(20))
        #expect(turn.stalls == 1 && turn.stallNs == ms(40) && turn.longestStallNs == ms(40))
        #expect(turn.concealedNs == ms(40) && turn.lateLoss == 0 && turn.framesMissing == 0)
        #expect(turn.framesPlayed == 40)
    }

    @Test func silenceWithinATurnIsNotAStall() {
        var buffer = self.fixedStart(fec: false)
        // DTX: 0...9, then nothing for 500 ms (timestamps jump, seq continues), then 35...44.
        _ = self.trace.feed(&buffer, 0..<10)
        var p = self.trace.packet(35)
        p.seq = self.trace.firstSeq &+ 10
        buffer.record(seq: p.seq, rtpTimestamp: p.timestamp, arrivalNs: ms(p.sentMs))
        let turn = buffer.finishTurn()
        #expect(turn.framesPlayed == 11 && turn.stalls == 0 && turn.concealedNs == 0 && turn.framesMissing == 0)
    }

    @Test func duplicatesAreIgnored() {
        var buffer = self.fixedStart(fec: false)
        _ = self.trace.feed(&buffer, 0..<5)
        let p = self.trace.packet(4)
        #expect(buffer.record(seq: p.seq, rtpTimestamp: p.timestamp, arrivalNs: ms(p.sentMs + 5)) == .duplicate)
        let turn = buffer.finishTurn()
        #expect(turn.duplicates == 1 && turn.framesPlayed == 5 && turn.packetsReceived == 5)
    }

    @Test func reorderingAtTheStartOfASpurtIsStillPlayed() {
        var buffer = self.fixedStart(fec: false)
        // Packet 1 overtakes packet 0 by 5 ms; 0 is still in time for a slot before the anchor.
        _ = self.trace.feed(&buffer, 0..<10) { $0 == 0 ? 25 : 0 }
        let turn = buffer.finishTurn()
        #expect(turn.framesPlayed == 10 && turn.lateLoss == 0 && turn.framesMissing == 0)
    }

    @Test func aStragglerAfterTheTurnEndsIsLateNotANewSpurt() {
        var buffer = self.fixedStart(fec: false)
        _ = self.trace.feed(&buffer, 0..<10, skip: [9])
        #expect(buffer.finishTurn().framesPlayed == 9)
        let straggler = self.trace.packet(9)
        #expect(
            buffer.record(
                seq: straggler.seq,
                rtpTimestamp: straggler.timestamp,
                arrivalNs: ms(self.trace.startMs + 400)
            ) == .late
        )
        let next = self.trace.resumed(afterPackets: 10, silentFrames: 40)
        _ = next.feed(&buffer, 0..<10, markerAt: 0)
        let turn = buffer.finishTurn()
        #expect(turn.lateLoss == 1 && turn.framesPlayed == 10 && turn.talkSpurts == 1 && turn.lost == 0)
        #expect(turn.firstArrivalNs == ms(next.packet(0).sentMs))
        // The straggler's 220 ms of extra delay is in the history: the quantile of 11 packets is that one.
        #expect(turn.playoutDelayNs == ms(240))
    }

    @Test func aSourceRestartStartsOverInsteadOfDiscardingEverything() {
        var buffer = PlayoutBuffer(configuration: self.pcmu)
        _ = self.trace.feed(&buffer, 0..<100)
        // Mid-turn the source restarts 5000 sequence numbers back with new timestamps, 200 ms after its last packet.
        let restarted = Trace(
            firstSeq: self.trace.firstSeq &- 5000,
            firstTimestamp: 77,
            startMs: self.trace.startMs + 2200
        )
        let arrivals = restarted.feed(&buffer, 0..<40)
        #expect(arrivals.allSatisfy { $0 == .buffered })
        let turn = buffer.finishTurn()
        #expect(turn.framesPlayed == 140 && turn.lateLoss == 0 && turn.talkSpurts == 2 && turn.framesMissing == 0)
        #expect(buffer.targetDelayNs == ms(80))  // fresh history: back to the start delay until it warms up
    }

    @Test func aLongLossRestartsTheSpurt() {
        var buffer = PlayoutBuffer(configuration: self.pcmu)
        _ = self.trace.feed(&buffer, 0..<100)
        _ = self.trace.feed(&buffer, 1100..<1150)  // 1000 packets (20 s) never arrived
        let turn = buffer.finishTurn()
        #expect(turn.framesPlayed == 150 && turn.framesMissing == 1000 && turn.lost == 1000 && turn.talkSpurts == 2)
    }

    @Test func randomTracesConserveEveryPacket() {
        var random = SplitMix64(seed: 42)
        for round in 0..<20 {
            var buffer = PlayoutBuffer(configuration: PlayoutConfiguration(clockRate: 8000, fec: round % 2 == 0))
            var delays: [Int64] = []
            for _ in 0..<400 { delays.append(Int64.random(in: 0...120, using: &random)) }
            let lost = Set((0..<400).filter { _ in Int.random(in: 0..<100, using: &random) < 5 })
            _ = self.trace.feed(&buffer, 0..<400, skip: lost) { delays[$0] }
            let turn = buffer.finishTurn()
            #expect(turn.framesPlayed + turn.lateLoss == turn.packetsReceived)
            #expect(turn.packetsReceived == 400 - lost.count)
            #expect(turn.fecRecovered + turn.plcFrames <= turn.framesMissing)
            #expect(turn.lost <= lost.count)
            // Deterministic: the same trace gives the same result.
            var again = PlayoutBuffer(configuration: PlayoutConfiguration(clockRate: 8000, fec: round % 2 == 0))
            _ = self.trace.feed(&again, 0..<400, skip: lost) { delays[$0] }
            #expect(again.finishTurn() == turn)
        }
    }
}
