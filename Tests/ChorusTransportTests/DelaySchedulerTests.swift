import NIOCore
import NIOEmbedded
import Testing

@testable import ChorusTransport

/// The loop's shared timer for delay lines, on an `EmbeddedEventLoop`'s virtual clock.
@Suite("Delay scheduler")
struct DelaySchedulerTests {
    static let ms: Int64 = 1_000_000

    /// What the lines released: which line, which element, its due time and the loop's time at release.
    final class Log {
        var entries: [(line: String, value: Int, dueNs: Int64, atNs: Int64)] = []
    }

    static func line(
        _ name: String, _ scheduler: DelayScheduler, _ log: Log, _ loop: EmbeddedEventLoop
    ) -> DelayLine<Int> {
        DelayLine(scheduler: scheduler) { value, dueNs in
            log.entries.append((name, value, dueNs, Int64(loop.now.uptimeNanoseconds)))
        }
    }

    @Test func linesOnALoopShareOneTimerAndReleaseInDueOrder() {
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let log = Log()
        let a = Self.line("a", scheduler, log, loop)
        let b = Self.line("b", scheduler, log, loop)
        let c = Self.line("c", scheduler, log, loop)
        a.push(1, dueNs: 30 * Self.ms)
        b.push(2, dueNs: 10 * Self.ms)  // earlier: the timer moves
        c.push(3, dueNs: 10 * Self.ms)  // not earlier: it stays
        a.push(4, dueNs: 10 * Self.ms)
        a.push(5, dueNs: 30 * Self.ms)
        #expect(scheduler.timersScheduled == 2)
        loop.advanceTime(by: .milliseconds(10))
        #expect(log.entries.map(\.value) == [2, 3, 4])
        #expect(log.entries.allSatisfy { $0.atNs == $0.dueNs })
        loop.advanceTime(by: .milliseconds(40))
        // Equal due times keep their push order.
        #expect(log.entries.map(\.value) == [2, 3, 4, 1, 5])
        #expect(log.entries.allSatisfy { $0.atNs == $0.dueNs })
        #expect(scheduler.timersScheduled == 3 && scheduler.wakeUps == 2)
        #expect(scheduler.isIdle && a.count == 0)
    }

    @Test func aLineIsWokenOnceForEveryUnitDueAtTheSameTime() {
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let log = Log()
        let lines = (0..<100).map { Self.line("\($0)", scheduler, log, loop) }
        for round in 0..<10 {
            for (i, line) in lines.enumerated() { line.push(i, dueNs: Int64(round + 1) * 20 * Self.ms) }
            loop.advanceTime(by: .milliseconds(20))
        }
        #expect(log.entries.count == 1_000 && log.entries.allSatisfy { $0.atNs == $0.dueNs })
        #expect(scheduler.timersScheduled == 10 && scheduler.wakeUps == 10)
    }

    @Test func theResolutionRoundsWakeUpsUpToItsGrid() {
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop, resolutionNs: Self.ms)
        let log = Log()
        let a = Self.line("a", scheduler, log, loop)
        let b = Self.line("b", scheduler, log, loop)
        a.push(1, dueNs: 10_700_000)
        b.push(2, dueNs: 10_200_000)  // earlier, but on the same 1 ms step: no new timer
        a.push(3, dueNs: 10_900_000)
        b.push(4, dueNs: 12_000_000)
        loop.advanceTime(by: .milliseconds(20))
        #expect(log.entries.map(\.value) == [2, 1, 3, 4])
        #expect(log.entries.map(\.atNs) == [11, 11, 11, 12].map { $0 * Self.ms })
        #expect(scheduler.timersScheduled == 2 && scheduler.wakeUps == 2)
    }

    @Test func cancellingEveryLineLeavesTheSchedulerIdle() {
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let log = Log()
        let a = Self.line("a", scheduler, log, loop)
        let b = Self.line("b", scheduler, log, loop)
        a.push(1, dueNs: 10 * Self.ms)
        a.push(2, dueNs: 5 * Self.ms)  // leaves a replaced entry behind
        b.push(3, dueNs: 20 * Self.ms)
        a.cancel()
        #expect(!scheduler.isIdle && a.count == 0)
        loop.advanceTime(by: .milliseconds(10))
        #expect(log.entries.isEmpty)
        b.cancel()
        #expect(scheduler.isIdle)
        loop.advanceTime(by: .milliseconds(100))
        #expect(log.entries.isEmpty)
        // A cancelled line can be used again.
        a.push(4, dueNs: 120 * Self.ms)
        loop.advanceTime(by: .milliseconds(20))
        #expect(log.entries.map(\.value) == [4])
    }

    @Test func aReleaseMayPushAndCancel() {
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop)
        let log = Log()
        let reply = Self.line("reply", scheduler, log, loop)
        let later = Self.line("later", scheduler, log, loop)
        var request: DelayLine<Int>?
        request = DelayLine(scheduler: scheduler) { value, dueNs in
            log.entries.append(("request", value, dueNs, Int64(loop.now.uptimeNanoseconds)))
            // A reply due at once goes out in the same wake-up; the call ends and takes `later` with it.
            reply.push(value * 10, dueNs: dueNs)
            later.cancel()
            request?.push(value + 1, dueNs: dueNs + 5 * Self.ms)
            if value == 2 { request?.cancel() }
        }
        request?.push(1, dueNs: 10 * Self.ms)
        later.push(99, dueNs: 10 * Self.ms)
        loop.advanceTime(by: .milliseconds(100))
        #expect(log.entries.map(\.value) == [1, 10, 2, 20])
        #expect(log.entries.allSatisfy { $0.atNs == $0.dueNs })
        #expect(scheduler.isIdle)
        request = nil
    }

    @Test func onAOneMillisecondGridUnitsLeaveWhenReleaseNsSays() {
        let loop = EmbeddedEventLoop()
        let scheduler = DelayScheduler(eventLoop: loop, resolutionNs: Self.ms)
        var released: [(value: Int, atNs: Int64)] = []
        let line = DelayLine<Int>(scheduler: scheduler) { value, _ in
            released.append((value, Int64(loop.now.uptimeNanoseconds)))
        }
        let dues: [Int64] = [10 * Self.ms + 300_000, 10 * Self.ms + 900_000, 12 * Self.ms, 12 * Self.ms + 1]
        for (i, due) in dues.enumerated() { line.push(i, dueNs: due) }
        for _ in 0..<200 { loop.advanceTime(by: .microseconds(100)) }
        #expect(released.map(\.value) == [0, 1, 2, 3])
        // Never early, at most one step late, and exactly when `releaseNs` predicts (what the link tells the caller).
        for (entry, due) in zip(released, dues) {
            #expect(entry.atNs == scheduler.releaseNs(dueNs: due))
            #expect(entry.atNs >= due && entry.atNs - due < Self.ms)
        }
        // Units due within one step share a wake-up.
        #expect(scheduler.wakeUps == 3)
    }
}
