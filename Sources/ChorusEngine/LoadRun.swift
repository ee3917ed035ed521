import ChorusCore
import ChorusTransport
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Drives a scenario's callers against one endpoint: the closed model with a ramp, sessions repeated until
/// `load.duration` when it is set, every session's result handed to `onSession` as it ends.
public final class LoadRun: Sendable {
    public let scenario: Scenario
    public let endpoint: WebSocketEndpoint
    public let audio: SharedAudio
    public let runId: String
    private let group: any EventLoopGroup
    private let registry = CallRegistry()
    private let nextSession = NIOLockedValueBox(0)
    public let progress = RunProgress()

    /// What a finished run reports about itself.
    public struct Outcome: Sendable {
        public var aborted: Bool
        public var invalidReason: String?
        public var totals: HarnessMonitor.Totals
    }

    public init(scenario: Scenario, endpoint: WebSocketEndpoint, audio: SharedAudio, runId: String, group: any EventLoopGroup) {
        self.scenario = scenario
        self.endpoint = endpoint
        self.audio = audio
        self.runId = runId
        self.group = group
    }

    /// Stops the run: calls in progress hang up (their turns are kept as `interrupted`), no new call starts.
    public func stop() {
        self.registry.interruptAll()
    }

    /// Whether `stop()` was called.
    public var isStopped: Bool { self.registry.isStopped }

    /// Runs to completion (or until `stop()`), reporting sessions and harness samples as they happen.
    public func run(
        onSession: @escaping @Sendable (SessionResult) async -> Void,
        onSample: @escaping @Sendable (HarnessSample) async -> Void
    ) async -> Outcome {
        let loops = Array(self.group.makeIterator())
        let stats = loops.map { LoopStats(eventLoop: $0) }
        let originNs = Int64(NIODeadline.now().uptimeNanoseconds)
        let planner = SessionPlanner(scenario: self.scenario, clipCount: self.audio.clips.count, runId: self.runId, originNs: originNs)
        let schedule = RampedClosedSchedule(callers: self.scenario.load.callers, rampNs: Int64(self.scenario.load.rampMs * 1e6))
        let monitor = HarnessMonitor(stats: stats, originNs: originNs)
        let endNs = self.scenario.load.durationMs.map { originNs + Int64($0 * 1e6) }

        let monitorTask = Task { await monitor.run(emit: onSample) }  // cancelled below once every caller is done
        let deadlineTask = Task { [registry = self.registry, scenario = self.scenario] in
            // With a duration, sessions still running after it plus a grace period are interrupted.
            guard let endNs else { return }
            let graceNs = Int64((scenario.session.responseTimeoutMs + 5000) * 1e6)
            let waitNs = endNs + graceNs - Int64(NIODeadline.now().uptimeNanoseconds)
            try? await Task.sleep(for: .nanoseconds(max(0, waitNs)))
            if !Task.isCancelled { registry.interruptAll() }
        }
        await withTaskGroup(of: Void.self) { group in
            for caller in 0..<self.scenario.load.callers {
                group.addTask {
                    await self.runCaller(
                        caller, startNs: originNs + schedule.startOffsetNs(ofCaller: caller), endNs: endNs,
                        stats: stats[caller % stats.count], planner: planner, onSession: onSession)
                }
            }
        }
        deadlineTask.cancel()
        monitorTask.cancel()
        let totals = await monitorTask.value
        return Outcome(
            aborted: self.registry.isStopped && endNs == nil || self.stoppedByUser.withLockedValue { $0 },
            invalidReason: HarnessMonitor.verdict(totals, harness: self.scenario.harness), totals: totals)
    }

    private let stoppedByUser = NIOLockedValueBox(false)

    /// Marks the stop as the user's (Ctrl-C) rather than the duration's, then stops.
    public func abort() {
        self.stoppedByUser.withLockedValue { $0 = true }
        self.stop()
    }

    private func runCaller(
        _ caller: Int, startNs: Int64, endNs: Int64?, stats: LoopStats, planner: SessionPlanner,
        onSession: @Sendable (SessionResult) async -> Void
    ) async {
        var intendedNs = startNs
        repeat {
            let waitNs = intendedNs - Int64(NIODeadline.now().uptimeNanoseconds)
            if waitNs > 0 { try? await Task.sleep(for: .nanoseconds(waitNs)) }
            if self.registry.isStopped { return }
            let index = self.nextSession.withLockedValue { n -> Int in
                defer { n += 1 }
                return n
            }
            let plan = planner.plan(callerIndex: caller, sessionIndex: index)
            let r = await WebSocketConnector.run(
                plan: plan, endpoint: self.endpoint, audio: self.audio, dialect: ChorusNativeDialect(), stats: stats,
                registry: self.registry, connectTimeout: .milliseconds(Int64(self.scenario.load.connectTimeoutMs)))
            let origin = planner.originNs
            let result = SessionResult(
                callerIndex: caller, sessionIndex: index, transport: self.scenario.target.transport,
                dialect: self.scenario.target.dialect, codec: self.scenario.target.codec, networkProfile: "clean",
                intendedStartMs: Double(intendedNs - origin) / 1e6, startedMs: Double(r.startedNs - origin) / 1e6,
                connectMs: r.connectNs.map { Double($0) / 1e6 }, endedMs: Double(r.endedNs - origin) / 1e6,
                outcome: r.report.outcome, error: r.report.error, turns: r.report.turns)
            self.progress.add(result)
            await onSession(result)
            intendedNs = max(intendedNs, Int64(NIODeadline.now().uptimeNanoseconds))
        } while endNs.map { intendedNs < $0 } ?? false
    }
}
