/// A caller's absolute frame schedule: frame k is due at `startNs + k × frameNs`, never "20 ms after the last".
///
/// Shared by every transport's caller so pacing, backlog and lateness work the same way everywhere.
struct FrameGrid {
    /// At most this many overdue frames go out in one wake-up (a second's worth at 20 ms).
    static let maxBurst = 50

    private(set) var startNs: Int64 = 0
    private(set) var tick: Int64 = 0
    let frameNs: Int64

    init(frameNs: Int64) {
        self.frameNs = frameNs
    }

    /// Starts the grid with frame 0 due at `startNs`.
    mutating func start(at startNs: Int64) {
        self.startNs = startNs
        self.tick = 0
    }

    /// The deadline of the next frame if it is due by `nowNs` and the burst allows another; a late wake-up
    /// therefore sends its backlog at once, as a socket would.
    func nextDue(nowNs: Int64, sentSoFar: Int) -> Int64? {
        let deadline = self.startNs + self.tick * self.frameNs
        return deadline <= nowNs && sentSoFar < Self.maxBurst ? deadline : nil
    }

    /// Moves on to the next frame.
    mutating func advance() { self.tick += 1 }
}
