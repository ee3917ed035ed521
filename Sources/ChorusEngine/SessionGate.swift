import NIOConcurrencyHelpers

/// Numbers a run's sessions and admits each against the run's caps in one atomic step.
///
/// The check against a cap and the count of running sessions live under one lock, so sessions arriving at
/// the same time can never together pass a cap that each of them alone would respect.
final class SessionGate: Sendable {
    /// What the gate decided for one session; each carries the session's index in the run.
    enum Admission: Sendable, Hashable {
        /// Counted as running; the caller must `finish()` it once it ends.
        case admitted(index: Int)
        /// `load.max_concurrency` sessions were already running: stored as `dropped`.
        case overConcurrency(index: Int)
        /// The open-file limit leaves no room for another call: stored as `connect_failed`.
        case overOpenFiles(index: Int)
    }

    private struct State {
        var nextSession = 0
        var running = 0
        var dropped = 0
    }

    /// Calls that may be in progress at once before the open-file limit is reached; nil for no limit.
    let maxOpenCalls: Int?
    private let state = NIOLockedValueBox(State())

    init(maxOpenCalls: Int?) {
        self.maxOpenCalls = maxOpenCalls
    }

    /// Numbers the next session and, if both caps leave room, counts it as running.
    /// - Parameter maxConcurrency: the open model's `load.max_concurrency`; nil for no cap.
    func admit(maxConcurrency: Int? = nil) -> Admission {
        self.state.withLockedValue { s in
            let index = s.nextSession
            s.nextSession += 1
            if let cap = maxConcurrency, s.running >= cap {
                s.dropped += 1
                return .overConcurrency(index: index)
            }
            if let cap = self.maxOpenCalls, s.running >= cap { return .overOpenFiles(index: index) }
            s.running += 1
            return .admitted(index: index)
        }
    }

    /// Ends an admitted session, making room for another.
    func finish() {
        self.state.withLockedValue { s in
            precondition(s.running > 0, "finish() without an admitted session")
            s.running -= 1
        }
    }

    /// Sessions admitted and not yet finished.
    var running: Int { self.state.withLockedValue { $0.running } }

    /// Sessions turned away by `load.max_concurrency` so far.
    var dropped: Int { self.state.withLockedValue { $0.dropped } }
}
