// MARK: - Chart parts: frame, legend, grid and axes

extension HTMLReport {
    static func svgOpen(_ plot: SVGPlot, title: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(SVGPlot.n(SVGPlot.width)) \(SVGPlot.n(plot.height))\" role=\"img\">"
            + "<title>\(HTML.escape(title))</title>"
    }

    /// What stands where a chart has nothing to draw; `no-chart` lets a reader (or a browser check) find it.
    static func emptyChart(_ message: String) -> String {
        "<p class=\"empty no-chart\">\(HTML.escape(message))</p>"
    }

    /// Lays the legend out in rows above the plot area, moving the plot's top down to make room.
    static func legend(_ entries: [LegendEntry], plot: inout SVGPlot) -> String {
        var svg = "<g class=\"legend\">"
        var x = plot.plotLeft
        var row = 0
        for entry in entries {
            let width = 30 + Double(entry.label.count) * 6.4 + 18
            if x + width > plot.plotRight && x > plot.plotLeft {
                row += 1
                x = plot.plotLeft
            }
            let y = 14 + Double(row) * 18
            if entry.area {
                svg += "<rect x=\"\(SVGPlot.n(x))\" y=\"\(SVGPlot.n(y - 6))\" width=\"22\" height=\"12\" rx=\"2\" fill=\"\(entry.color)\" opacity=\"0.3\"/>"
            } else {
                svg += "<line class=\"series\(entry.dashed ? " dashed" : "")\" stroke=\"\(entry.color)\" x1=\"\(SVGPlot.n(x))\" x2=\"\(SVGPlot.n(x + 22))\" y1=\"\(SVGPlot.n(y))\" y2=\"\(SVGPlot.n(y))\"/>"
            }
            svg += "<text x=\"\(SVGPlot.n(x + 30))\" y=\"\(SVGPlot.n(y))\" dy=\"0.32em\">\(HTML.escape(entry.label))</text>"
            x += width
        }
        plot.top = 14 + Double(row) * 18 + 22
        plot.height += Double(row) * 18
        return svg + "</g>"
    }

    static func yGrid(_ plot: SVGPlot, ticks: [Double], label: (Double) -> String, title: String) -> String {
        var svg = "<g class=\"grid\">"
        for v in ticks {
            let y = SVGPlot.n(plot.y(v))
            svg += "<line x1=\"\(SVGPlot.n(plot.plotLeft))\" x2=\"\(SVGPlot.n(plot.plotRight))\" y1=\"\(y)\" y2=\"\(y)\"/>"
            svg += "<text class=\"tick\" x=\"\(SVGPlot.n(plot.plotLeft - 8))\" y=\"\(y)\" dy=\"0.32em\" text-anchor=\"end\">\(label(v))</text>"
        }
        svg += "</g>"
        return svg + Self.axisTitle(title, x: 14, y: (plot.plotTop + plot.plotBottom) / 2)
    }

    /// The ticks of a right-hand axis for values up to `max` that shares the left axis's gridlines: as many
    /// intervals as `left` has, each a round step of its own.
    static func rightAxis(sharing left: [Double], max: Double) -> (values: [Double], domain: ClosedRange<Double>) {
        let intervals = Swift.max(1, left.count - 1)
        let step = SVGPlot.niceStep(Swift.max(max, 1) / Double(intervals))
        return ((0...intervals).map { Double($0) * step }, 0...(Double(intervals) * step))
    }

    /// The labels and title of a right-hand axis (its gridlines are the left axis's).
    static func rightLabels(_ plot: SVGPlot, axis: (values: [Double], domain: ClosedRange<Double>), title: String) -> String {
        var svg = ""
        for v in axis.values {
            let y = SVGPlot.n(plot.y(v, domain: axis.domain))
            svg += "<text class=\"tick\" x=\"\(SVGPlot.n(plot.plotRight + 6))\" y=\"\(y)\" dy=\"0.32em\">\(SVGPlot.label(v))</text>"
        }
        return svg + Self.axisTitle(title, x: SVGPlot.width - 10, y: (plot.plotTop + plot.plotBottom) / 2)
    }

    static func xAxis(_ plot: SVGPlot, ticks: [Double], title: String) -> String {
        Self.xAxis(plot, labelled: ticks.map { ($0, SVGPlot.label($0)) }, title: title)
    }

    static func xAxis(_ plot: SVGPlot, labelled ticks: [(Double, String)], title: String) -> String {
        var svg = "<g class=\"grid\">"
        for (v, label) in ticks {
            let x = SVGPlot.n(plot.x(v))
            svg += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(SVGPlot.n(plot.plotTop))\" y2=\"\(SVGPlot.n(plot.plotBottom))\"/>"
            svg += "<text class=\"tick\" x=\"\(x)\" y=\"\(SVGPlot.n(plot.plotBottom + 16))\" text-anchor=\"middle\">\(HTML.escape(label))</text>"
        }
        svg += "</g><line class=\"axis\" x1=\"\(SVGPlot.n(plot.plotLeft))\" x2=\"\(SVGPlot.n(plot.plotRight))\" "
        svg += "y1=\"\(SVGPlot.n(plot.plotBottom))\" y2=\"\(SVGPlot.n(plot.plotBottom))\"/>"
        let mid = SVGPlot.n((plot.plotLeft + plot.plotRight) / 2)
        svg += "<text class=\"axistitle\" x=\"\(mid)\" y=\"\(SVGPlot.n(plot.height - 8))\" text-anchor=\"middle\">\(HTML.escape(title))</text>"
        return svg
    }

    static func axisTitle(_ title: String, x: Double, y: Double) -> String {
        "<text class=\"axistitle\" text-anchor=\"middle\" transform=\"translate(\(SVGPlot.n(x)) \(SVGPlot.n(y))) rotate(-90)\">"
            + "\(HTML.escape(title))</text>"
    }
}
