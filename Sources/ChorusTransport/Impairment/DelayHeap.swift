/// A binary min-heap of elements keyed by (due time, push order): equal due times keep their push order.
///
/// The storage of the delay lines and of the scheduler. Pushing and popping use only `Array`'s own members (count,
/// subscript, append, remove(at:)), no generic collection algorithms: where it runs unspecialized (in a generic
/// type reached through a protocol or a vtable, as `DelayLine` is) those go through a read coroutine that
/// allocates for an element of unknown size, on every access.
struct DelayHeap<Element> {
    private struct Entry {
        var dueNs: Int64
        var order: UInt64
        var element: Element
    }

    private var entries: [Entry] = []
    private var counter: UInt64 = 0

    /// An empty heap with room for `capacity` elements.
    init(capacity: Int) {
        self.entries.reserveCapacity(capacity)
    }

    /// Elements held.
    var count: Int { self.entries.count }

    /// The earliest due time, or nil when empty.
    var firstDueNs: Int64? { self.entries.count > 0 ? self.entries[0].dueNs : nil }

    /// Adds `element` due at `dueNs`; returns its place in the push order (unique in this heap, never 0).
    @discardableResult
    mutating func push(_ element: Element, dueNs: Int64) -> UInt64 {
        self.counter &+= 1
        self.entries.append(Entry(dueNs: dueNs, order: self.counter, element: element))
        var i = self.entries.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard self.less(i, parent) else { break }
            self.swap(i, parent)
            i = parent
        }
        return self.counter
    }

    /// Removes and returns the earliest element, with its due time and push order, if it is due at or before
    /// `nowNs`.
    mutating func popDue(nowNs: Int64) -> (element: Element, dueNs: Int64, order: UInt64)? {
        guard self.entries.count > 0, self.entries[0].dueNs <= nowNs else { return nil }
        let last = self.entries.count - 1
        self.swap(0, last)
        let first = self.entries.remove(at: last)
        self.siftDown(0)
        return (first.element, first.dueNs, first.order)
    }

    /// Removes every element, keeping the storage.
    mutating func removeAll() {
        self.entries.removeAll(keepingCapacity: true)
    }

    /// Removes the elements `shouldRemove` picks. Linear, and a generic algorithm: for rare events (a channel
    /// closing), from code that knows `Element`.
    mutating func removeAll(where shouldRemove: (Element) -> Bool) {
        let before = self.entries.count
        self.entries.removeAll { shouldRemove($0.element) }
        guard self.entries.count != before else { return }
        var i = self.entries.count / 2
        while i > 0 {
            i -= 1
            self.siftDown(i)
        }
    }

    private mutating func siftDown(_ index: Int) {
        let count = self.entries.count
        var i = index
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < count && self.less(l, m) { m = l }
            if r < count && self.less(r, m) { m = r }
            if m == i { return }
            self.swap(i, m)
            i = m
        }
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let (x, y) = (self.entries[a].dueNs, self.entries[b].dueNs)
        return x < y || (x == y && self.entries[a].order < self.entries[b].order)
    }

    private mutating func swap(_ a: Int, _ b: Int) {
        guard a != b else { return }
        let t = self.entries[a]
        self.entries[a] = self.entries[b]
        self.entries[b] = t
    }
}
