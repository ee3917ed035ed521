import ChorusCore
import ChorusTransport
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Drives a scenario's sessions against one endpoint and hands every session's result to `onSession` as it ends.
///
/// Load models (docs/load-models.md): closed with a ramp (one session per caller, or back to back until
/// `load.duration`), closed in stages (stepped and spike ramps), and open (`load.arrival_rate`, Poisson or
/// uniform arrivals on intended times, capped by `load.max_concurrency`).
public final class LoadRun: Sendable {
    public let scenario: Scenario
    public let cells: [RunCell]
    public let runId: String
    private let group: any EventLoopGroup
    private let registry = CallRegistry()
    private let gate: SessionGate
    private let stoppedByUser = NIOLockedValueBox(false)
    public let progress = RunProgress()
    /// Calls that may be in progress at once before the open-file limit is reached; nil for no limit.
    ///
    /// A call past it is not started: it is stored as `connect_failed` with the reason. Opening it anyway would
    /// take the process's last descriptors, and the Swift runtime's thread pool then traps when it cannot open
    /// /proc (a crash instead of rows).
    public let maxOpenCalls: Int?
    /// The part of the scenario this process plays in a sharded run (`ShardPartition.whole` when unsharded).
    public let shard: ShardPartition
    /// What session ids start with: the run id, plus `-s<index>` in a sharded run so that shards calling one agent
    /// never share a session id (`<prefix>-<session index>`).
    public var sessionIdPrefix: String { self.shard.isWhole ? self.runId : "\(self.runId)-s\(self.shard.index)" }

    /// What a finished run reports about itself.
    public struct Outcome: Sendable {
        public var aborted: Bool
        public var invalidReason: String?
        public var totals: HarnessMonitor.Totals
        /// The run's start on the monotonic clock: what session and turn times count from.
        public var originNs: Int64
    }

    public init(
        scenario: Scenario, cells: [RunCell], runId: String, group: any EventLoopGroup, maxOpenCalls: Int? = nil,
        shard: ShardPartition = .whole
    ) {
        self.shard = shard
        precondition(!cells.isEmpty, "a run needs at least one cell")
        self.maxOpenCalls = maxOpenCalls
        self.gate = SessionGate(maxOpenCalls: maxOpenCalls)
        self.scenario = scenario
        self.cells = cells
        self.runId = runId
        self.group = group
    }

    /// Stops the run at the user's request (Ctrl-C): calls in progress hang up, their turns kept as
    /// `interrupted`; no new call starts; the run's status becomes `aborted`.
    public func abort() {
        self.stoppedByUser.withLockedValue { $0 = true }
        self.registry.interruptAll()
    }

    /// Runs to completion (or until `abort()`), reporting sessions and harness samples as they happen.
    public func run(
        onSession: @escaping @Sendable (SessionResult) async -> Void,
        onSample: @escaping @Sendable (HarnessSample) async -> Void
    ) async -> Outcome {
        let loops = Array(self.group.makeIterator())
        let stats = loops.map { LoopStats(eventLoop: $0) }
        for s in stats {
            s.eventLoop.execute { s.startLagProbe() }
        }
        let originNs = MonotonicClock.nowNs()
        let context = SessionContext(
            planner: SessionPlanner(
                scenario: self.shardScenario, clipCount: self.cells[0].target.clipCount, runId: self.sessionIdPrefix,
                originNs: originNs),
            stats: stats, onSession: onSession)
        let monitor = HarnessMonitor(stats: stats, originNs: originNs)
        let monitorTask = Task { await monitor.run(emit: onSample) }  // cancelled below once every session is done
        let endNs = self.scenario.load.durationMs.map { originNs + Int64($0 * 1e6) }
            ?? self.scenario.load.stages.map { originNs + StagedSchedule(stages: $0).totalNs }
        let deadlineTask = Task { [registry = self.registry, scenario = self.scenario] in
            // Sessions still running a grace period after the load's end are interrupted.
            guard let endNs else { return }
            let graceNs = Int64((scenario.session.responseTimeoutMs + 5000) * 1e6)
            try? await Task.sleep(for: .nanoseconds(max(0, endNs + graceNs - MonotonicClock.nowNs())))
            if !Task.isCancelled { registry.interruptAll() }
        }

        if let rate = self.scenario.load.arrivalRate {
            await self.runOpen(rate: rate, originNs: originNs, context: context)
        } else {
            await self.runClosed(originNs: originNs, context: context)
        }

        deadlineTask.cancel()
        monitorTask.cancel()
        var totals = await monitorTask.value
        for s in stats {
            try? await s.eventLoop.submit { s.stopLagProbe() }.get()
        }
        totals.droppedSessions = self.gate.dropped
        return Outcome(
            aborted: self.stoppedByUser.withLockedValue { $0 },
            invalidReason: HarnessMonitor.verdict(totals, harness: self.scenario.harness), totals: totals,
            originNs: originNs)
    }

