import NIOCore

/// One timer per event loop for every delay line on it: the held packets of every caller on the loop.
///
/// Keeps a `DelayHeap` of (due time, order, line) with the earliest due time of each line and exactly one scheduled
/// callback, at the earliest of them. The callback is moved only when a line brings an earlier time; on a wake-up
/// every line whose time has come releases its due units, then the timer is set for the next one. An entry that a
/// line's earlier time has replaced stays in the heap until its time and is skipped then (lazy deletion).
///
/// A timer per line would cost a wake-up per held packet and a cancel-and-reschedule whenever a packet overtakes
/// another; here units due at the same time on any line of the loop share one wake-up. With `resolutionNs` > 0 the
/// wake-ups are rounded up to that grid, so units due within one step share one (at most one wake-up per step, as
/// `FramePacer` does for sending), each released at most `resolutionNs` after its due time.
///
/// It also keeps the loop's `BufferPool`, the spare buffers held copies are made in.
///
/// Time is the loop's `now` (an `EmbeddedEventLoop`'s virtual time in tests). The heap's storage only grows, so a
/// steady stream allocates nothing here once warmed up. Confined to its event loop.
final class DelayScheduler: NIOScheduledCallbackHandler {
    /// The loop whose clock and timer the scheduler uses.
    let eventLoop: any EventLoop
    /// The wake-up grid in ns (0: wake at each due time exactly).
    let resolutionNs: Int64
    /// Spare buffers for the copies the loop's lines hold.
    let buffers = BufferPool()
    /// Timers scheduled so far, reschedules included: how often the loop was asked to wake.
    private(set) var timersScheduled = 0
    /// Wake-ups so far.
    private(set) var wakeUps = 0

    /// Each line's earliest due time; an entry's push order is the line's ticket while it is current.
    private var heap = DelayHeap<any DelayReleasing>(capacity: 64)
    private var callback: NIOScheduledCallback?
    private var scheduledNs: Int64 = .max
    /// True while lines release: they ask to be woken again, and the timer is set once they are done.
    private var waking = false

    /// A scheduler for the lines on `eventLoop`.
    /// - Parameter resolutionNs: round wake-ups up to this grid (loop clock), 0 for none.
    init(eventLoop: any EventLoop, resolutionNs: Int64 = 0) {
        self.eventLoop = eventLoop
        self.resolutionNs = max(0, resolutionNs)
    }

    /// True when no line waits and no timer is set.
    var isIdle: Bool { self.heap.count == 0 && self.callback == nil }

    /// Wakes `line` at `dueNs` (loop clock) unless it is already to be woken no later.
    func wake(_ line: any DelayReleasing, atNs dueNs: Int64) {
        if line.delayTicket != 0 && line.delayTicketDueNs <= dueNs { return }
        line.delayTicket = self.heap.push(line, dueNs: dueNs)
        line.delayTicketDueNs = dueNs
        let wakeNs = self.wakeTime(dueNs)
        if !self.waking && wakeNs < self.scheduledNs { self.schedule(at: wakeNs) }
    }

    /// Forgets `line` (its channel closed): it is not woken again until it asks.
    func forget(_ line: any DelayReleasing) {
        line.delayTicket = 0
        line.delayTicketDueNs = .max
        // Replaced entries go too, so the heap keeps no closed channel's line alive.
        self.heap.removeAll { $0 === line }
        if self.heap.count == 0 && !self.waking { self.cancelTimer() }
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.callback = nil
        self.scheduledNs = .max
        self.wakeUps += 1
        self.waking = true
        let nowNs = Int64(self.eventLoop.now.uptimeNanoseconds)
        while let entry = self.heap.popDue(nowNs: nowNs) {
            let line = entry.element
            guard line.delayTicket == entry.order else { continue }  // replaced by an earlier time
            line.delayTicket = 0
            line.delayTicketDueNs = .max
            line.releaseDue(nowNs: nowNs)
        }
        self.waking = false
        if let first = self.heap.firstDueNs { self.schedule(at: self.wakeTime(first)) }
    }

    /// The wake-up grid of every caller loop's scheduler (`LoopStats.delays`).
    static let loopResolutionNs: Int64 = 1_000_000

    /// When a unit due at `dueNs` is released: its due time rounded up to the wake-up grid (plus the loop's own
    /// lateness, which the harness records as its lag).
    func releaseNs(dueNs: Int64) -> Int64 { self.wakeTime(dueNs) }

    private func wakeTime(_ dueNs: Int64) -> Int64 {
        guard self.resolutionNs > 1, dueNs > 0 else { return dueNs }
        let (q, r) = dueNs.quotientAndRemainder(dividingBy: self.resolutionNs)
        return r == 0 ? dueNs : (q + 1) * self.resolutionNs
    }

    private func schedule(at wakeNs: Int64) {
        self.cancelTimer()
        self.scheduledNs = wakeNs
        self.timersScheduled += 1
        let at = NIODeadline.uptimeNanoseconds(UInt64(max(0, wakeNs)))
        self.callback = try? self.eventLoop.assumeIsolated().scheduleCallback(at: at, handler: self)
    }

    private func cancelTimer() {
        if let callback = self.callback { self.eventLoop.assumeIsolated().cancelScheduledCallback(callback) }
        self.callback = nil
        self.scheduledNs = .max
    }
}

@available(*, unavailable)
extension DelayScheduler: Sendable {}
