import NIOCore

/// Something the pacer wakes every 20 ms, in its slot.
protocol PacedCaller: AnyObject {
    /// Sends every frame whose deadline is at or before `nowNs`.
    func paceTick(nowNs: Int64)
}

/// One timer per event loop for every caller on it: wakes on absolute 1 ms slot deadlines and lets the callers
/// of that slot send their due frames.
///
/// A timer per caller would mean 50 wake-ups per caller per second, and a wake-up costs more than sending a frame
/// (about 12 µs). Callers share the 20 slots of a frame period (`PacerSlots` says which), the loop wakes
/// only for slots that have callers, at most 1,000 times a second whatever the load, and each caller still sends
/// on its own absolute 20 ms grid. Confined to its loop.
final class FramePacer: NIOScheduledCallbackHandler {
    static let slotNs: Int64 = 1_000_000
    static let slotsPerFrame = 20

    private let eventLoop: any EventLoop
    private var slots: [[PacedCaller]] = Array(repeating: [], count: FramePacer.slotsPerFrame)
    private var places = PacerSlots()
    /// The absolute slot grid: slot tick t is due at `originNs + t × 1 ms`.
    private let originNs: Int64
    private var tick: Int64 = 0
    private var callback: NIOScheduledCallback?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.originNs = Int64(eventLoop.now.uptimeNanoseconds)
    }

    /// Adds a caller to the slot `PacerSlots` chooses; returns its first frame deadline (≥ 20 ms from now).
    func add(_ caller: PacedCaller) -> Int64 {
        let slot = self.places.assign()
        self.slots[slot].append(caller)
        let nowNs = self.nowNs()
        // The first tick of this slot at least one frame period away.
        let period = Int64(Self.slotsPerFrame) * Self.slotNs
        let base = (nowNs + period - self.originNs) / period * period + Int64(slot) * Self.slotNs
        if self.callback == nil {
            self.tick = self.places.nextOccupied(from: (nowNs - self.originNs) / Self.slotNs + 1)
            self.schedule()
        }
        return self.originNs + base + period
    }

    /// Removes a caller; the pacer stops waking when it has none.
    func remove(_ caller: PacedCaller) {
        for i in 0..<self.slots.count {
            if let j = self.slots[i].firstIndex(where: { $0 === caller }) {
                self.slots[i].remove(at: j)
                self.places.release(i)
                break
            }
        }
        if self.places.members == 0, let callback = self.callback {
            self.eventLoop.assumeIsolated().cancelScheduledCallback(callback)
            self.callback = nil
        }
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.callback = nil
        let nowNs = self.nowNs()
        // Serve every slot whose time has come; a late wake-up serves the missed slots at once.
        var served = 0
        while self.originNs + self.tick * Self.slotNs <= nowNs && served < Self.slotsPerFrame {
            let slot = Int(self.tick % Int64(Self.slotsPerFrame))
            // Index loop: callers may remove themselves while being served.
            var i = 0
            while i < self.slots[slot].count {
                let caller = self.slots[slot][i]
                caller.paceTick(nowNs: self.nowNs())
                if i < self.slots[slot].count && self.slots[slot][i] === caller { i += 1 }
            }
            self.tick += 1
            served += 1
        }
        if served == Self.slotsPerFrame {
            // More than a whole frame period behind: jump to now rather than replaying history.
            self.tick = max(self.tick, (nowNs - self.originNs) / Self.slotNs + 1)
        }
        // Empty slots are not worth a wake-up.
        self.tick = self.places.nextOccupied(from: self.tick)
        if self.places.members > 0 { self.schedule() }
    }

    /// The loop's clock: monotonic time, or an `EmbeddedEventLoop`'s virtual time in tests.
    private func nowNs() -> Int64 { Int64(self.eventLoop.now.uptimeNanoseconds) }

    private func schedule() {
        let at = NIODeadline.uptimeNanoseconds(UInt64(self.originNs + self.tick * Self.slotNs))
        self.callback = try? self.eventLoop.assumeIsolated().scheduleCallback(at: at, handler: self)
    }
}

@available(*, unavailable)
extension FramePacer: Sendable {}
