/// The part of a run in which every caller was in a call and none was setting up or hanging up: what the harness
/// costs per frame of media, apart from what each call costs to open and close (a TCP and WebSocket handshake, or
/// WebRTC's signalling, ICE and DTLS), which short sessions would otherwise spread over their few frames.
public struct SteadyState: Sendable, Equatable {
    /// What the monitor saw in one of its intervals.
    public struct Interval: Sendable, Equatable {
        public var seconds: Double
        /// Process CPU time used in the interval.
        public var cpuSeconds: Double
        /// Frames sent plus received.
        public var frames: UInt64
        /// Calls in progress at the interval's end.
        public var activeSessions: Int
        /// Calls that began streaming, and calls that ended, in the interval.
        public var sessionsOpened: Int
        public var sessionsEnded: Int

        public init(
            seconds: Double, cpuSeconds: Double, frames: UInt64, activeSessions: Int, sessionsOpened: Int,
            sessionsEnded: Int
        ) {
            self.seconds = seconds
            self.cpuSeconds = cpuSeconds
            self.frames = frames
            self.activeSessions = activeSessions
            self.sessionsOpened = sessionsOpened
            self.sessionsEnded = sessionsEnded
        }
    }

    /// Length of the steady intervals together, seconds.
    public var seconds: Double
    public var cpuSeconds: Double
    public var frames: UInt64

    /// Process CPU per frame sent or received in steady state, µs.
    public var cpuUsPerFrame: Double { self.frames > 0 ? self.cpuSeconds * 1e6 / Double(self.frames) : 0 }

    /// The steady intervals of a run: at its peak number of calls, with no call opened or ended in the interval
    /// or in the ones either side of it (a handshake begins before its call opens and may outlast an interval's
    /// edge), and never the first (the run starts in it). Nil when fewer than two intervals qualify: the run never
    /// settled (an open-model run, whose calls come and go all the time, or one too short).
    public static func of(_ intervals: [Interval]) -> SteadyState? {
        guard let peak = intervals.map(\.activeSessions).max(), peak > 0 else { return nil }
        func quiet(_ i: Int) -> Bool {
            !intervals.indices.contains(i) || (intervals[i].sessionsOpened == 0 && intervals[i].sessionsEnded == 0)
        }
        var steady = SteadyState(seconds: 0, cpuSeconds: 0, frames: 0)
        var count = 0
        for (i, interval) in intervals.enumerated()
        where i > 0 && interval.activeSessions == peak && quiet(i - 1) && quiet(i) && quiet(i + 1) {
            steady.seconds += interval.seconds
            steady.cpuSeconds += interval.cpuSeconds
            steady.frames += interval.frames
            count += 1
        }
        return count >= 2 ? steady : nil
    }
}