    /// The scenario as this shard plays it: the shard's own seed (the run's seed when unsharded).
    private var shardScenario: Scenario {
        var s = self.scenario
        s.seed = self.shard.seed(runSeed: s.seed)
        return s
    }

    // MARK: - Load models

    private struct SessionContext: Sendable {
        let planner: SessionPlanner
        let stats: [LoopStats]
        let onSession: @Sendable (SessionResult) async -> Void
    }

    private func runClosed(originNs: Int64, context: SessionContext) async {
        let load = self.scenario.load
        let stages = load.stages ?? load.durationMs.map { [LoadStage(callers: load.callers, durationMs: $0, rampMs: load.rampMs)] }
        await withTaskGroup(of: Void.self) { group in
            if let stages {
                let schedule = StagedSchedule(stages: stages)
                for slot in self.shard.slots(of: schedule.maxCallers) {
                    let windows = schedule.windows(ofSlot: slot)
                    group.addTask { await self.runSlot(slot, windows: windows, originNs: originNs, context: context) }
                }
            } else {
                // One session per caller, started evenly over the ramp.
                let schedule = RampedClosedSchedule(callers: load.callers, rampNs: Int64(load.rampMs * 1e6))
                for slot in self.shard.slots(of: load.callers) {
                    let startNs = originNs + schedule.startOffsetNs(ofCaller: slot)
                    group.addTask {
                        guard await self.sleep(until: startNs) else { return }
                        await self.runSession(caller: slot, intendedNs: startNs, context: context)
                    }
                }
            }
        }
    }

    /// Runs sessions back to back in each of the slot's windows.
    private func runSlot(_ slot: Int, windows: [StagedSchedule.Window], originNs: Int64, context: SessionContext) async {
        for window in windows {
            var intendedNs = originNs + window.startNs
            while intendedNs < originNs + window.endNs {
                guard await self.sleep(until: intendedNs) else { return }
                await self.runSession(caller: slot, intendedNs: intendedNs, context: context)
                intendedNs = max(intendedNs, MonotonicClock.nowNs())
            }
        }
    }

    private func runOpen(rate: Double, originNs: Int64, context: SessionContext) async {
        let shardRate = self.shard.share(ofRate: rate)
        guard shardRate > 0 else { return }
        var arrivals = OpenArrivals(
            ratePerSecond: shardRate, process: self.scenario.load.arrivals,
            durationNs: Int64((self.scenario.load.durationMs ?? 0) * 1e6), seed: self.shardScenario.seed)
        // Uniform arrivals of the shards interleave rather than coincide: shard i starts i whole-run gaps late.
        let phaseNs = self.scenario.load.arrivals == .uniform ? Int64(1e9 / rate * Double(self.shard.index)) : 0
        let maxConcurrency = self.scenario.load.maxConcurrency.map { self.shard.share(ofCap: $0) }
        await withTaskGroup(of: Void.self) { group in
            var caller = 0
            while let offset = arrivals.next() {
                let intendedNs = originNs + offset + phaseNs
                guard await self.sleep(until: intendedNs) else { break }
                // Admitted here, not in the task: the session counts as running before the next arrival is checked.
                let admission = self.gate.admit(maxConcurrency: maxConcurrency)
                let slot = self.shard.globalSlot(local: caller)
                caller += 1
                if case .admitted = admission {
                    group.addTask { await self.run(admission, caller: slot, intendedNs: intendedNs, context: context) }
                } else {
                    await self.run(admission, caller: slot, intendedNs: intendedNs, context: context)
                }
            }
        }
    }

    // MARK: - Sessions

    /// Sleeps until a monotonic instant; false when the run was stopped meanwhile.
    private func sleep(until ns: Int64) async -> Bool {
        let waitNs = ns - MonotonicClock.nowNs()
        if waitNs > 0 { try? await Task.sleep(for: .nanoseconds(waitNs)) }
        return !self.registry.isStopped
    }

