import ChorusAgent
import ChorusCore
import Foundation

/// How far what callers measured is from what the reference agent did, per turn (the harness's error margin).
struct TruthComparison {
    var matched: Int
    var errors: LatencySummary
    var absErrors: LatencySummary

    /// Joins sessions' turns with the agent's truth by session id and turn index; error = measured TTFA − agent latency.
    init(sessions: [SessionResult], truth: [TruthRecord], runId: String) {
        var byKey: [String: TruthRecord] = [:]
        for t in truth { byKey["\(t.session)#\(t.turn)"] = t }
        var errors: [Double] = []
        for s in sessions {
            for turn in s.turns {
                guard let ttfa = turn.ttfaMs, let t = byKey["\(runId)-\(s.sessionIndex)#\(turn.turnIndex)"] else {
                    continue
                }
                errors.append(ttfa - t.latencyMs)
            }
        }
        self.matched = errors.count
        self.errors = LatencySummary(errors)
        self.absErrors = LatencySummary(errors.map(abs))
    }

    var line: String {
        guard self.matched > 0, let p50 = self.errors.p50, let abs99 = self.absErrors.p99, let absMax = self.absErrors.max
        else { return "accuracy: no turns matched the agent's ground truth" }
        return String(
            format: "accuracy vs agent ground truth (%d turns): error p50 %+.2f ms, |error| p99 %.2f ms, max %.2f ms",
            self.matched, p50, abs99, absMax)
    }
}
