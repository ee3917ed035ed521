import ChorusNetwork
import Testing

@Suite("E-model")
struct EModelTests {
    @Test func perfectG711ScoresTheDefaultCeiling() {
        let r = EModel.rFactor(oneWayDelayMs: 0, effectiveLossPct: 0, codec: .pcmu)
        #expect(abs(r - 93.2) < 1e-9)
        #expect(abs(EModel.mos(r: 93.2) - 4.41) < 0.005)
    }

    /// The worked values of docs/network.md §4 (simplified Id, A = 0).
    @Test(arguments: [
        (100.0, 0.0, 25.1, 1.0, 90.8, 4.36), (100, 1, 25.1, 1, 87.2, 4.26), (100, 2, 25.1, 1, 83.8, 4.16),
        (100, 5, 25.1, 1, 75.0, 3.82), (200, 2, 25.1, 1, 78.9, 3.98), (200, 2, 25.1, 2, 78.6, 3.97),
        (300, 1, 25.1, 1, 68.9, 3.54), (400, 0, 25.1, 1, 59.1, 3.05), (100, 1, 4.3, 1, 72.9, 3.73),
        (100, 2, 4.3, 1, 60.6, 3.13), (100, 5, 4.3, 1, 39.7, 2.05), (200, 2, 4.3, 1, 55.7, 2.88),
        (200, 2, 4.3, 2, 50.1, 2.58), (300, 1, 4.3, 1, 54.6, 2.82),
    ])
    func workedValuesMatchTheDocumentedTable(
        delay: Double, loss: Double, bpl: Double, burst: Double, r: Double, mos: Double
    ) {
        let codec = EModel.Codec(name: "G.711", ie: 0, bpl: bpl)
        let computed = EModel.rFactor(oneWayDelayMs: delay, effectiveLossPct: loss, codec: codec, burstRatio: burst)
        #expect(abs(computed - r) < 0.06, "R \(computed) vs \(r)")
        #expect(abs(EModel.mos(r: computed) - mos) < 0.011, "MOS \(EModel.mos(r: computed)) vs \(mos)")
    }

    @Test func rFallsWithLossAndDelay() {
        for codec in [EModel.Codec.pcmu, .pcmuWithPLC, .opus, .g729a] {
            let byLoss = stride(from: 0.0, through: 30, by: 0.5).map {
                EModel.rFactor(oneWayDelayMs: 50, effectiveLossPct: $0, codec: codec)
            }
            let byDelay = stride(from: 0.0, through: 800, by: 10).map {
                EModel.rFactor(oneWayDelayMs: $0, effectiveLossPct: 1, codec: codec)
            }
            #expect(zip(byLoss, byLoss.dropFirst()).allSatisfy { $0 > $1 })
            #expect(zip(byDelay, byDelay.dropFirst()).allSatisfy { $0 > $1 })
        }
        let random = EModel.rFactor(oneWayDelayMs: 100, effectiveLossPct: 3, codec: .opus)
        let bursty = EModel.rFactor(oneWayDelayMs: 100, effectiveLossPct: 3, codec: .opus, burstRatio: 3)
        #expect(bursty < random)
    }

    @Test(arguments: [(90.0, 4.34), (80, 4.02), (70, 3.60), (60, 3.10), (50, 2.58)])
    func mosFollowsAnnexB(r: Double, mos: Double) {
        #expect(abs(EModel.mos(r: r) - mos) < 0.005)
    }

    @Test func mosIsClampedOutsideZeroToHundred() {
        #expect(EModel.mos(r: -5) == 1 && EModel.mos(r: 0) == 1)
        #expect(EModel.mos(r: 100) == 4.5 && EModel.mos(r: 120) == 4.5)
    }

    @Test(arguments: [(150.0, 0.16, 3.6), (200, 3.0, 7.3), (300, 14.8, 20.7), (400, 24.1, 34.1)])
    func delayImpairmentFormulasMatchTheComparisonTable(delay: Double, pure: Double, simplified: Double) {
        #expect(abs(EModel.delayImpairment(oneWayDelayMs: delay, formula: .pureDelay) - pure) < 0.06)
        #expect(abs(EModel.delayImpairment(oneWayDelayMs: delay) - simplified) < 0.06)
        #expect(EModel.delayImpairment(oneWayDelayMs: 90, formula: .pureDelay) == 0)
    }

    @Test func burstRatioAndCodecNames() {
        #expect(abs(EModel.burstRatio(p: 0.0102, q: 0.5) - 1.96) < 0.01)
        #expect(EModel.burstRatio(p: 0.3, q: 0.9) == 1)
        #expect(EModel.Codec(named: "pcm16/16000") == .pcm16wideband)
        #expect(EModel.Codec(named: "PCMU") == .pcmu)
        #expect(EModel.Codec(named: "opus/48000") == .opus)
        #expect(EModel.Codec(named: "speex") == nil)
    }
}
