import ChorusCore
import NIOCore

/// What the callers on one event loop record about the harness itself: how late each frame went out.
///
/// Mutated only on its event loop (callers record from their handlers); the monitor reads and resets it by
/// submitting a closure to that loop. That confinement is why `@unchecked Sendable` is sound here.
public final class LoopStats: @unchecked Sendable {
    public let eventLoop: any EventLoop
    /// Send lateness of audio frames against their absolute deadlines, microseconds.
    public var sendLateUs = LatencyHistogram()
    public var framesSent: UInt64 = 0
    public var framesReceived: UInt64 = 0
    public var turnsFinished: UInt64 = 0
    public var activeSessions = 0

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Takes the counters since the last snapshot, on the loop.
    public func snapshotAndReset() -> Snapshot {
        self.eventLoop.preconditionInEventLoop()
        let s = Snapshot(
            sendLateUs: self.sendLateUs, framesSent: self.framesSent, framesReceived: self.framesReceived,
            turnsFinished: self.turnsFinished, activeSessions: self.activeSessions)
        self.sendLateUs.reset()
        self.framesSent = 0
        self.framesReceived = 0
        self.turnsFinished = 0
        return s
    }

    /// A copy of the counters taken on the loop.
    public struct Snapshot: Sendable {
        public var sendLateUs: LatencyHistogram
        public var framesSent: UInt64
        public var framesReceived: UInt64
        public var turnsFinished: UInt64
        public var activeSessions: Int
    }
}
