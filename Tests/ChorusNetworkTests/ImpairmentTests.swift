import ChorusNetwork
import Foundation
import Testing

@Suite("Impairment: loss models")
struct ImpairmentLossTests {
    @Test(arguments: [0.01, 0.05, 0.2])
    func bernoulliLossFallsInsideTheBinomialInterval(rate: Double) {
        let n = 50_000
        let run = Sampling.fates(NetworkProfile(loss: .bernoulli(rate: rate)), seed: 7, count: n)
        let observed = Double(run.stats.droppedByLoss) / Double(n)
        let halfWidth = 1.96 * (rate * (1 - rate) / Double(n)).squareRoot()
        #expect(abs(observed - rate) <= halfWidth, "observed \(observed), configured \(rate) ± \(halfWidth)")
        #expect(run.stats.sent == n && run.stats.delivered + run.stats.dropped == n)
    }

    @Test(arguments: [(0.01, 2.0), (0.03, 3.0), (0.05, 5.0)])
    func gilbertElliottMatchesLossRateAndMeanBurst(lossRate: Double, meanBurst: Double) {
        let n = 200_000
        let model = LossModel.gilbertElliott(lossRate: lossRate, meanBurst: meanBurst)
        let run = Sampling.fates(NetworkProfile(loss: model), seed: 11, count: n)
        let lost = run.fates.map { $0 == .dropped(.loss) }
        let observedRate = Double(lost.filter { $0 }.count) / Double(n)
        let runs = Sampling.runLengths(lost)
        let observedBurst = Double(runs.reduce(0, +)) / Double(runs.count)
        #expect(abs(observedRate - lossRate) / lossRate < 0.10, "loss \(observedRate) vs \(lossRate)")
        #expect(abs(observedBurst - meanBurst) / meanBurst < 0.10, "burst \(observedBurst) vs \(meanBurst)")
        #expect(abs(model.meanLossRate - lossRate) < 1e-12)
    }

    @Test func generalGilbertElliottFollowsTheStationaryFormula() {
        let model = LossModel.gilbertElliott(p: 0.05, r: 0.3, h: 0.4, k: 0.99)
        let expected = 0.05 / 0.35 * 0.6 + 0.3 / 0.35 * 0.01
        #expect(abs(model.meanLossRate - expected) < 1e-12)
        let n = 200_000
        let run = Sampling.fates(NetworkProfile(loss: model), seed: 3, count: n)
        let observed = Double(run.stats.droppedByLoss) / Double(n)
        #expect(abs(observed - expected) / expected < 0.05, "observed \(observed), expected \(expected)")
    }

    @Test func gilbertConvenienceDerivesPAndRAsTheDocumentedExample() {
        // docs/network.md §1.1: L = 2 %, b = 2 → r = 0.5, p = 0.0102, BurstR ≈ 1.96.
        guard case .gilbertElliott(let p, let r, let h, let k) = LossModel.gilbertElliott(lossRate: 0.02, meanBurst: 2)
        else {
            Issue.record("expected a Gilbert–Elliott model")
            return
        }
        #expect(abs(p - 0.0102) < 0.0001 && r == 0.5 && h == 0 && k == 1)
        #expect(abs(LossModel.gilbertElliott(lossRate: 0.02, meanBurst: 2).burstRatio - 1.96) < 0.01)
        #expect(LossModel.gilbertElliott(lossRate: 0, meanBurst: 3) == .none)
    }
}

@Suite("Impairment: delay, jitter, reordering, duplication")
struct ImpairmentDelayTests {
    @Test func uniformJitterPercentilesMatchTheDistribution() {
        let delays = Sampling.delaysMs(
            NetworkProfile(delayMs: 100, jitter: .uniform(halfWidthMs: 30)), count: 20_000)
        #expect(delays.count == 20_000)
        for (p, analytic) in [(10.0, 76.0), (50.0, 100.0), (90.0, 124.0)] {
            let observed = Sampling.percentile(delays, p)
            #expect(abs(observed - analytic) <= 1, "p\(p): \(observed) vs \(analytic)")
        }
        #expect(delays.min()! >= 70 && delays.max()! <= 130)
    }

    @Test func normalJitterPercentilesMatchTheDistribution() {
        let delays = Sampling.delaysMs(NetworkProfile(delayMs: 100, jitter: .normal(sdMs: 10)), count: 20_000)
        // Standard normal quantiles: z(0.9) = 1.28155, z(0.99) = 2.32635.
        for (p, analytic) in [(10.0, 87.1845), (50.0, 100.0), (90.0, 112.8155), (99.0, 123.2635)] {
            let observed = Sampling.percentile(delays, p)
            #expect(abs(observed - analytic) <= 1, "p\(p): \(observed) vs \(analytic)")
        }
    }

