/// The geometry of one SVG chart: its size, the plot area, and the linear scales of both axes.
///
/// Charts are drawn in a fixed 760-unit-wide coordinate system and scaled to the page by CSS.
struct SVGPlot {
    static let width = 760.0
    static let palette = [
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac",
    ]

    var height: Double
    var left = 64.0
    var right = 24.0
    var top = 16.0
    var bottom = 46.0
    var xDomain: ClosedRange<Double>
    var yDomain: ClosedRange<Double>

    var plotLeft: Double { self.left }
    var plotRight: Double { Self.width - self.right }
    var plotTop: Double { self.top }
    var plotBottom: Double { self.height - self.bottom }

    /// The horizontal position of data value `v`.
    func x(_ v: Double) -> Double {
        let span = self.xDomain.upperBound - self.xDomain.lowerBound
        guard span > 0 else { return (self.plotLeft + self.plotRight) / 2 }
        return self.plotLeft + (v - self.xDomain.lowerBound) / span * (self.plotRight - self.plotLeft)
    }

    /// The vertical position of data value `v` (up is larger).
    func y(_ v: Double) -> Double {
        Self.position(v, in: self.yDomain, from: self.plotBottom, to: self.plotTop)
    }

    /// The vertical position of `v` on a secondary axis with its own domain.
    func y(_ v: Double, domain: ClosedRange<Double>) -> Double {
        Self.position(v, in: domain, from: self.plotBottom, to: self.plotTop)
    }

    private static func position(_ v: Double, in domain: ClosedRange<Double>, from a: Double, to b: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0 else { return (a + b) / 2 }
        return a + (v - domain.lowerBound) / span * (b - a)
    }

    /// An SVG number: one decimal is finer than a pixel.
    static func n(_ v: Double) -> String { Fixed.format(v, 1) }

    /// A path through `points` (data coordinates), using `y` for the vertical scale.
    func path(_ points: [(Double, Double)], y: (Double) -> Double) -> String {
        var d = ""
        for (i, p) in points.enumerated() {
            d += (i == 0 ? "M" : "L") + Self.n(self.x(p.0)) + "," + Self.n(y(p.1))
        }
        return d
    }

    // MARK: - Ticks

    /// Round tick values covering `low...high` (about `count` of them), and the domain they span.
    static func ticks(_ low: Double, _ high: Double, count: Int = 6, integer: Bool = false) -> (
        values: [Double], domain: ClosedRange<Double>
    ) {
        var lo = low, hi = high
        if !(hi > lo) { hi = lo + (integer ? 1 : 1) }
        var step = Self.niceStep((hi - lo) / Double(max(1, count - 1)))
        if integer { step = max(1, step.rounded(.up)) }
        lo = (lo / step).rounded(.down) * step
        hi = (hi / step).rounded(.up) * step
        var values: [Double] = []
        var v = lo
        while v <= hi + step / 2 {
            values.append(v)
            v += step
        }
        return (values, lo...hi)
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= rough { magnitude *= 10 }
        while magnitude > rough { magnitude /= 10 }
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] where m * magnitude >= rough { return m * magnitude }
        return 10 * magnitude
    }

    /// A tick label: no decimals for whole numbers, otherwise as few as the step needs.
    static func label(_ v: Double) -> String {
        if v == v.rounded() { return Fixed.format(v, 0) }
        return abs(v * 10 - (v * 10).rounded()) < 1e-9 ? Fixed.format(v, 1) : Fixed.format(v, 2)
    }
}
