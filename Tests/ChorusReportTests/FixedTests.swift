@testable import ChorusReport
import Testing

@Suite("Fixed-point formatting")
struct FixedTests {
    @Test(arguments: [
        (12.3456, 3, "12.346"), (0.0004, 3, "0.000"), (-0.0004, 3, "0.000"), (-2.5, 1, "-2.5"), (1000, 0, "1000"),
        (0.1 + 0.2, 3, "0.300"), (999.9996, 3, "1000.000"), (Double.nan, 3, ""),
    ])
    func formats(value: Double, decimals: Int, expected: String) {
        #expect(Fixed.format(value, decimals) == expected)
    }

    @Test func trimmedDropsTrailingZeros() {
        #expect(Fixed.trimmed(900, 3) == "900")
        #expect(Fixed.trimmed(0.5, 3) == "0.5")
        #expect(Fixed.trimmed(1200.125, 2) == "1200.13")
    }

    @Test func niceTicksCoverTheRange() {
        let ticks = SVGPlot.ticks(0, 937)
        #expect(ticks.domain == 0...1000)
        #expect(ticks.values == [0, 200, 400, 600, 800, 1000])
        #expect(SVGPlot.ticks(0, 3, integer: true).values.allSatisfy { $0 == $0.rounded() })
    }
}
