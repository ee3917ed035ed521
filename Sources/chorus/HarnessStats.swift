import ChorusEngine
import Foundation

/// What the harness itself cost during a run, for `make bench` (`chorus run --stats-json FILE`).
struct HarnessStats: Encodable {
    var callers: Int
    var framesSent: UInt64
    var framesReceived: UInt64
    var cpuSeconds: Double
    var wallSeconds: Double
    /// Process CPU divided by frames sent plus received, over the whole run.
    var cpuUsPerFrame: Double
    /// The same in the run's steady state: every caller in a call, none opening or ending (`SteadyState`); nil
    /// when the run never settled.
    var steadyCpuUsPerFrame: Double?
    var steadySeconds: Double?
    /// The CPU the run took beyond its steady per-frame rate, per call opened: what opening, closing and
    /// reporting a call costs (handshakes included), ms.
    var setupCpuMsPerSession: Double?
    var peakRSSMB: Double
    var baselineRSSMB: Double
    /// (peak − baseline) / callers.
    var rssKBPerSession: Double
    var sendLateP50Us: UInt64
    var sendLateP99Us: UInt64
    var sendLateMaxUs: UInt64
    var loopLagP99Us: UInt64
    var valid: Bool
    var invalidReason: String?
    /// The callers' error against the embedded agent's ground truth; absent when the agent was not embedded.
    var accuracy: Accuracy?

    /// TTFA error against ground truth (docs/agent.md), milliseconds.
    struct Accuracy: Encodable {
        var turns: Int
        /// Measured turns the agent's truth had no record of within 1 s.
        var unmatchedTurns: Int
        var errorP50Ms: Double?
        var absErrorP99Ms: Double?
        var absErrorMaxMs: Double?
        /// End of speech sent → taken in by the agent: the agent's part of the error.
        var agentPartP99Ms: Double?
        /// First audio sent by the agent → taken in by the caller: the harness's part.
        var harnessPartP99Ms: Double?

        /// Measured turns the link lost the end of speech or the first reply frame of (no exact expectation).
        var notComparableTurns: Int
        /// Turns first answered by a reply to an earlier end of speech (the agent's VAD split the utterance).
        var answeredEarlierTurns: Int
        /// The same per cell (`transport/profile`); impaired cells add the link's delays to the expectation.
        var cells: [String: Accuracy]?

        init(_ c: TruthComparison) {
            self.init(c.overall)
            self.cells = Dictionary(uniqueKeysWithValues: c.cells.map { ($0.cell, Accuracy($0.part)) })
        }

        init(_ p: TruthComparison.Part) {
            self.turns = p.matched
            self.unmatchedTurns = p.unmatched
            self.notComparableTurns = p.notComparable
            self.answeredEarlierTurns = p.answeredEarlier
            self.errorP50Ms = p.errors.p50
            self.absErrorP99Ms = p.absErrors.p99
            self.absErrorMaxMs = p.absErrors.max
            self.agentPartP99Ms = p.eosArrival.p99
            self.harnessPartP99Ms = p.firstAudioArrival.p99
        }
    }

    init(
        callers: Int, totals: HarnessMonitor.Totals, cpuSeconds: Double, wallSeconds: Double, baselineRSSMB: Double,
        invalidReason: String?
    ) {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        self.callers = callers
        self.framesSent = totals.framesSent
        self.framesReceived = totals.framesReceived
        self.cpuSeconds = cpuSeconds
        self.wallSeconds = wallSeconds
        let frames = Double(totals.framesSent + totals.framesReceived)
        self.cpuUsPerFrame = frames > 0 ? cpuSeconds * 1e6 / frames : 0
        if let steady = SteadyState.of(totals.intervals) {
            self.steadyCpuUsPerFrame = steady.cpuUsPerFrame
            self.steadySeconds = steady.seconds
            let opened = totals.intervals.reduce(0) { $0 + $1.sessionsOpened }
            if opened > 0 {
                let beyond = max(0, cpuSeconds - steady.cpuUsPerFrame * frames / 1e6)
                self.setupCpuMsPerSession = beyond * 1e3 / Double(opened)
            }
        }
        self.peakRSSMB = Double(usage.ru_maxrss) / 1024
        self.baselineRSSMB = baselineRSSMB
        self.rssKBPerSession = callers > 0 ? max(0, self.peakRSSMB - baselineRSSMB) * 1024 / Double(callers) : 0
        self.sendLateP50Us = totals.sendLateUs.value(atPercentile: 50)
        self.sendLateP99Us = totals.sendLateUs.value(atPercentile: 99)
        self.sendLateMaxUs = totals.sendLateUs.max
        self.loopLagP99Us = totals.loopLagUs.value(atPercentile: 99)
        self.valid = invalidReason == nil
        self.invalidReason = invalidReason
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
