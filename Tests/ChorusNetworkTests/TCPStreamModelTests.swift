import ChorusNetwork
import Testing

@Suite("TCP stream model")
struct TCPStreamModelTests {
    private static let ms = Sampling.msNs

    /// Streams `count` messages every 20 ms from 1 s, forcing `forced` losses just before message `lossAt`.
    private func stream(
        _ model: inout TCPStreamModel, count: Int, lossAt: Int? = nil, forced: Int = 1, lastAt: Int? = nil
    ) -> (sends: [Int64], deliveries: [Int64]) {
        var sends: [Int64] = []
        var deliveries: [Int64] = []
        for i in 0..<count {
            let sendNs = 1_000 * Self.ms + Int64(i) * 20 * Self.ms
            if i == lossAt { model.forceLoss(ofNextTransmissions: forced) }
            sends.append(sendNs)
            deliveries.append(model.deliver(sendNs: sendNs, bytes: 640, isLast: i == lastAt))
        }
        return (sends, deliveries)
    }

    @Test func withoutLossDeliveryIsSendPlusDelay() {
        var model = TCPStreamModel(profile: NetworkProfile(delayMs: 50), seed: 1, rttMs: 100)
        let run = self.stream(&model, count: 1_000)
        #expect(zip(run.sends, run.deliveries).allSatisfy { $1 == $0 + 50 * Self.ms })
        #expect(model.stats.retransmissions == 0 && model.stats.holBlocked == 0 && model.stats.addedDelayNs == 0)
    }

    @Test func oneLostMessageIsRepairedByRACKAndHoldsTheNextOnes() {
        var model = TCPStreamModel(profile: NetworkProfile(delayMs: 50), seed: 1, rttMs: 100)
        let run = self.stream(&model, count: 200, lossAt: 100)
        let late = run.deliveries.indices.map { run.deliveries[$0] - run.sends[$0] - 50 * Self.ms }
        // RTT + RTT/4 = 125 ms while later frames keep flowing.
        #expect(abs(late[100] - 125 * Self.ms) <= Self.ms, "late by \(Double(late[100]) / 1e6) ms")
        for m in 1...6 { #expect(run.deliveries[100 + m] == run.deliveries[100], "message \(100 + m) is held") }
        #expect(late[107] == 0 && late[99] == 0)
        #expect(zip(run.deliveries, run.deliveries.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(run.deliveries.count == 200)
        #expect(model.stats.retransmissions == 1 && model.stats.fastRetransmits == 1 && model.stats.holBlocked == 6)
        #expect(model.stats.maxAddedDelayNs == late[100])
    }

    @Test(arguments: [(2, 425.0), (3, 1025.0)])
    func lostRetransmissionsWaitForTheBackedOffRTO(forced: Int, expectedLateMs: Double) {
        var model = TCPStreamModel(profile: NetworkProfile(delayMs: 50), seed: 1, rttMs: 100)
        let run = self.stream(&model, count: 200, lossAt: 100, forced: forced)
        // RACK at 125 ms, then RTO = SRTT + max(4·RTTVAR, 200 ms) ≈ 300 ms, doubled on each expiry.
        let lateMs = Double(run.deliveries[100] - run.sends[100]) / 1e6 - 50
        #expect(abs(lateMs - expectedLateMs) <= 1, "late by \(lateMs) ms")
        #expect(model.stats.timeouts == forced - 1 && model.stats.retransmissions == forced)
        #expect(zip(run.deliveries, run.deliveries.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test(arguments: [true, false])
    func lostTailWaitsForTheTimerArmedByThePreviousACK(probing: Bool) {
        var model = TCPStreamModel(profile: NetworkProfile(delayMs: 50), seed: 1, rttMs: 100, tailLossProbe: probing)
        let run = self.stream(&model, count: 101, lossAt: 100, lastAt: 100)
        // The ACK of message 99 arrives 80 ms after message 100 was sent and re-arms the timer with one segment in
        // flight: min(PTO = 2·SRTT + 200 ms, RTO = SRTT + 200 ms) = 300 ms later.
        let lateMs = Double(run.deliveries[100] - run.sends[100]) / 1e6 - 50
        #expect(abs(lateMs - 380) <= 1, "late by \(lateMs) ms")
        #expect(model.retransmissionTimeoutMs == 300)
        #expect(model.stats.tailLossProbes == (probing ? 1 : 0) && model.stats.timeouts == (probing ? 0 : 1))
    }

    @Test func burstyLossNeverLosesAMessageAndKeepsOrder() {
        let profile = NetworkProfile(
            loss: .gilbertElliott(lossRate: 0.05, meanBurst: 5), delayMs: 45, jitter: .uniform(halfWidthMs: 15))
        var model = TCPStreamModel(profile: profile, seed: 5, rttMs: 90)
        let run = self.stream(&model, count: 20_000)
        #expect(run.deliveries.count == 20_000)
        #expect(zip(run.deliveries, run.deliveries.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(zip(run.sends, run.deliveries).allSatisfy { $1 >= $0 + 30 * Self.ms })
        let lossRate =
            Double(model.stats.lostTransmissions) / Double(model.stats.messages + model.stats.retransmissions)
        #expect(abs(lossRate - 0.05) < 0.01, "transmission loss \(lossRate)")
        #expect(model.stats.retransmissions == model.stats.lostTransmissions)
        #expect(model.stats.holBlocked > model.stats.lostTransmissions)
        #expect(model.stats.exhaustedRetries == 0)
    }

    @Test func bottleneckSlowerThanTheStreamQueuesInsteadOfDropping() {
        // 640-byte messages every 20 ms are 256 kbit/s; a 200 kbit/s link needs 25.6 ms for each.
        var model = TCPStreamModel(profile: NetworkProfile(delayMs: 20, rateKbps: 200), seed: 1, rttMs: 40)
        let run = self.stream(&model, count: 500)
        let delays = zip(run.sends, run.deliveries).map { Double($1 - $0) / 1e6 }
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 < $1 })
        #expect(abs(delays[499] - (20 + 25.6 + 499 * 5.6)) < 0.01)
        #expect(model.stats.lostTransmissions == 0)
    }

    @Test func sameSeedGivesTheSameDeliveries() {
        let profile = LinkProfile.wifiCongested.up
        var a = TCPStreamModel(profile: profile, seed: 8, rttMs: LinkProfile.wifiCongested.baseRTTMs)
        var b = TCPStreamModel(profile: profile, seed: 8, rttMs: LinkProfile.wifiCongested.baseRTTMs)
        var c = TCPStreamModel(profile: profile, seed: 9, rttMs: LinkProfile.wifiCongested.baseRTTMs)
        let runA = self.stream(&a, count: 5_000)
        #expect(runA.deliveries == self.stream(&b, count: 5_000).deliveries && a.stats == b.stats)
        #expect(runA.deliveries != self.stream(&c, count: 5_000).deliveries)
    }
}
