import NIOCore

/// Packets held back by an impaired link until their delivery time, released in delivery order on the loop.
///
/// A binary heap keyed by (delivery time, arrival order), so jitter can reorder packets and equal times keep
/// their order. One scheduled callback at the earliest delivery time; the heap's storage only grows, so a
/// steady stream allocates nothing once warmed up. Confined to its event loop.
final class DelayLine<Element>: NIOScheduledCallbackHandler {
    private struct Entry {
        var dueNs: Int64
        var order: UInt64
        var element: Element
    }

    private let eventLoop: any EventLoop
    private let release: (Element, Int64) -> Void
    private var heap: [Entry] = []
    private var counter: UInt64 = 0
    private var callback: NIOScheduledCallback?
    private var scheduledNs: Int64 = .max

    /// - Parameter release: called on the loop with each element and the delivery time it was given.
    init(eventLoop: any EventLoop, release: @escaping (Element, Int64) -> Void) {
        self.eventLoop = eventLoop
        self.release = release
        self.heap.reserveCapacity(64)
    }

    /// Packets waiting.
    var count: Int { self.heap.count }

    /// Holds `element` until `dueNs`.
    func push(_ element: Element, dueNs: Int64) {
        self.counter &+= 1
        self.heap.append(Entry(dueNs: dueNs, order: self.counter, element: element))
        self.siftUp(self.heap.count - 1)
        if dueNs < self.scheduledNs { self.schedule(at: dueNs) }
    }

    /// Drops everything held (the call ended).
    func cancel() {
        if let callback = self.callback { self.eventLoop.assumeIsolated().cancelScheduledCallback(callback) }
        self.callback = nil
        self.scheduledNs = .max
        self.heap.removeAll(keepingCapacity: true)
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        self.callback = nil
        self.scheduledNs = .max
        let nowNs = Int64(self.eventLoop.now.uptimeNanoseconds)
        while let first = self.heap.first, first.dueNs <= nowNs {
            let entry = self.popFirst()
            self.release(entry.element, entry.dueNs)
        }
        if let first = self.heap.first { self.schedule(at: first.dueNs) }
    }

    private func schedule(at dueNs: Int64) {
        if let callback = self.callback { self.eventLoop.assumeIsolated().cancelScheduledCallback(callback) }
        self.scheduledNs = dueNs
        let at = NIODeadline.uptimeNanoseconds(UInt64(max(0, dueNs)))
        self.callback = try? self.eventLoop.assumeIsolated().scheduleCallback(at: at, handler: self)
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let x = self.heap[a], y = self.heap[b]
        return x.dueNs < y.dueNs || (x.dueNs == y.dueNs && x.order < y.order)
    }

    private func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            guard self.less(i, parent) else { return }
            self.heap.swapAt(i, parent)
            i = parent
        }
    }

    private func popFirst() -> Entry {
        let first = self.heap[0]
        let last = self.heap.removeLast()
        if !self.heap.isEmpty {
            self.heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < self.heap.count && self.less(l, m) { m = l }
                if r < self.heap.count && self.less(r, m) { m = r }
                if m == i { break }
                self.heap.swapAt(i, m)
                i = m
            }
        }
        return first
    }
}

@available(*, unavailable)
extension DelayLine: Sendable {}
