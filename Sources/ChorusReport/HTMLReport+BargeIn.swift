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
        let keys = byCell.keys.sorted()
        let labels = CellKey.shortLabels(keys)
        var table = "<table class=\"num compact\"><thead><tr><th class=\"l\">cell</th><th>interruptions</th>"
        table += "<th>barge-in p50</th><th>p95</th><th>stop signal p50</th><th>leaked p50</th><th>leaked p95</th>"
        table += "<th>missed</th><th>answered</th><th>answer TTFA p50</th></tr></thead><tbody>"
        for key in keys {
            let turns = byCell[key] ?? []
            let latency = LatencySummary(turns.compactMap(\.bargeInMs))
            let stop = LatencySummary(turns.compactMap(\.bargeInStopMs))
            let leaked = LatencySummary(turns.compactMap(\.leakedAudioMs))
            let missed = turns.filter { $0.bargeInMissed == true }.count
            let answered = turns.filter { $0.outcome == .ok && $0.ttfaMs != nil }
            table += "<tr><th class=\"l\">\(HTML.escape(labels[key] ?? key.label))</th><td>\(turns.count)</td>"
            table += "<td>\(HTML.ms(latency.p50))</td><td>\(HTML.ms(latency.p95))</td><td>\(HTML.ms(stop.p50))</td>"
            table += "<td>\(HTML.ms(leaked.p50))</td><td>\(HTML.ms(leaked.p95))</td>"
            table += "<td>\(Self.percent(missed, of: turns.count))</td>"
            table += "<td>\(Self.percent(answered.count, of: turns.count))</td>"
            table += "<td>\(HTML.ms(LatencySummary(answered.compactMap(\.ttfaMs)).p50))</td></tr>"
        }
        table += "</tbody></table>"
        return Self.section(
            "Barge-in", id: "bargein",
            note: "Scripted interruptions: the caller spoke over the agent's answer. Barge-in latency is the "
                + "interrupting speech start to the last audio received of the answer it cut into (interruptions "
                + "the agent stopped for); the stop signal is the agent's end-of-answer message, where the dialect "
                + "has one. Leaked: answer audio received after the speech start. Missed: the agent talked on. "
                + "Answered: the interrupting utterance got an answer of its own (its TTFA).",
            body: table)
    }

    /// `count` of `total` as a percentage with one decimal, or a dash for none.
    private static func percent(_ count: Int, of total: Int) -> String {
        total > 0 ? Fixed.format(Double(count) * 100 / Double(total), 1) + " %" : "—"
    }
}