    private func runSession(caller: Int, intendedNs: Int64, context: SessionContext) async {
        await self.run(self.gate.admit(), caller: caller, intendedNs: intendedNs, context: context)
    }

    /// Plays an admitted session, or stores one the gate turned away.
    private func run(_ admission: SessionGate.Admission, caller: Int, intendedNs: Int64, context: SessionContext) async {
        switch admission {
        case .admitted(let index):
            await self.play(index: index, caller: caller, intendedNs: intendedNs, context: context)
        case .overConcurrency(let index):
            await self.recordNotStarted(
                index: index, caller: caller, intendedNs: intendedNs, context: context, outcome: .dropped,
                error: "not started: \(self.scenario.load.maxConcurrency.map { self.shard.share(ofCap: $0) } ?? 0) sessions"
                    + " already in progress"
                    + " (load.max_concurrency)")
        case .overOpenFiles(let index):
            await self.recordNotStarted(
                index: index, caller: caller, intendedNs: intendedNs, context: context, outcome: .connectFailed,
                error: "not started: the open-file limit leaves room for \(self.maxOpenCalls ?? 0) calls at once;"
                    + " raise it with `ulimit -n`")
        }
    }

    private func play(index: Int, caller: Int, intendedNs: Int64, context: SessionContext) async {
        BookkeepingPriority.lowerCurrentThread()
        let cell = self.cells[index % self.cells.count]
        var plan = context.planner.plan(callerIndex: caller, sessionIndex: index)
        plan.link = cell.profile.isClean ? nil : cell.profile
        cell.target.adjust(&plan)
        let floorMs = plan.link.map { $0.ttfaFloorMs(datagrams: cell.target.usesDatagrams) }
        plan.ttfaFloorNs = Int64((floorMs ?? 0) * 1e6)
        let r = await cell.target.call(
            plan: plan, stats: context.stats[index % context.stats.count], registry: self.registry,
            connectTimeout: .milliseconds(Int64(self.scenario.load.connectTimeoutMs)))
        self.gate.finish()
        BookkeepingPriority.lowerCurrentThread()  // resumed on whichever thread: storing the result is bookkeeping
        let origin = context.planner.originNs
        var result = self.sessionResult(
            cell: cell, caller: caller, index: index, intendedNs: intendedNs, origin: origin, startedNs: r.startedNs,
            connectNs: r.connectNs, endedNs: r.endedNs, outcome: r.report.outcome, error: r.report.error,
            turns: r.report.turns, network: r.report.network, ttfaFloorMs: floorMs, connectPhases: r.connectPhases)
        result.clockDriftPpm = r.report.clockDriftPpm
        self.progress.add(result)
        await context.onSession(result)
    }

    private func recordNotStarted(
        index: Int, caller: Int, intendedNs: Int64, context: SessionContext, outcome: ChorusCore.Outcome, error: String
    ) async {
        let now = MonotonicClock.nowNs()
        let result = self.sessionResult(
            cell: self.cells[index % self.cells.count], caller: caller, index: index, intendedNs: intendedNs,
            origin: context.planner.originNs, startedNs: now, connectNs: nil, endedNs: now, outcome: outcome,
            error: error, turns: [])
        self.progress.add(result)
        await context.onSession(result)
    }

    private func sessionResult(
        cell: RunCell, caller: Int, index: Int, intendedNs: Int64, origin: Int64, startedNs: Int64, connectNs: Int64?, endedNs: Int64,
        outcome: ChorusCore.Outcome, error: String?, turns: [TurnResult], network: [NetworkStats] = [],
        ttfaFloorMs: Double? = nil, connectPhases: ConnectPhases? = nil
    ) -> SessionResult {
        var result = SessionResult(
            callerIndex: caller, sessionIndex: index, transport: cell.transport.rawValue, dialect: cell.dialect,
            codec: cell.codec, networkProfile: cell.profile.name,
            intendedStartMs: Double(intendedNs - origin) / 1e6, startedMs: Double(startedNs - origin) / 1e6,
            connectMs: connectNs.map { Double($0) / 1e6 }, endedMs: Double(endedNs - origin) / 1e6,
            outcome: outcome, error: error, turns: turns, network: network, ttfaFloorMs: ttfaFloorMs)
        result.connectPhases = connectPhases
        return result
    }

}
