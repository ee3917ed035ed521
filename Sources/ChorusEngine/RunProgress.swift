import ChorusCore
import NIOConcurrencyHelpers

/// Running totals of a run for the live progress line; updated once per finished session, never per frame.
public final class RunProgress: Sendable {
    /// A consistent copy of the totals.
    public struct Snapshot: Sendable {
        public var sessionsDone = 0
        public var turnsDone = 0
        public var turnsOk = 0
        public var errors = 0
        public var ttfaP50: Double?
        public var ttfaP95: Double?
    }

    // TTFA in µs in a fixed-size histogram (within 0.2 %): a soak run's progress costs the same memory at hour one
    // as at minute one.
    private let state = NIOLockedValueBox<(snapshot: Snapshot, ttfa: LatencyHistogram)>((Snapshot(), LatencyHistogram()))

    public init() {}

    public func add(_ session: SessionResult) {
        self.state.withLockedValue { state in
            state.snapshot.sessionsDone += 1
            for turn in session.turns where turn.outcome != .interrupted {
                state.snapshot.turnsDone += 1
                if turn.outcome == .ok { state.snapshot.turnsOk += 1 }
                if turn.outcome.isError { state.snapshot.errors += 1 }
                if let t = turn.ttfaMs, t.isFinite { state.ttfa.record(Int64((t * 1000).rounded())) }
            }
            if session.turns.isEmpty && session.outcome.isError { state.snapshot.errors += 1 }
        }
    }

    public var snapshot: Snapshot {
        self.state.withLockedValue { state in
            var s = state.snapshot
            if state.ttfa.count > 0 {
                s.ttfaP50 = Double(state.ttfa.value(atPercentile: 50)) / 1000
                s.ttfaP95 = Double(state.ttfa.value(atPercentile: 95)) / 1000
            }
            return s
        }
    }
}
