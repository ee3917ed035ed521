import ChorusCore
internal import GRDB

// MARK: - Reading runs, sessions, samples and gates

extension ResultStore {
    /// Every run, newest first (by `started_at`, then by insertion).
    public func runs() throws -> [RunInfo] {
        try self.read("list runs") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at DESC, rowid DESC").map(Self.runInfo)
        }
    }

    /// The run with exactly this id, or nil.
    public func run(id: String) throws -> RunInfo? {
        try self.read("read run \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.runInfo)
        }
    }

    /// The id a user meant: a full id, a unique prefix of one, or `latest` (the newest run).
    ///
    /// - Returns: nil when nothing matches (or the database holds no run, for `latest`).
    /// - Throws: `StoreError` `.ambiguousRunId` when a prefix matches several runs, listing them.
    public func resolveRunId(_ spec: String) throws -> String? {
        let spec = spec.trimmingCharacters(in: .whitespaces)
        guard !spec.isEmpty else { return nil }
        let matches: [String] = try self.read("resolve run '\(spec)'") { db in
            if spec == "latest" {
                return try String.fetchAll(
                    db, sql: "SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1")
            }
            if let exact = try String.fetchOne(db, sql: "SELECT id FROM runs WHERE id = ?", arguments: [spec]) {
                return [exact]
            }
            return try String.fetchAll(
                db, sql: "SELECT id FROM runs WHERE substr(id, 1, ?) = ? ORDER BY started_at DESC LIMIT 6",
                arguments: [spec.count, spec])
        }
        if matches.count > 1 {
            let listed = matches.prefix(5).joined(separator: ", ") + (matches.count > 5 ? ", …" : "")
            throw StoreError(.ambiguousRunId, "run id prefix '\(spec)' matches several runs (\(listed)); give more characters")
        }
        return matches.first
    }

    /// A run's sessions with their turns, ordered by session index, then turn index.
    public func sessions(runId: String) throws -> [SessionResult] {
        try self.read("read the sessions of run \(runId)") { db in
            var turnsBySession: [Int64: [TurnResult]] = [:]
            let turnRows = try Row.fetchCursor(
                db, sql: "SELECT * FROM turns WHERE run_id = ? ORDER BY session_id, turn_index", arguments: [runId])
            while let row = try turnRows.next() {
                turnsBySession[row["session_id"], default: []].append(try Self.turnResult(row))
            }
            var networkBySession: [Int64: [NetworkStats]] = [:]
            let networkRows = try Row.fetchCursor(
                db, sql: "SELECT * FROM network_stats WHERE run_id = ? ORDER BY session_id, direction", arguments: [runId])
            while let row = try networkRows.next() {
                networkBySession[row["session_id"], default: []].append(
                    NetworkStats(
                        direction: row["direction"], packetsSent: row["packets_sent"],
                        packetsReceived: row["packets_received"], lost: row["lost"], late: row["late"],
                        reordered: row["reordered"], duplicated: row["duplicated"], jitterMs: row["jitter_ms"],
                        effectiveLossPct: row["effective_loss_pct"], concealedMs: row["concealed_ms"],
                        rFactor: row["r_factor"], mos: row["mos"]))
            }
            var sessions: [SessionResult] = []
            let sessionRows = try Row.fetchCursor(
                db, sql: "SELECT * FROM sessions WHERE run_id = ? ORDER BY session_index, id", arguments: [runId])
            while let row = try sessionRows.next() {
                let id: Int64 = row["id"]
                var session = try Self.sessionResult(row, turns: turnsBySession[id] ?? [])
                session.network = networkBySession[id] ?? []
                sessions.append(session)
            }
            return sessions
        }
    }

    /// A run's harness samples in time order.
    public func samples(runId: String) throws -> [HarnessSample] {
        try self.read("read the harness samples of run \(runId)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM samples WHERE run_id = ? ORDER BY t_ms", arguments: [runId]).map {
                HarnessSample(
                    tMs: $0["t_ms"], activeSessions: $0["active_sessions"], turnsPerSecond: $0["turns_per_s"],
                    sendLateP99Us: $0["send_late_p99_us"], loopLagP99Us: $0["loop_lag_p99_us"], cpuPct: $0["cpu_pct"],
                    rssMB: $0["rss_mb"])
            }
        }
    }

    /// A run's gate rows, in the order they were stored.
    public func gates(runId: String) throws -> [GateResult] {
        try self.read("read the gates of run \(runId)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM gates WHERE run_id = ? ORDER BY rowid", arguments: [runId]).map {
                let passed: Bool = $0["passed"]
                let verdict = ($0["verdict"] as String?).flatMap(GateResult.Verdict.init(rawValue:))
                return GateResult(
                    metric: $0["metric"], comparator: $0["comparator"], threshold: $0["threshold"],
                    observed: $0["observed"], passed: passed, baselineRunId: $0["baseline_run_id"], cell: $0["cell"],
                    kind: GateResult.Kind(rawValue: $0["kind"]) ?? .threshold, verdict: verdict ?? (passed ? .pass : .fail),
                    baselineObserved: $0["baseline_observed"], delta: $0["delta"], ciLow: $0["ci_low"],
                    ciHigh: $0["ci_high"], pValue: $0["p_value"], tolerance: $0["tolerance"], samples: $0["samples"],
                    baselineSamples: $0["baseline_samples"], neededSamples: $0["needed_samples"],
                    baselineSource: $0["baseline_db"], note: $0["note"])
            }
        }
    }

    // MARK: - Rows to values

    private static func runInfo(_ row: Row) throws -> RunInfo {
        let statusWord: String = row["status"]
        guard let status = RunInfo.Status(rawValue: statusWord) else {
            throw StoreError(.corrupt, "run \(row["id"] as String) has an unknown status '\(statusWord)'")
        }
        return RunInfo(
            id: row["id"], name: row["name"], scenarioYAML: row["scenario_yaml"], configJSON: row["config_json"],
            startedAt: row["started_at"], endedAt: row["ended_at"], status: status, valid: row["valid"],
            invalidReason: row["invalid_reason"], harnessVersion: row["harness_version"], host: row["host"],
            gitCommit: row["git_commit"])
    }

    private static func outcome(_ row: Row, _ table: String) throws -> Outcome {
        let word: String = row["outcome"]
        guard let outcome = Outcome(rawValue: word) else {
            let known = Outcome.allCases.map(\.rawValue).joined(separator: ", ")
            throw StoreError(.corrupt, "\(table) row \(row["id"] as Int64) has an unknown outcome '\(word)' (known: \(known))")
        }
        return outcome
    }

    private static func turnResult(_ row: Row) throws -> TurnResult {
        var turn = TurnResult(
            turnIndex: row["turn_index"], utterance: row["utterance"], eosMs: row["eos_ms"],
            eosLateMs: row["eos_late_ms"], ttfaMs: row["ttfa_ms"], ttfaAudibleMs: row["ttfa_audible_ms"],
            voiceToVoiceMs: row["voice_to_voice_ms"], responseMs: row["response_ms"],
            responseAudioMs: row["response_audio_ms"], stallCount: row["stall_count"], stallMs: row["stall_ms"],
            outcome: try Self.outcome(row, "turns"), bargeInMs: row["bargein_ms"], lateAudioMs: row["late_audio_ms"],
            earlyAudioMs: row["early_audio_ms"],
            eosUpDelayMs: row["eos_up_delay_ms"], firstAudioDownDelayMs: row["first_audio_down_delay_ms"])
        turn.bargeInStopMs = row["bargein_stop_ms"]
        turn.leakedAudioMs = row["leaked_audio_ms"]
        turn.bargeInMissed = row["bargein_missed"]
        return turn
    }

    private static func sessionResult(_ row: Row, turns: [TurnResult]) throws -> SessionResult {
        var result = SessionResult(
            callerIndex: row["caller_index"], sessionIndex: row["session_index"], transport: row["transport"],
            dialect: row["dialect"], codec: row["codec"], networkProfile: row["network_profile"],
            intendedStartMs: row["intended_start_ms"], startedMs: row["started_ms"], connectMs: row["connect_ms"],
            endedMs: row["ended_ms"], outcome: try Self.outcome(row, "sessions"), error: row["error"], turns: turns,
            ttfaFloorMs: row["ttfa_floor_ms"])
        let phases = ConnectPhases(
            signallingMs: row["signalling_ms"], iceMs: row["ice_ms"], dtlsMs: row["dtls_ms"],
            firstMediaMs: row["first_media_ms"])
        if phases != ConnectPhases() { result.connectPhases = phases }
        result.clockDriftPpm = row["clock_drift_ppm"]
        return result
    }
}
