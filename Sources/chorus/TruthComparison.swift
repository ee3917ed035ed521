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
    /// Scripted interruptions paired with the agent's record of the reply each cut into.
    var bargeIns: [TruthJoin.BargeInPair] = []
    /// Interrupting turns of the run (paired or not).
    var interruptions = 0

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
        self.bargeIns = TruthJoin.bargeInPairs(sessions: sessions, truth: truth, runId: runId, originNs: originNs)
        self.interruptions = sessions.reduce(0) { $0 + $1.turns.count { $0.bargeInMissed != nil } }
    }

    /// The whole run's line, then one line per cell when there is more than one.
    var lines: [String] {
        var lines = [Self.line(self.overall, label: "accuracy vs agent ground truth")]
        if self.cells.count > 1 {
            lines += self.cells.map { Self.line($0.part, label: "  \($0.cell)") }
        }
        if self.interruptions > 0 { lines.append(self.bargeInLine) }
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

    /// How the callers' barge-in numbers compare with the agent's own: latency error, leaked-audio error, and
    /// whether both saw the same misses.
    var bargeInLine: String {
        let pairs = self.bargeIns
        let unpaired = self.interruptions - pairs.count
        let more = unpaired > 0 ? ", \(unpaired) with no agent record of hearing it" : ""
        guard !pairs.isEmpty else { return "barge-in vs agent ground truth: no interruption matched\(more)" }
        let errors = LatencySummary(pairs.compactMap(\.errorMs))
        let absErrors = LatencySummary(pairs.compactMap(\.errorMs).map(abs))
        let leaked = LatencySummary(pairs.map { abs($0.leakedErrorMs) })
        let truth = LatencySummary(pairs.compactMap(\.truth.bargeInMs))
        let disagree = pairs.count { !$0.missedAgrees }
        var text = "barge-in vs agent ground truth (\(pairs.count) interruptions\(more)): "
        if let p50 = errors.p50, let abs99 = absErrors.p99, let agent = truth.p50 {
            text += String(format: "error p50 %+.2f ms, |error| p99 %.2f ms (agent stopped %.1f ms p50 after hearing it); ", p50, abs99, agent)
        }
        text += String(format: "leaked audio |error| p99 %.1f ms; ", leaked.p99 ?? 0)
        text += disagree == 0 ? "missed flags agree" : "\(disagree) missed flags disagree with the agent"
        return text
    }
}
