import ChorusCore
import Foundation
import Testing

@Suite("Clock skew from media time against arrival")
struct ClockSkewEstimatorTests {
    /// Replies of `replyS` seconds every `periodS` seconds for `totalS` seconds from a sender whose clock runs
    /// `ppm` fast: 20 ms frames on the sender's clock, each delayed by 0.2 ms plus queueing (exponential, mean
    /// `queueMs`, so few frames are on the floor). `segmented`: media time restarts at zero with every reply.
    static func estimate(
        ppm: Double, totalS: Double = 120, replyS: Double = 2, periodS: Double = 6, queueMs: Double = 2,
        segmented: Bool = false, windowNs: Int64 = 1_000_000_000, seed: UInt64 = 1
    ) -> (ClockSkewEstimator, Double?) {
        var rng = SplitMix64(seed: seed)
        var estimator = ClockSkewEstimator(windowNs: windowNs)
        let rate = 1 + ppm * 1e-6
        var start = 0.5
        while start + replyS < totalS {
            if segmented { estimator.startSegment() }
            for frame in 0..<Int(replyS / 0.02) {
                // The sender's media clock reads `media`; real time is media / rate.
                let media = start * rate + Double(frame) * 0.02
                let queue = -queueMs * log(max(1e-12, Double.random(in: 0..<1, using: &rng)))
                let arrival = media / rate + 0.0002 + queue / 1000
                let carried = segmented ? Double(frame) * 0.02 : media
                estimator.record(arrivalNs: Int64(arrival * 1e9), mediaNs: Int64(carried * 1e9))
            }
            start += periodS
        }
        return (estimator, estimator.ppm())
    }

    @Test("RTP-like: +200 ppm over two minutes of 2-second replies is recovered within 10 ppm", arguments: [200.0, -150, 0])
    func rtpSkewIsRecovered(ppm: Double) throws {
        let measured = try #require(Self.estimate(ppm: ppm).1)
        #expect(abs(measured - ppm) <= 10, "\(measured) ppm for \(ppm)")
    }

    @Test("WebSocket-like: each reply its own media origin; +200 ppm within 25 ppm")
    func segmentedSkewIsRecovered() throws {
        let measured = try #require(Self.estimate(ppm: 200, segmented: true, windowNs: 250_000_000).1)
        #expect(abs(measured - 200) <= 25, "\(measured) ppm")
    }

    @Test("An hour of media fits the fixed windows (they merge) and still gives the skew")
    func hourLongSessionIsBounded() throws {
        let (estimator, measured) = Self.estimate(ppm: 80, totalS: 3600, periodS: 5)
        #expect(estimator.windowNs > 1_000_000_000, "windows merged")
        #expect(abs(try #require(measured) - 80) <= 3, "\(measured ?? .nan) ppm")
    }

    @Test("Under twenty seconds of media there is no estimate")
    func tooShortIsNil() {
        #expect(Self.estimate(ppm: 200, totalS: 15).1 == nil)
    }
}
