import CAllocationCounter
import ChorusCore
import Testing

@Suite("Clock skew estimator allocates nothing per frame", .serialized)
struct ClockSkewAllocationTests {
    @Test("An hour of 20 ms frames, windows merging on the way, without one allocation")
    func recordDoesNotAllocate() {
        var estimator = ClockSkewEstimator()
        var media: Int64 = 0
        var arrival: Int64 = 0
        chorus_allocations_start()
        for frame in 0..<180_000 {
            if frame % 500 == 0 { estimator.startSegment() }
            estimator.record(arrivalNs: arrival, mediaNs: media)
            media += 20_000_000
            arrival += 19_996_000 + Int64(frame % 7) * 1000
        }
        let allocations = chorus_allocations_stop()
        #expect(allocations == 0, "\(allocations) allocations")
        #expect(estimator.windowNs > 1_000_000_000)
    }
}
