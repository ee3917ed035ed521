import ChorusAgent
import ChorusCore
import Foundation

/// How far what callers measured is from what the reference agent did, per turn (the harness's error margin),
/// over every cell: on an impaired cell the expected TTFA adds the delays the harness's link gave the end of speech
/// and the first audio (`TruthPair.expectedMs`).
struct TruthComparison {
    /// The comparison of one cell (transport/profile) or of the whole run.
    struct Part {
        var matched: Int
        /// Measured turns with no truth record within `TruthJoin.windowNs`: an agent that far behind, or a split turn.
        var unmatched: Int
        /// Measured turns with no exact expectation: the link dropped the end of speech or the first reply frame.
        var notComparable: Int
        /// Turns whose first audio was the agent's reply to an earlier end of speech (its VAD split the utterance).
        var answeredEarlier: Int
        var errors: LatencySummary
        var absErrors: LatencySummary
        /// Link delivered the end of speech → agent took it in (the agent's part of the error).
        var eosArrival: LatencySummary
        /// Agent sent its first audio (plus the link's delay) → caller took it in (the harness's part).
        var firstAudioArrival: LatencySummary

        init(sessions: [SessionResult], join: TruthJoin.Outcome) {
            let pairs = join.pairs
            let measured = sessions.reduce(0) { $0 + $1.turns.count { $0.ttfaMs != nil && $0.eosMs != nil } }
            let comparable = sessions.reduce(0) { $0 + $1.turns.count(where: TruthJoin.isComparable) }
            self.matched = pairs.count
            self.notComparable = measured - comparable
            self.answeredEarlier = join.earlier
            self.unmatched = comparable - pairs.count - join.earlier
            self.errors = LatencySummary(pairs.map(\.errorMs))
            self.absErrors = LatencySummary(pairs.map { abs($0.errorMs) })
            self.eosArrival = LatencySummary(pairs.map(\.eosArrivalMs))
            self.firstAudioArrival = LatencySummary(pairs.map(\.firstAudioArrivalMs))
        }
    }

    var overall: Part
    /// Per cell, keyed `transport/profile`, in the order cells first appear.
    var cells: [(cell: String, part: Part)]

    /// Pairs turns with the agent's truth (`TruthJoin`); error = measured TTFA − expected TTFA.
    init(sessions: [SessionResult], truth: [TruthRecord], runId: String, originNs: Int64) {
        var order: [String] = []
        var byCell: [String: [SessionResult]] = [:]
        for s in sessions {
            let key = "\(s.transport)/\(s.networkProfile)"
            if byCell[key] == nil { order.append(key) }
            byCell[key, default: []].append(s)
        }
        var all = TruthJoin.Outcome()
        self.cells = order.map { key in
            let cellSessions = byCell[key] ?? []
            let join = TruthJoin.join(sessions: cellSessions, truth: truth, runId: runId, originNs: originNs)
            all.pairs += join.pairs
            all.earlier += join.earlier
            return (key, Part(sessions: cellSessions, join: join))
        }
        self.overall = Part(sessions: sessions, join: all)
    }

    /// The whole run's line, then one line per cell when there is more than one.
    var lines: [String] {
        var lines = [Self.line(self.overall, label: "accuracy vs agent ground truth")]
        if self.cells.count > 1 {
            lines += self.cells.map { Self.line($0.part, label: "  \($0.cell)") }
        }
        return lines
    }

    static func line(_ part: Part, label: String) -> String {
        var extras: [String] = []
        if part.unmatched > 0 { extras.append("\(part.unmatched) more with no agent record within 1 s") }
        if part.notComparable > 0 { extras.append("\(part.notComparable) not comparable: the link lost their frame") }
        if part.answeredEarlier > 0 {
            extras.append("\(part.answeredEarlier) answered by a reply to earlier speech (the agent's VAD split the utterance)")
        }
        let more = extras.isEmpty ? "" : ", " + extras.joined(separator: ", ")
        guard part.matched > 0, let p50 = part.errors.p50, let abs99 = part.absErrors.p99, let absMax = part.absErrors.max,
            let up99 = part.eosArrival.p99, let down99 = part.firstAudioArrival.p99
        else { return "\(label): no turns matched the agent's ground truth\(more)" }
        return String(
            format: "%@ (%d turns%@): error p50 %+.2f ms, |error| p99 %.2f ms, max %.2f ms; end of speech reached the"
                + " agent %.2f ms p99 after the link delivered it, its first audio reached the caller %.2f ms p99 after",
            label, part.matched, more, p50, abs99, absMax, up99, down99)
    }
}
