import ChorusCore
import ChorusSockets
import ChorusWebRTC
import ChorusWebRTCNIO
import NIOCore

/// What the callers on one event loop record about the harness itself: how late each frame went out.
///
/// Mutated only on its event loop (callers record from their handlers); the monitor reads and resets it by
/// submitting a closure to that loop. That confinement is why `@unchecked Sendable` is sound here.
public final class LoopStats: @unchecked Sendable {
    public let eventLoop: any EventLoop
    /// Send lateness of audio frames against their absolute deadlines, microseconds.
    public var sendLateUs = LatencyHistogram()
    /// Lateness of the loop's own 10 ms probe wake-ups (event-loop lag), microseconds.
    public var loopLagUs = LatencyHistogram()
    public var framesSent: UInt64 = 0
    public var framesReceived: UInt64 = 0
    public var turnsFinished: UInt64 = 0
    public var activeSessions = 0
    /// Calls that began streaming, and calls whose channel closed, since the last snapshot: the moments around
    /// which set-up and tear-down work happens (`HarnessMonitor`'s steady state leaves them out).
    public var sessionsOpened = 0
    public var sessionsEnded = 0

    /// Counts one frame sent for its deadline `deadlineNs` and records how late it went out.
    func recordFrameSent(deadlineNs: Int64, nowNs: Int64) {
        self.framesSent &+= 1
        self.sendLateUs.record((nowNs - deadlineNs) / 1000)
    }

    /// Counts turns finished since the caller last reported; `counted` is the caller's running total.
    func recordTurns(total: Int, counted: inout Int) {
        guard total > counted else { return }
        self.turnsFinished &+= UInt64(total - counted)
        counted = total
    }

    /// The loop's shared frame timer, made on first use (on the loop).
    var pacer: FramePacer {
        if let p = self._pacer { return p }
        let p = FramePacer(eventLoop: self.eventLoop)
        self._pacer = p
        return p
    }
    private var _pacer: FramePacer?

    /// The loop's send and receive buffers for datagrams (RTP, and WebRTC's sealed packets), made on first use
    /// (on the loop): shared, they stay in cache.
    var datagrams: DatagramScratch {
        if let d = self._datagrams { return d }
        // Enough for the longest backlog burst between two flushes (a 500 ms stall: 25 frames) with room to spare.
        let d = DatagramScratch(count: 64, capacity: 2048 + SRTPSession.maxTrailer)
        self._datagrams = d
        return d
    }
    private var _datagrams: DatagramScratch?

    /// The loop's shared timer for held packets (every impaired channel's delay lines), made on first use (on the
    /// loop).
    var delays: DelayScheduler {
        if let d = self._delays { return d }
        // Jitter gives every held packet its own due time: waking for each would cost more than the packets
        // (100,000 wake-ups a second at 1,000 impaired callers). A 1 ms grid bounds it at 1,000, as for sending.
        let d = DelayScheduler(eventLoop: self.eventLoop, resolutionNs: DelayScheduler.loopResolutionNs)
        self._delays = d
        return d
    }
    private var _delays: DelayScheduler?
    private var lagProbe: LoopLagProbe?

    /// Starts the loop's hiccup meter (10 ms probe wake-ups into `loopLagUs`); call on the loop.
    public func startLagProbe() {
        self.eventLoop.preconditionInEventLoop()
        let probe = LoopLagProbe(stats: self)
        self.lagProbe = probe
        probe.start()
    }

    /// Stops the hiccup meter; call on the loop.
    public func stopLagProbe() {
        self.lagProbe?.stop()
        self.lagProbe = nil
    }

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Takes the counters since the last snapshot, on the loop.
    public func snapshotAndReset() -> Snapshot {
        self.eventLoop.preconditionInEventLoop()
        let s = Snapshot(
            sendLateUs: self.sendLateUs, loopLagUs: self.loopLagUs, framesSent: self.framesSent, framesReceived: self.framesReceived,
            turnsFinished: self.turnsFinished, activeSessions: self.activeSessions,
            sessionsOpened: self.sessionsOpened, sessionsEnded: self.sessionsEnded)
        self.sessionsOpened = 0
        self.sessionsEnded = 0
        self.sendLateUs.reset()
        self.loopLagUs.reset()
        self.framesSent = 0
        self.framesReceived = 0
        self.turnsFinished = 0
        return s
    }

    /// A copy of the counters taken on the loop.
    public struct Snapshot: Sendable {
        public var sendLateUs: LatencyHistogram
        public var loopLagUs: LatencyHistogram
        public var framesSent: UInt64
        public var framesReceived: UInt64
        public var turnsFinished: UInt64
        public var activeSessions: Int
        public var sessionsOpened: Int
        public var sessionsEnded: Int
    }
}