    @Test func paretoJitterFollowsNetemsTable() {
        let delays = Sampling.delaysMs(NetworkProfile(delayMs: 100, jitter: .pareto(sigmaMs: 10)), count: 20_000)
        // x = σ·(4/3)·(v^(−1/3) − 1.5) with v uniform: quantile q sits at v = 1 − q.
        func analytic(_ q: Double) -> Double { 100 + 10 * (4.0 / 3.0) * (inverseCubeRoot(1 - q) - 1.5) }
        for p in [50.0, 90.0] {
            let observed = Sampling.percentile(delays, p)
            #expect(abs(observed - analytic(p / 100)) <= 1, "p\(p): \(observed) vs \(analytic(p / 100))")
        }
        #expect(delays.min()! >= 100 - 6.67 - 0.01)
        #expect(delays.max()! <= 100 + 40.01)
    }

    @Test func correlationMakesSuccessiveDelaysAlike() {
        let correlated = Sampling.delaysMs(
            NetworkProfile(delayMs: 100, jitter: .uniform(halfWidthMs: 30), correlation: 0.75), count: 20_000)
        let independent = Sampling.delaysMs(
            NetworkProfile(delayMs: 100, jitter: .uniform(halfWidthMs: 30)), count: 20_000)
        #expect(Sampling.lagOneAutocorrelation(correlated) > 0.5)
        #expect(abs(Sampling.lagOneAutocorrelation(independent)) < 0.05)
    }

    @Test func jitterWiderThanThePacketSpacingReordersUnlessFIFO() {
        let jittery = NetworkProfile(delayMs: 50, jitter: .uniform(halfWidthMs: 30))
        let reordering = Sampling.fates(jittery, count: 5_000)
        #expect(reordering.stats.reordered > 100)

        var fifo = jittery
        fifo.allowsReordering = false
        let ordered = Sampling.fates(fifo, count: 5_000)
        let arrivals = ordered.fates.compactMap(\.arrivalNs)
        #expect(ordered.stats.reordered == 0)
        #expect(zip(arrivals, arrivals.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func reorderRateSendsPacketsAtOnce() {
        let n = 20_000
        let run = Sampling.fates(NetworkProfile(delayMs: 100, reorderRate: 0.1), count: n)
        let immediate = zip(run.fates, run.sends).filter { $0.0.arrivalNs == $0.1 }.count
        let halfWidth = 1.96 * (0.1 * 0.9 / Double(n)).squareRoot()
        #expect(abs(Double(immediate) / Double(n) - 0.1) <= halfWidth)
        // With 20 ms spacing and 100 ms delay, every immediate packet but a first one overtakes packets in flight.
        #expect(run.stats.reordered == immediate - (run.fates[0].arrivalNs == run.sends[0] ? 1 : 0))
    }

