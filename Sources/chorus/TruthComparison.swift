import ChorusAgent
import ChorusCore
import Foundation

/// How far what callers measured is from what the reference agent did, per turn (the harness's error margin).
struct TruthComparison {
    var matched: Int
    /// Measured turns with no truth record within `TruthJoin.windowNs`: an agent that far behind, or a split turn.
    var unmatched: Int
    var errors: LatencySummary
    var absErrors: LatencySummary
    /// Caller sent its end of speech → agent took it in (the agent's part of the error).
    var eosArrival: LatencySummary
    /// Agent sent its first audio → caller took it in (the harness's part).
    var firstAudioArrival: LatencySummary

    /// Pairs turns with the agent's truth (`TruthJoin`); error = measured TTFA − agent latency.
    init(sessions: [SessionResult], truth: [TruthRecord], runId: String, originNs: Int64) {
        let pairs = TruthJoin.pairs(sessions: sessions, truth: truth, runId: runId, originNs: originNs)
        self.matched = pairs.count
        self.unmatched = sessions.reduce(0) { $0 + $1.turns.count { $0.ttfaMs != nil && $0.eosMs != nil } } - pairs.count
        self.errors = LatencySummary(pairs.map(\.errorMs))
        self.absErrors = LatencySummary(pairs.map { abs($0.errorMs) })
        self.eosArrival = LatencySummary(pairs.map(\.eosArrivalMs))
        self.firstAudioArrival = LatencySummary(pairs.map(\.firstAudioArrivalMs))
    }

    var line: String {
        guard self.matched > 0, let p50 = self.errors.p50, let abs99 = self.absErrors.p99, let absMax = self.absErrors.max,
            let up99 = self.eosArrival.p99, let down99 = self.firstAudioArrival.p99
        else { return "accuracy: no turns matched the agent's ground truth" }
        return String(
            format: "accuracy vs agent ground truth (%d turns%@): error p50 %+.2f ms, |error| p99 %.2f ms, max %.2f ms;"
                + " end of speech reached the agent %.2f ms p99 after it was sent, its first audio reached the caller"
                + " %.2f ms p99 after",
            self.matched, self.unmatched > 0 ? ", \(self.unmatched) more with no agent record within 1 s" : "",
            p50, abs99, absMax, up99, down99)
    }
}
