/// When caller slot `index` starts its first session, as an offset from the start of the run; pure, so tests
/// need no clock.
public protocol ArrivalSchedule: Sendable {
    /// Offset of slot `index` in nanoseconds.
    func startOffsetNs(ofCaller index: Int) -> Int64
}

/// Closed model: N concurrent callers, started evenly over the ramp (caller i at i × ramp / N).
public struct RampedClosedSchedule: ArrivalSchedule {
    public var callers: Int
    public var rampNs: Int64

    public init(callers: Int, rampNs: Int64) {
        self.callers = callers
        self.rampNs = rampNs
    }

    public func startOffsetNs(ofCaller index: Int) -> Int64 {
        guard self.callers > 0 else { return 0 }
        return self.rampNs * Int64(index) / Int64(self.callers)
    }
}