    @Test func duplicateRateDeliversCopies() {
        let n = 20_000
        let run = Sampling.fates(
            NetworkProfile(delayMs: 40, jitter: .uniform(halfWidthMs: 5), duplicateRate: 0.05), count: n)
        let halfWidth = 1.96 * (0.05 * 0.95 / Double(n)).squareRoot()
        #expect(abs(Double(run.stats.duplicated) / Double(n) - 0.05) <= halfWidth)
        for (fate, send) in zip(run.fates, run.sends) {
            if case .deliver(_, let copy?) = fate { #expect(copy >= send + 35 * Sampling.msNs) }
        }
    }

    @Test func cleanProfileDeliversInstantly() {
        let run = Sampling.fates(.clean, count: 1_000)
        #expect(zip(run.fates, run.sends).allSatisfy { $0.0 == .deliver(atNs: $0.1, duplicateAtNs: nil) })
        #expect(NetworkProfile.clean.isClean)
    }

    private func inverseCubeRoot(_ v: Double) -> Double { 1 / cbrt(v) }
}

@Suite("Impairment: rate limit, outages, determinism")
struct ImpairmentQueueTests {
    @Test func rateLimitHoldsThroughputAndQueuesBeforeDropping() {
        // 500-byte packets every 1 ms (4 Mbit/s) into a 2 Mbit/s link: each packet takes 2 ms on the wire.
        let profile = NetworkProfile(rateKbps: 2_000, queueMs: 100)
        let run = Sampling.fates(profile, count: 20_000, intervalMs: 1, bytes: 500)
        let delivered = run.fates.compactMap(\.arrivalNs)
        let seconds = Double(delivered.last! - run.sends.first!) / 1e9
        let kbps = Double(delivered.count * 500 * 8) / seconds / 1000
        #expect(abs(kbps - 2_000) / 2_000 < 0.05, "throughput \(kbps) kbit/s")

        let firstDrop = run.fates.firstIndex { $0 == .dropped(.queueOverflow) }!
        let delays = (0..<firstDrop).map { Double(run.fates[$0].arrivalNs! - run.sends[$0]) / 1e6 }
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 < $1 }, "the queue grows before it drops")
        #expect(delays.last! >= 100 - 2 - 1 && delays.last! <= 100)
        let allDelays = zip(run.fates, run.sends).compactMap { f, s in f.arrivalNs.map { Double($0 - s) / 1e6 } }
        #expect(allDelays.max()! <= 100)
        #expect(abs(Double(run.stats.droppedByQueue) / 20_000 - 0.5) < 0.01)
    }

    @Test func underloadedRateLimitAddsOnlySerialization() {
        let run = Sampling.fates(NetworkProfile(delayMs: 10, rateKbps: 2_000), count: 2_000, intervalMs: 5, bytes: 500)
        #expect(run.stats.dropped == 0)
        #expect(zip(run.fates, run.sends).allSatisfy { $0.0.arrivalNs! - $0.1 == 12 * Sampling.msNs })
    }

    @Test func outagesDropEverySendForTheirDuration() {
        let outage = Outage(intervalMs: 10_000, minDurationMs: 300, maxDurationMs: 800)
        let run = Sampling.fates(NetworkProfile(outage: outage), count: 6_000)  // 120 s of 20 ms packets
        let runs = Sampling.runLengths(run.fates.map { $0 == .dropped(.outage) })
        #expect((11...13).contains(runs.count))
        #expect(runs.allSatisfy { (14...41).contains($0) }, "\(runs)")
    }

    @Test func bothDirectionsOfALinkFailTogether() {
        var link = LinkImpairment(profile: .cellularHandover, runSeed: 42, callerIndex: 3)
        var upOutages: [Int64] = []
        var downOutages: [Int64] = []
        for i in 0..<15_000 {
            let sendNs = Int64(i) * 20 * Sampling.msNs
            if link.up.decide(sendNs: sendNs, bytes: 160) == .dropped(.outage) { upOutages.append(sendNs) }
            if link.down.decide(sendNs: sendNs, bytes: 160) == .dropped(.outage) { downOutages.append(sendNs) }
        }
        #expect(!upOutages.isEmpty && upOutages == downOutages)
    }

    @Test func sameSeedGivesTheSameFatesAndAnotherSeedDoesNot() {
        let profile = NetworkProfile(
            loss: .gilbertElliott(lossRate: 0.03, meanBurst: 3), delayMs: 60, jitter: .normal(sdMs: 15),
            correlation: 0.25, reorderRate: 0.01, duplicateRate: 0.01, rateKbps: 300, queueMs: 200,
            outage: Outage(intervalMs: 5_000, minDurationMs: 100, maxDurationMs: 400))
        let a = Sampling.fates(profile, seed: 99, count: 20_000, bytes: 700)
        let b = Sampling.fates(profile, seed: 99, count: 20_000, bytes: 700)
        let c = Sampling.fates(profile, seed: 100, count: 20_000, bytes: 700)
        #expect(a.fates == b.fates && a.stats == b.stats)
        #expect(a.fates != c.fates)
    }

    @Test func perCallerLinksDifferButRepeat() {
        var first = LinkImpairment(profile: .wifiCongested, runSeed: 1, callerIndex: 0)
        var again = LinkImpairment(profile: .wifiCongested, runSeed: 1, callerIndex: 0)
        var other = LinkImpairment(profile: .wifiCongested, runSeed: 1, callerIndex: 1)
        var same = true
        var differs = false
        for i in 0..<2_000 {
            let t = Int64(i) * 20 * Sampling.msNs
            let fate = first.up.decide(sendNs: t, bytes: 160)
            same = same && fate == again.up.decide(sendNs: t, bytes: 160)
            differs = differs || fate != other.up.decide(sendNs: t, bytes: 160)
        }
        #expect(same && differs)
    }

    @Test func hotPathStateHoldsNoReferences() {
        // No references means copying or mutating these never touches the heap or reference counts.
        #expect(_isPOD(Impairment.self))
        #expect(_isPOD(TCPStreamModel.self))
        #expect(_isPOD(LinkImpairment.self))
    }
}
