import ChorusCore
import ChorusTransport
import Foundation

/// Watches the harness itself once a second: send lateness and event-loop lag per loop, process CPU and RSS.
///
/// A run whose lateness breaks the scenario's bounds is invalid: its latencies would measure the harness, not
/// the agent (docs/metrics.md, harness validity).
public final class HarnessMonitor: Sendable {
    private let stats: [LoopStats]
    private let originNs: Int64

    public init(stats: [LoopStats], originNs: Int64) {
        self.stats = stats
        self.originNs = originNs
    }

    /// What the whole run saw, for the validity verdict.
    public struct Totals: Sendable {
        public var sendLateUs = LatencyHistogram()
        public var loopLagUs = LatencyHistogram()
        public var framesSent: UInt64 = 0
        public var framesReceived: UInt64 = 0
        /// Open-model arrivals refused because `load.max_concurrency` sessions were already running.
        public var droppedSessions = 0
        /// The harness process's busiest second, in % of one core.
        public var peakCPUPct: Double = 0
        /// Share of the run's wall time in which some runnable task on this machine waited for a CPU (Linux PSI
        /// `some`, /proc/pressure/cpu); nil where the kernel does not report it.
        public var cpuPressurePct: Double?
        /// Each sampling interval, in order, for the run's steady state (`SteadyState.of`).
        public var intervals: [SteadyState.Interval] = []

        public init() {}
    }

    /// Samples every `interval` until cancelled, handing each sample to `emit`; returns the run's totals.
    public func run(interval: Duration = .seconds(1), emit: @Sendable (HarnessSample) async -> Void) async -> Totals {
        var totals = Totals()
        var lastCPU = Self.cpuSeconds()
        var lastNs = MonotonicClock.nowNs()
        let pressureBefore = Self.cpuPressureTotalUs()
        let startNs = lastNs
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            BookkeepingPriority.lowerCurrentThread()
            var sendLate = LatencyHistogram()
            var lag = LatencyHistogram()
            var active = 0
            var turns: UInt64 = 0
            var opened = 0
            var ended = 0
            var frames: UInt64 = 0
            for s in self.stats {
                guard let snap = try? await s.eventLoop.submit({ s.snapshotAndReset() }).get() else { continue }
                lag.merge(snap.loopLagUs)
                sendLate.merge(snap.sendLateUs)
                active += snap.activeSessions
                turns += snap.turnsFinished
                opened += snap.sessionsOpened
                ended += snap.sessionsEnded
                frames += snap.framesSent + snap.framesReceived
                totals.framesSent += snap.framesSent
                totals.framesReceived += snap.framesReceived
            }
            totals.sendLateUs.merge(sendLate)
            totals.loopLagUs.merge(lag)
            let nowNs = MonotonicClock.nowNs()
            let cpu = Self.cpuSeconds()
            let wall = Double(nowNs - lastNs) / 1e9
            let sample = HarnessSample(
                tMs: Double(nowNs - self.originNs) / 1e6, activeSessions: active,
                turnsPerSecond: Double(turns) / max(wall, 1e-9),
                sendLateP99Us: Double(sendLate.value(atPercentile: 99)),
                loopLagP99Us: Double(lag.value(atPercentile: 99)),
                cpuPct: (cpu - lastCPU) / max(wall, 1e-9) * 100, rssMB: Self.rssMB())
            totals.intervals.append(
                SteadyState.Interval(
                    seconds: wall, cpuSeconds: cpu - lastCPU, frames: frames, activeSessions: active,
                    sessionsOpened: opened, sessionsEnded: ended))
            lastCPU = cpu
            lastNs = nowNs
            totals.peakCPUPct = max(totals.peakCPUPct, sample.cpuPct)
            await emit(sample)
        }
        let endNs = MonotonicClock.nowNs()
        if let before = pressureBefore, let after = Self.cpuPressureTotalUs(), endNs > startNs {
            totals.cpuPressurePct = Double(after - before) / (Double(endNs - startNs) / 1000) * 100
        }
        return totals
    }

    /// Why the run is invalid, or nil when the harness kept its schedule.
    public static func verdict(
        _ totals: Totals, harness: Scenario.Harness, cores: Int = UsableCores.count
    ) -> String? {
        var reasons: [String] = []
        let lag999 = Double(totals.loopLagUs.value(atPercentile: 99.9)) / 1000
        if lag999 > harness.maxLoopLagP999Ms {
            reasons.append(String(format: "event-loop lag p99.9 %.1f ms > %.1f ms", lag999, harness.maxLoopLagP999Ms))
        }
        if totals.droppedSessions > 0 {
            reasons.append("\(totals.droppedSessions) sessions could not start at their intended time (dropped)")
        }
        let p99 = Double(totals.sendLateUs.value(atPercentile: 99)) / 1000
        let max = Double(totals.sendLateUs.max) / 1000
        if p99 > harness.maxSendLateP99Ms {
            reasons.append(String(format: "send lateness p99 %.1f ms > %.1f ms", p99, harness.maxSendLateP99Ms))
        }
        if max > harness.maxSendLateMs {
            reasons.append(String(format: "send lateness max %.1f ms > %.1f ms", max, harness.maxSendLateMs))
        }
        guard !reasons.isEmpty else { return nil }
        // Why it fell behind: its own CPU, or other work on the same cores (the embedded agent, a build).
        var context = String(
            format: " (harness CPU peaked at %.0f %% of %d core%@", totals.peakCPUPct, cores, cores == 1 ? "" : "s")
        if let pressure = totals.cpuPressurePct {
            context += String(format: "; tasks waited for a CPU %.0f %% of the time", pressure)
        }
        return "harness-limited: " + reasons.joined(separator: "; ") + context + ")"
    }

    /// Linux's running total of microseconds in which some task waited for a CPU (PSI), or nil.
    static func cpuPressureTotalUs() -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/pressure/cpu", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("some ") }),
            let field = line.split(separator: " ").first(where: { $0.hasPrefix("total=") })
        else { return nil }
        return Int64(field.dropFirst("total=".count))
    }

    /// User plus system CPU seconds of this process.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// Resident set size of this process in MiB, from /proc/self/statm.
    public static func rssMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}
