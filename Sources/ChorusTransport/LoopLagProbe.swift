import NIOCore

/// A hiccup meter on one event loop: wakes on absolute 10 ms deadlines and records how late each wake-up was.
///
/// Lateness here is time the loop could not serve callers (CPU starvation, a blocking call, a long GC-like
/// pause): a lower bound on what every caller on that loop suffered. Confined to its loop.
final class LoopLagProbe: NIOScheduledCallbackHandler {
    private let stats: LoopStats
    private let periodNs: Int64 = 10_000_000
    private var nextNs: Int64 = 0
    private var callback: NIOScheduledCallback?
    private var running = false

    init(stats: LoopStats) {
        self.stats = stats
    }

    /// Starts probing; call on the probe's loop.
    func start() {
        self.running = true
        self.nextNs = Int64(NIODeadline.now().uptimeNanoseconds) + self.periodNs
        self.schedule()
    }

    /// Stops probing; call on the probe's loop.
    func stop() {
        self.running = false
        if let callback = self.callback { self.stats.eventLoop.assumeIsolated().cancelScheduledCallback(callback) }
        self.callback = nil
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        let nowNs = Int64(NIODeadline.now().uptimeNanoseconds)
        self.stats.loopLagUs.record((nowNs - self.nextNs) / 1000)
        // Skip missed periods instead of bursting: one lateness sample per wake-up.
        while self.nextNs <= nowNs { self.nextNs += self.periodNs }
        if self.running { self.schedule() }
    }

    private func schedule() {
        let at = NIODeadline.uptimeNanoseconds(UInt64(self.nextNs))
        self.callback = try? self.stats.eventLoop.assumeIsolated().scheduleCallback(at: at, handler: self)
    }
}

@available(*, unavailable)
extension LoopLagProbe: Sendable {}
