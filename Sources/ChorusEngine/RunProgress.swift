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

    private let state = NIOLockedValueBox<(snapshot: Snapshot, ttfa: [Double])>((Snapshot(), []))

    public init() {}

    public func add(_ session: SessionResult) {
        self.state.withLockedValue { state in
            state.snapshot.sessionsDone += 1
            for turn in session.turns where turn.outcome != .interrupted {
                state.snapshot.turnsDone += 1
                if turn.outcome == .ok { state.snapshot.turnsOk += 1 }
                if turn.outcome.isError { state.snapshot.errors += 1 }
                if let t = turn.ttfaMs { state.ttfa.append(t) }
            }
            if session.turns.isEmpty && session.outcome.isError { state.snapshot.errors += 1 }
        }
    }

    public var snapshot: Snapshot {
        self.state.withLockedValue { state in
            var s = state.snapshot
            let sorted = state.ttfa.sorted()
            s.ttfaP50 = LatencySummary.percentile(sorted, 50)
            s.ttfaP95 = LatencySummary.percentile(sorted, 95)
            return s
        }
    }
}
