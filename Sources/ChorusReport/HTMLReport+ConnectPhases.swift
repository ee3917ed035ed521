import ChorusCore

extension HTMLReport {
    /// Where WebRTC calls spent their connect time, per cell: one stacked bar of the medians (signalling, ICE, DTLS,
    /// first media) and a table with p50 and p95 of each; empty when no session of the run measured them.
    static func connectPhasesSection(_ report: RunReport) -> String {
        var byCell: [CellKey: [ConnectPhases]] = [:]
        for session in report.sessions {
            guard let phases = session.connectPhases else { continue }
            byCell[CellKey(session), default: []].append(phases)
        }
        guard !byCell.isEmpty else { return "" }
        let keys = byCell.keys.sorted()
        let labels = CellKey.shortLabels(keys)
        let parts: [(name: String, color: String, value: (ConnectPhases) -> Double?)] = [
            ("signalling", "#4e79a7", { $0.signallingMs }), ("ICE", "#f28e2b", { $0.iceMs }),
            ("DTLS", "#59a14f", { $0.dtlsMs }), ("first media", "#b07aa1", { $0.firstMediaMs }),
        ]
        // The bar is the connect time (the three set-up steps); the agent's first media waits on the agent (the
        // reference agent is silent until its first reply), so it is in the table only.
        let barParts = Array(parts.prefix(3))
        let medians: [CellKey: [Double]] = keys.reduce(into: [:]) { out, key in
            out[key] = barParts.map { part in
                LatencySummary(byCell[key]!.compactMap(part.value)).p50 ?? 0
            }
        }
        let widest = max(1, medians.values.map { $0.reduce(0, +) }.max() ?? 1)
        // One bar per cell, the medians end to end: the picture says which step dominates.
        let labelWidth = 280.0
        let plotWidth = 520.0
        let rowHeight = 26.0
        let height = Double(keys.count) * rowHeight + 34
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(labelWidth + plotWidth + 70)) \(Int(height))\" role=\"img\" "
        svg += "aria-label=\"median WebRTC set-up time per cell, by step\">"
        for (row, key) in keys.enumerated() {
            let y = Double(row) * rowHeight + 4
            svg += "<text x=\"\(Int(labelWidth - 8))\" y=\"\(Fixed.format(y + 15, 1))\" text-anchor=\"end\" font-size=\"12\">"
            svg += "\(HTML.escape(labels[key] ?? key.label))</text>"
            var x = labelWidth
            for (index, value) in (medians[key] ?? []).enumerated() where value > 0 {
                let width = value / widest * plotWidth
                // A path of class band, as the report's other plotted areas are.
                svg += "<path class=\"band bar\" d=\"M\(Fixed.format(x, 1)) \(Fixed.format(y, 1))h\(Fixed.format(width, 1))v18"
                svg += "h-\(Fixed.format(width, 1))Z\" fill=\"\(barParts[index].color)\"><title>\(barParts[index].name) p50 "
                svg += "\(Fixed.format(value, 1)) ms</title></path>"
                x += width
            }
            let total = (medians[key] ?? []).reduce(0, +)
            svg += "<text x=\"\(Fixed.format(x + 6, 1))\" y=\"\(Fixed.format(y + 14, 1))\" font-size=\"12\">\(Fixed.format(total, 1)) ms</text>"
        }
        var legendX = labelWidth
        let legendY = Double(keys.count) * rowHeight + 18
        for part in barParts {
            svg += "<rect x=\"\(Fixed.format(legendX, 1))\" y=\"\(Fixed.format(legendY - 9, 1))\" width=\"10\" height=\"10\" fill=\"\(part.color)\"/>"
            svg += "<text x=\"\(Fixed.format(legendX + 14, 1))\" y=\"\(Fixed.format(legendY, 1))\" font-size=\"12\">\(part.name)</text>"
            legendX += 110
        }
        svg += "</svg>"
        let head = "<th>sessions</th>" + parts.map { "<th>\($0.name) p50</th><th>p95</th>" }.joined()
        let table = Self.perCellTable(byCell, head: head) { phases in
            "<td>\(phases.count)</td>" + parts.map { part in
                let summary = LatencySummary(phases.compactMap(part.value))
                return "<td>\(HTML.ms(summary.p50))</td><td>\(HTML.ms(summary.p95))</td>"
            }.joined()
        }
        return Self.section(
            "WebRTC set-up", id: "webrtc-setup",
            note: "Where WebRTC calls spent their connect time: the offer/answer exchange, ICE to the first nominated "
                + "pair, then the DTLS handshake (bars: medians, end to end). First media is the agent's first packet "
                + "after the keys, which waits on the agent itself.",
            body: svg + table)
    }
}
