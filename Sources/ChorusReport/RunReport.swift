import ChorusCore
import ChorusStore

/// Everything the renderers need about one run: what was stored, and the aggregates computed from it.
///
/// Built from the database with `load(store:runId:)`, or from values with `init` (tests, comparisons).
public struct RunReport: Sendable {
    /// The run row.
    public var run: RunInfo
    /// Every session with its turns, by session index.
    public var sessions: [SessionResult]
    /// The harness's samples of itself, in time order.
    public var samples: [HarnessSample]
    /// Stored gate results.
    public var gates: [GateResult]
    /// Aggregates over every session of the run.
    public var overall: RunAggregates
    /// Aggregates per cell of the run's matrix.
    public var cells: [CellKey: RunAggregates]
    /// The cells present, sorted: the order tables and legends use.
    public var cellKeys: [CellKey]

    /// A report of `run` over the given results; aggregates are computed here.
    public init(run: RunInfo, sessions: [SessionResult], samples: [HarnessSample] = [], gates: [GateResult] = []) {
        self.run = run
        self.sessions = sessions
        self.samples = samples
        self.gates = gates
        self.overall = RunAggregates(sessions: sessions)
        let grouped = Dictionary(grouping: sessions) { CellKey($0) }
        self.cells = grouped.mapValues { RunAggregates(sessions: $0) }
        self.cellKeys = grouped.keys.sorted()
    }

    /// Reads run `runId` (a full id) with its sessions, samples and gates from `store`.
    /// - Throws: `StoreError` when the run does not exist or the database cannot be read.
    public static func load(store: ResultStore, runId: String) throws -> RunReport {
        guard let run = try store.run(id: runId) else {
            throw StoreError(.runNotFound, "no run with id '\(runId)' in \(store.path)")
        }
        return RunReport(
            run: run, sessions: try store.sessions(runId: runId), samples: try store.samples(runId: runId),
            gates: try store.gates(runId: runId))
    }

    /// The sessions of one cell, in session order.
    public func sessions(in cell: CellKey) -> [SessionResult] {
        self.sessions.filter { CellKey($0) == cell }
    }

    // MARK: - The run's headline numbers (from `overall`)

    /// TTFA of `ok` turns, milliseconds.
    public var ttfa: LatencySummary { self.overall.ttfa }
    /// TTFA audible of `ok` turns, milliseconds.
    public var ttfaAudible: LatencySummary { self.overall.ttfaAudible }
    /// Voice-to-voice latency of `ok` turns, milliseconds.
    public var voiceToVoice: LatencySummary { self.overall.voiceToVoice }
    /// Response duration of `ok` turns, milliseconds.
    public var response: LatencySummary { self.overall.response }
    /// Connect time of connected sessions, milliseconds.
    public var connect: LatencySummary { self.overall.connect }
    /// Turn rows by outcome.
    public var turnOutcomes: [Outcome: Int] { self.overall.turnOutcomes }
    /// Sessions by outcome.
    public var sessionOutcomes: [Outcome: Int] { self.overall.sessionOutcomes }
    /// Percent of attempted turns that failed; nil when nothing was attempted.
    public var errorRatePct: Double? { self.overall.errorRatePct }
    /// Percent of attempted turns that were `ok`; nil when nothing was attempted.
    public var okRatePct: Double? { self.overall.okRatePct }
    /// Stalls per minute of received reply audio; nil when none arrived.
    public var stallsPerMinute: Double? { self.overall.stallsPerMinute }
}
