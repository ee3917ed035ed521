import Testing

@testable import ChorusEngine

@Suite("The steady state of a run")
struct SteadyStateTests {
    /// An interval of 1 s with `frames` frames at 5 µs each, plus `extraCPU` seconds of other work.
    static func interval(
        active: Int, opened: Int = 0, ended: Int = 0, frames: UInt64 = 100_000, extraCPU: Double = 0
    ) -> SteadyState.Interval {
        SteadyState.Interval(
            seconds: 1, cpuSeconds: Double(frames) * 5e-6 + extraCPU, frames: frames, activeSessions: active,
            sessionsOpened: opened, sessionsEnded: ended)
    }

    @Test func rampAndHangUpAreLeftOutWithTheIntervalsNextToThem() throws {
        let intervals = [
            Self.interval(active: 400, opened: 400, frames: 10_000, extraCPU: 0.4),
            Self.interval(active: 800, opened: 400, frames: 40_000, extraCPU: 0.4),
            Self.interval(active: 1000, opened: 200, frames: 80_000, extraCPU: 0.2),
            Self.interval(active: 1000, extraCPU: 0.05),  // handshakes finishing after the last call opened
            Self.interval(active: 1000),
            Self.interval(active: 1000),
            Self.interval(active: 1000, frames: 90_000),
            Self.interval(active: 0, ended: 1000, frames: 20_000, extraCPU: 0.3),
        ]
        let steady = try #require(SteadyState.of(intervals))
        #expect(steady.seconds == 2)
        #expect(steady.frames == 200_000)
        #expect(abs(steady.cpuUsPerFrame - 5) < 1e-9, "set-up and hang-up CPU is not in it")
    }

    @Test func aDipBelowThePeakIsNotSteady() throws {
        let intervals = [
            Self.interval(active: 10, opened: 10),
            Self.interval(active: 10), Self.interval(active: 10),
            Self.interval(active: 9, extraCPU: 1),  // a call lost without a close being seen yet
            Self.interval(active: 10), Self.interval(active: 10),
        ]
        let steady = try #require(SteadyState.of(intervals))
        #expect(steady.seconds == 3)
        #expect(abs(steady.cpuUsPerFrame - 5) < 1e-9)
    }

    @Test func aRunWhoseCallsComeAndGoNeverSettles() {
        // An open model: every interval opens and ends calls.
        let intervals = (0..<30).map { _ in Self.interval(active: 50, opened: 5, ended: 5) }
        #expect(SteadyState.of(intervals) == nil)
        #expect(SteadyState.of([]) == nil)
        #expect(SteadyState.of([Self.interval(active: 3, opened: 3), Self.interval(active: 3)]) == nil, "too short")
    }
}
