import ChorusCore

extension HTMLReport {
    /// Scripted interruptions per cell (`session.barge_in`): how many, barge-in latency p50/p95, stop signal p50,
    /// leaked audio, missed rate and the interrupting turns' answers; empty when the run scripted none.
    static func bargeInSection(_ report: RunReport) -> String {
        var byCell: [CellKey: [TurnResult]] = [:]
        for session in report.sessions {
            let interrupting = session.turns.filter { $0.bargeInMissed != nil }
            guard !interrupting.isEmpty else { continue }
            byCell[CellKey(session), default: []].append(contentsOf: interrupting)
        }
        guard !byCell.isEmpty else { return "" }
        let head = "<th>interruptions</th><th>barge-in p50</th><th>p95</th><th>stop signal p50</th><th>leaked p50</th>"
            + "<th>leaked p95</th><th>missed</th><th>answered</th><th>answer TTFA p50</th>"
        let table = Self.perCellTable(byCell, head: head) { turns in
            let latency = LatencySummary(turns.compactMap(\.bargeInMs))
            let stop = LatencySummary(turns.compactMap(\.bargeInStopMs))
            let leaked = LatencySummary(turns.compactMap(\.leakedAudioMs))
            let missed = turns.filter { $0.bargeInMissed == true }.count
            let answered = turns.filter { $0.outcome == .ok && $0.ttfaMs != nil }
            return "<td>\(turns.count)</td><td>\(HTML.ms(latency.p50))</td><td>\(HTML.ms(latency.p95))</td>"
                + "<td>\(HTML.ms(stop.p50))</td><td>\(HTML.ms(leaked.p50))</td><td>\(HTML.ms(leaked.p95))</td>"
                + "<td>\(HTML.share(missed, of: turns.count))</td><td>\(HTML.share(answered.count, of: turns.count))</td>"
                + "<td>\(HTML.ms(LatencySummary(answered.compactMap(\.ttfaMs)).p50))</td>"
        }
        return Self.section(
            "Barge-in", id: "bargein",
            note: "Scripted interruptions: the caller spoke over the agent's answer. Barge-in latency is the "
                + "interrupting speech start to the last audio received of the answer it cut into (interruptions "
                + "the agent stopped for); the stop signal is the agent's end-of-answer message, where the dialect "
                + "has one. Leaked: answer audio received after the speech start. Missed: the agent talked on. "
                + "Answered: the interrupting utterance got an answer of its own (its TTFA).",
            body: table)
    }
}
