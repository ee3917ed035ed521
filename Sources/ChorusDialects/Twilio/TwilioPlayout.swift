/// What Twilio does with an agent's audio and marks: one FIFO played out at 8 000 µ-law bytes per second.
///
/// Pure bookkeeping, driven by the caller's clock: queue what the agent sends, call `play(byteCount:)` as time
/// passes (8 bytes per elapsed millisecond), and echo the marks it returns with `TwilioMediaStreamsCaller.mark`.
/// A mark returns once every byte queued before it has played, at once if nothing was queued, and on `clear`.
public struct TwilioPlayout: Sendable {
    private enum Entry: Sendable {
        case audio(Int)
        case mark(String)
    }

    /// Bytes of G.711 per millisecond.
    public static let bytesPerMillisecond = 8

    // Invariant: the entry at `head`, if any, is audio (marks with nothing before them are returned at once).
    private var entries: [Entry] = []
    private var head = 0
    /// Audio bytes queued and not yet played.
    public private(set) var queuedBytes = 0

    public init() {}

    /// Milliseconds of queued audio.
    public var queuedMilliseconds: Int { self.queuedBytes / Self.bytesPerMillisecond }

    /// Queues `byteCount` bytes of agent audio.
    public mutating func enqueueAudio(byteCount: Int) {
        guard byteCount > 0 else { return }
        self.entries.append(.audio(byteCount))
        self.queuedBytes += byteCount
    }

    /// Queues a mark; returns `[name]` when no audio is waiting (it is due at once), else `[]`.
    public mutating func enqueueMark(_ name: String) -> [String] {
        guard self.head < self.entries.count else { return [name] }
        self.entries.append(.mark(name))
        return []
    }

    /// Plays up to `byteCount` bytes; returns the marks reached, in order. Playing an empty queue does nothing.
    public mutating func play(byteCount: Int) -> [String] {
        var remaining = byteCount
        var reached: [String] = []
        while self.head < self.entries.count {
            switch self.entries[self.head] {
            case .mark(let name):
                reached.append(name)
                self.head += 1
            case .audio(let bytes):
                guard remaining > 0 else { return self.compacted(reached) }
                let taken = min(bytes, remaining)
                remaining -= taken
                self.queuedBytes -= taken
                if taken == bytes {
                    self.head += 1
                } else {
                    self.entries[self.head] = .audio(bytes - taken)
                }
            }
        }
        return self.compacted(reached)
    }

    /// Drops all queued audio; returns every pending mark, in order (Twilio echoes them on `clear`).
    public mutating func clear() -> [String] {
        let marks = self.entries[self.head...].compactMap { entry -> String? in
            if case .mark(let name) = entry { return name }
            return nil
        }
        self.entries.removeAll(keepingCapacity: true)
        self.head = 0
        self.queuedBytes = 0
        return marks
    }

    private mutating func compacted(_ reached: [String]) -> [String] {
        if self.head == self.entries.count {
            self.entries.removeAll(keepingCapacity: true)
            self.head = 0
        } else if self.head > 64 && self.head * 2 > self.entries.count {
            self.entries.removeFirst(self.head)
            self.head = 0
        }
        return reached
    }
}
