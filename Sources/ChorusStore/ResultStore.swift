import ChorusCore
import Foundation
internal import GRDB

/// The results database: one SQLite file holding every run (docs/schema.md).
///
/// It owns the file's one connection (a GRDB `DatabaseQueue` in WAL mode, so reports can read while a run writes
/// from another process). Open each file once per process and share the store; during a run, write through a
/// `ResultWriter`, which batches.
public final class ResultStore: Sendable {
    /// The database file.
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating if needed, parent directories included) the database at `path` and migrates it.
    /// - Throws: `StoreError` with code `.open` naming the file and the cause.
    public init(path: String) throws {
        self.path = path
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.open, "cannot create the directory \(parent) for the results database: \(error)")
        }
        var config = Configuration()
        config.journalMode = .wal
        // Another process (a report, `chorus runs`) may hold a read lock for a moment.
        config.busyMode = .timeout(10)
        config.label = "chorus.results"
        // WAL + NORMAL never corrupts; it may only lose the last commits on power loss, which a
        // load test can afford, and it keeps batched commits off fsync.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            self.queue = try DatabaseQueue(path: path, configuration: config)
            try StoreMigrations.migrator.migrate(self.queue)
        } catch {
            throw StoreError(.open, "cannot open the results database \(path): \(error)")
        }
    }

    // MARK: - Writing

    /// Stores a new run row; its id must not exist yet.
    public func insertRun(_ run: RunInfo) throws {
        try self.write("store run \(run.id)") { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (id, name, scenario_yaml, config_json, started_at, ended_at, status, valid,
                        invalid_reason, harness_version, host, git_commit)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    run.id, run.name, run.scenarioYAML, run.configJSON, run.startedAt, run.endedAt,
                    run.status.rawValue, run.valid, run.invalidReason, run.harnessVersion, run.host, run.gitCommit,
                ])
        }
    }

    /// Records how a run ended.
    /// - Throws: `StoreError` `.runNotFound` when no run has `id`.
    public func finishRun(id: String, endedAt: String, status: RunInfo.Status, valid: Bool, invalidReason: String?)
        throws
    {
        let changed = try self.write("finish run \(id)") { db -> Int in
            try db.execute(
                sql: "UPDATE runs SET ended_at = ?, status = ?, valid = ?, invalid_reason = ? WHERE id = ?",
                arguments: [endedAt, status.rawValue, valid, invalidReason, id])
            return db.changesCount
        }
        if changed == 0 { throw StoreError(.runNotFound, "no run with id '\(id)' in \(self.path)") }
    }

    /// Stores sessions and all their turns in one transaction.
    public func insertSessions(_ sessions: [SessionResult], runId: String) throws {
        guard !sessions.isEmpty else { return }
        try self.write("store \(sessions.count) sessions of run \(runId)") { db in
            try Self.insertSessions(sessions, runId: runId, in: db)
        }
    }

    /// Stores harness samples in one transaction.
    public func insertSamples(_ samples: [HarnessSample], runId: String) throws {
        guard !samples.isEmpty else { return }
        try self.write("store \(samples.count) harness samples of run \(runId)") { db in
            try Self.insertSamples(samples, runId: runId, in: db)
        }
    }

    /// Replaces every gate row of a run with `gates`.
    public func replaceGates(_ gates: [GateResult], runId: String) throws {
        try self.write("store gates of run \(runId)") { db in
            try db.execute(sql: "DELETE FROM gates WHERE run_id = ?", arguments: [runId])
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO gates (run_id, metric, comparator, threshold, observed, passed, baseline_run_id, cell,
                        kind, verdict, baseline_observed, delta, ci_low, ci_high, p_value, tolerance, samples,
                        baseline_samples, needed_samples, baseline_db, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for g in gates {
                try statement.execute(arguments: [
                    runId, g.metric, g.comparator, g.threshold, g.observed, g.passed, g.baselineRunId, g.cell,
                    g.kind.rawValue, g.verdict.rawValue, g.baselineObserved, g.delta, g.ciLow, g.ciHigh, g.pValue,
                    g.tolerance, g.samples, g.baselineSamples, g.neededSamples, g.baselineSource, g.note,
                ])
            }
        }
    }

    /// Stores sessions (with their turns) and samples together in one transaction: the writer's batch.
    func insertBatch(sessions: [SessionResult], samples: [HarnessSample], runId: String) throws {
        try self.write("store \(sessions.count) sessions and \(samples.count) samples of run \(runId)") { db in
            try Self.insertSessions(sessions, runId: runId, in: db)
            try Self.insertSamples(samples, runId: runId, in: db)
        }
    }

    // MARK: - Helpers

    /// Runs `body` in a write transaction, turning database errors into `StoreError`s that say what was attempted.
    func write<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try self.queue.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.write, "cannot \(what) in \(self.path): \(error)")
        }
    }

    /// Runs `body` in a read transaction, turning database errors into `StoreError`s.
    func read<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try self.queue.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.read, "cannot \(what) from \(self.path): \(error)")
        }
    }

    private static func insertSessions(_ sessions: [SessionResult], runId: String, in db: Database) throws {
        let sessionStatement = try db.cachedStatement(
            sql: """
                INSERT INTO sessions (run_id, caller_index, session_index, transport, dialect, codec,
                    network_profile, intended_start_ms, started_ms, connect_ms, ended_ms, turns_completed, outcome,
                    error, ttfa_floor_ms, signalling_ms, ice_ms, dtls_ms, first_media_ms, ttfa_slope_ms_per_turn,
                    ttfa_slope_low, ttfa_slope_high, v2v_slope_ms_per_turn, v2v_slope_low, v2v_slope_high,
                    clock_drift_ppm)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let turnStatement = try db.cachedStatement(
            sql: """
                INSERT INTO turns (run_id, session_id, turn_index, utterance, eos_ms, eos_late_ms, ttfa_ms,
                    ttfa_audible_ms, voice_to_voice_ms, response_ms, response_audio_ms, stall_count, stall_ms,
                    outcome, bargein_ms, late_audio_ms, early_audio_ms, eos_up_delay_ms, first_audio_down_delay_ms,
                    bargein_stop_ms, leaked_audio_ms, bargein_missed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let networkStatement = try db.cachedStatement(
            sql: """
                INSERT INTO network_stats (run_id, session_id, direction, packets_sent, packets_received, lost, late,
                    reordered, duplicated, jitter_ms, effective_loss_pct, concealed_ms, r_factor, mos)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for s in sessions {
            let ttfa = s.ttfaDrift, v2v = s.voiceToVoiceDrift
            try sessionStatement.execute(arguments: [
                runId, s.callerIndex, s.sessionIndex, s.transport, s.dialect, s.codec, s.networkProfile,
                s.intendedStartMs, s.startedMs, s.connectMs, s.endedMs, s.turnsCompleted, s.outcome.rawValue,
                s.error, s.ttfaFloorMs, s.connectPhases?.signallingMs, s.connectPhases?.iceMs,
                s.connectPhases?.dtlsMs, s.connectPhases?.firstMediaMs, ttfa?.slope, ttfa?.low, ttfa?.high,
                v2v?.slope, v2v?.low, v2v?.high, s.clockDriftPpm,
            ])
            let sessionId = db.lastInsertedRowID
            for t in s.turns {
                try turnStatement.execute(arguments: [
                    runId, sessionId, t.turnIndex, t.utterance, t.eosMs, t.eosLateMs, t.ttfaMs, t.ttfaAudibleMs,
                    t.voiceToVoiceMs, t.responseMs, t.responseAudioMs, t.stallCount, t.stallMs, t.outcome.rawValue,
                    t.bargeInMs, t.lateAudioMs, t.earlyAudioMs, t.eosUpDelayMs, t.firstAudioDownDelayMs,
                    t.bargeInStopMs, t.leakedAudioMs, t.bargeInMissed,
                ])
            }
            for n in s.network {
                try networkStatement.execute(arguments: [
                    runId, sessionId, n.direction, n.packetsSent, n.packetsReceived, n.lost, n.late, n.reordered,
                    n.duplicated, n.jitterMs, n.effectiveLossPct, n.concealedMs, n.rFactor, n.mos,
                ])
            }
        }
    }

    private static func insertSamples(_ samples: [HarnessSample], runId: String, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO samples (run_id, t_ms, active_sessions, turns_per_s, send_late_p99_us, loop_lag_p99_us,
                    cpu_pct, rss_mb)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for s in samples {
            try statement.execute(arguments: [
                runId, s.tMs, s.activeSessions, s.turnsPerSecond, s.sendLateP99Us, s.loopLagP99Us, s.cpuPct, s.rssMB,
            ])
        }
    }
}
