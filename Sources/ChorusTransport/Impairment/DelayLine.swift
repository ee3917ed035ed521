import NIOCore

/// Packets held back by an impaired link until their delivery time, released in delivery order on the loop.
///
/// A `DelayHeap` keyed by (delivery time, arrival order), so jitter can reorder packets and equal times keep
/// their order. A `DelayScheduler` wakes the line at its earliest delivery time: the loop's shared one
/// (`LoopStats.delays`, one timer for every line on the loop).
/// The heap's storage only grows, so a steady stream allocates nothing once warmed up. Confined to its event loop.
final class DelayLine<Element>: DelayReleasing {
    private let scheduler: DelayScheduler
    private let release: (Element, Int64) -> Void
    private let afterRelease: (() -> Void)?
    private var heap = DelayHeap<Element>(capacity: 64)
    var delayTicket: UInt64 = 0
    var delayTicketDueNs: Int64 = .max

    /// A line woken by `scheduler`, the timer it shares with the other lines on its loop.
    /// - Parameters:
    ///   - release: called on the loop with each element and the delivery time it was given, in (delivery time,
    ///     push order) order.
    ///   - afterRelease: called once after each batch of releases (to flush what they wrote).
    init(
        scheduler: DelayScheduler, release: @escaping (Element, Int64) -> Void, afterRelease: (() -> Void)? = nil
    ) {
        self.scheduler = scheduler
        self.release = release
        self.afterRelease = afterRelease
    }

    /// Packets waiting.
    var count: Int { self.heap.count }

    /// When the next packet is due (ns, loop clock), or nil when none waits.
    var nextDueNs: Int64? { self.heap.firstDueNs }

    /// Holds `element` until `dueNs`.
    func push(_ element: Element, dueNs: Int64) {
        self.heap.push(element, dueNs: dueNs)
        self.scheduler.wake(self, atNs: dueNs)
    }

    /// Drops everything held (the call ended).
    func cancel() {
        self.heap.removeAll()
        self.scheduler.forget(self)
    }

    func releaseDue(nowNs: Int64) {
        var released = false
        // A release may push (a reply to what it delivered) or cancel (the call ended): pop one at a time.
        while let due = self.heap.popDue(nowNs: nowNs) {
            released = true
            self.release(due.element, due.dueNs)
        }
        if released { self.afterRelease?() }
        if let next = self.heap.firstDueNs { self.scheduler.wake(self, atNs: next) }
    }
}

@available(*, unavailable)
extension DelayLine: Sendable {}
