import Foundation

/// Times small operations in process CPU time, so other work on a shared machine does not inflate them.
///
/// Each case is calibrated to about 40 ms of CPU per round and run for `rounds` rounds; the fastest round is
/// reported (noise only ever adds time). Every result feeds a checksum that is printed, so nothing is optimized away.
struct Bench {
    var rounds = 7
    var roundNs: Int64 = 40_000_000
    private(set) var checksum = 0

    /// Nanoseconds of CPU per call of `body`, and prints it under `name`.
    @discardableResult
    mutating func measure(_ name: String, _ body: () -> Int) -> Double {
        var iterations = 1
        while true {
            let ns = self.time(iterations, body)
            if ns >= self.roundNs / 4 || iterations >= 1 << 30 {
                iterations = max(1, Int(Double(iterations) * Double(self.roundNs) / Double(max(ns, 1))))
                break
            }
            iterations *= 4
        }
        var best = Double.infinity
        for _ in 0..<self.rounds { best = min(best, Double(self.time(iterations, body)) / Double(iterations)) }
        print("  \(name.padding(toLength: 46, withPad: " ", startingAt: 0)) \(Self.format(best)) ns/op")
        return best
    }

    private mutating func time(_ iterations: Int, _ body: () -> Int) -> Int64 {
        var sum = 0
        let start = Self.cpuNs()
        for _ in 0..<iterations { sum &+= body() }
        let ns = Self.cpuNs() - start
        self.checksum &+= sum
        return ns
    }

    static func cpuNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func format(_ ns: Double) -> String {
        String(format: ns < 100 ? "%8.1f" : "%8.0f", ns)
    }
}
