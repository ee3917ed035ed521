import ChorusCore
import ChorusStore
import Foundation
import Testing

@Suite("ResultStore")
struct ResultStoreTests {
    /// The public SQLite contract (docs/schema.md).
    static let contract: [String: [String]] = [
        "runs": [
            "id", "name", "scenario_yaml", "config_json", "started_at", "ended_at", "status", "valid", "invalid_reason",
            "harness_version", "host", "git_commit", "shard_index", "shard_count", "scenario_hash", "start_at",
            "start_late_ms",
        ],
        "sessions": [
            "id", "run_id", "caller_index", "session_index", "transport", "dialect", "codec", "network_profile",
            "intended_start_ms", "started_ms", "connect_ms", "ended_ms", "turns_completed", "outcome", "error",
            "ttfa_floor_ms", "signalling_ms", "ice_ms", "dtls_ms", "first_media_ms", "ttfa_slope_ms_per_turn",
            "ttfa_slope_low", "ttfa_slope_high", "v2v_slope_ms_per_turn", "v2v_slope_low", "v2v_slope_high",
            "clock_drift_ppm", "shard_index",
        ],
        "turns": [
            "id", "run_id", "session_id", "turn_index", "utterance", "eos_ms", "eos_late_ms", "ttfa_ms",
            "ttfa_audible_ms", "voice_to_voice_ms", "response_ms", "response_audio_ms", "stall_count", "stall_ms",
            "outcome", "bargein_ms", "late_audio_ms", "early_audio_ms", "eos_up_delay_ms", "first_audio_down_delay_ms",
            "bargein_stop_ms", "leaked_audio_ms", "bargein_missed",
        ],
        "network_stats": [
            "run_id", "session_id", "direction", "packets_sent", "packets_received", "lost", "late", "reordered",
            "duplicated", "jitter_ms", "effective_loss_pct", "concealed_ms", "r_factor", "mos",
        ],
        "samples": [
            "run_id", "t_ms", "active_sessions", "turns_per_s", "send_late_p99_us", "loop_lag_p99_us", "cpu_pct",
            "rss_mb", "shard_index",
        ],
        "gates": [
            "run_id", "metric", "comparator", "threshold", "observed", "passed", "baseline_run_id", "cell", "kind",
            "verdict", "baseline_observed", "delta", "ci_low", "ci_high", "p_value", "tolerance", "samples",
            "baseline_samples", "needed_samples", "baseline_db", "note",
        ],
        "tags": ["name", "run_id", "created_at"],
        "run_shards": [
            "run_id", "shard_index", "shard_count", "state", "source", "source_run_id", "host", "started_at", "ended_at",
            "status", "valid", "invalid_reason", "start_late_ms", "sessions", "turns",
        ],
    ]

    @Test func migrationCreatesEveryContractTableAndColumn() async throws {
        try await StoreFixtures.withStore { store in
            let tables = try store.tableNames()
            for (table, columns) in Self.contract {
                #expect(tables.contains(table), "missing table \(table)")
                #expect(try store.columns(ofTable: table) == columns, "columns of \(table)")
            }
            let types = try store.rawRows(sql: "SELECT name, type FROM pragma_table_info('turns')")
            for row in types where row["name"]?.description.hasSuffix("_ms") == true {
                #expect(row["type"] == .text("REAL"), "\(row["name"]!) should be REAL")
            }
            let indexes = try store.rawRows(sql: "SELECT tbl_name FROM sqlite_master WHERE type = 'index'")
                .compactMap { $0["tbl_name"]?.description }
            #expect(indexes.contains("turns") && indexes.contains("sessions"))
            let mode = try store.rawRows(sql: "PRAGMA journal_mode").first?.values.first
            #expect(mode == .text("wal"))
        }
    }

    @Test func runWithSessionsAndTurnsReadsBackEqual() async throws {
        try await StoreFixtures.withStore { store in
            let run = StoreFixtures.run("run-1")
            try store.insertRun(run)
            var sessions = (0..<4).map { StoreFixtures.session($0) }
            sessions[2].outcome = .dropped
            sessions[2].error = "connection reset by peer"
            sessions[2].turns[2].outcome = .dropped
            // Attribution and truth-through-the-link columns round-trip, NULL included.
            sessions[3].ttfaFloorMs = 70.25
            sessions[3].turns[0].lateAudioMs = 140
            sessions[3].turns[0].earlyAudioMs = 60
            sessions[3].turns[0].eosUpDelayMs = 45.5
            sessions[3].turns[0].firstAudioDownDelayMs = nil
            // Barge-in columns (v8): a stopped interruption and a missed one.
            sessions[3].turns[1].bargeInMs = 152.5
            sessions[3].turns[1].bargeInStopMs = 151
            sessions[3].turns[1].leakedAudioMs = 140
            sessions[3].turns[1].bargeInMissed = false
            sessions[3].turns[2].leakedAudioMs = 1800
            sessions[3].turns[2].bargeInMissed = true
            try store.insertSessions(sessions.reversed(), runId: "run-1")
            #expect(try store.run(id: "run-1") == run)
            #expect(try store.sessions(runId: "run-1") == sessions)
            #expect(try store.sessions(runId: "other").isEmpty)
            #expect(try StoreFixtures.count("turns", in: store) == 12)
            let completed = try store.rawRows(sql: "SELECT turns_completed FROM sessions WHERE session_index = 2")
            #expect(completed.first?["turns_completed"] == .integer(2))
        }
    }

    @Test func finishRunRecordsTheEndAndRejectsUnknownIds() async throws {
        try await StoreFixtures.withStore { store in
            try store.insertRun(StoreFixtures.run("run-1"))
            try store.finishRun(
                id: "run-1", endedAt: "2025-01-01T10:01:00Z", status: .completed, valid: false,
                invalidReason: "send lateness p99 12.0 ms > 5 ms")
            let run = try #require(try store.run(id: "run-1"))
            #expect(run.status == .completed && run.endedAt == "2025-01-01T10:01:00Z")
            #expect(!run.valid && run.invalidReason == "send lateness p99 12.0 ms > 5 ms")
            let error = #expect(throws: StoreError.self) {
                try store.finishRun(id: "nope", endedAt: "x", status: .aborted, valid: true, invalidReason: nil)
            }
            #expect(error?.code == .runNotFound)
            #expect(error?.description.contains("nope") == true)
        }
    }

    @Test func resolvesLatestFullIdsAndUniquePrefixes() async throws {
        try await StoreFixtures.withStore { store in
            #expect(try store.resolveRunId("latest") == nil)
            try store.insertRun(StoreFixtures.run("20250101-aaaa", startedAt: "2025-01-01T10:00:00Z"))
            try store.insertRun(StoreFixtures.run("20250102-bbbb", startedAt: "2025-01-02T10:00:00Z"))
            try store.insertRun(StoreFixtures.run("20250102-bbcc", startedAt: "2025-01-02T09:00:00Z"))
            #expect(try store.resolveRunId("latest") == "20250102-bbbb")
            #expect(try store.runs().map(\.id) == ["20250102-bbbb", "20250102-bbcc", "20250101-aaaa"])
            #expect(try store.resolveRunId("20250101") == "20250101-aaaa")
            #expect(try store.resolveRunId("20250102-bbc") == "20250102-bbcc")
            #expect(try store.resolveRunId("20250102-bbbb") == "20250102-bbbb")
            #expect(try store.resolveRunId("2026") == nil)
            let error = #expect(throws: StoreError.self) { try store.resolveRunId("20250102") }
            #expect(error?.code == .ambiguousRunId)
        }
    }

    @Test func nilFieldsAreStoredAsNullAndReadBackAsNil() async throws {
        try await StoreFixtures.withStore { store in
            try store.insertRun(
                RunInfo(
                    id: "r", name: "n", scenarioYAML: "", configJSON: "{}", startedAt: "2025-01-01T00:00:00Z",
                    harnessVersion: "0", host: "h"))
            let bare = TurnResult(turnIndex: 0, utterance: "u.wav", outcome: .noResponse)
            let session = SessionResult(
                callerIndex: 0, sessionIndex: 0, transport: "websocket", dialect: "chorus", codec: "pcm16/16000",
                networkProfile: "clean", intendedStartMs: 0, startedMs: 0, connectMs: nil, endedMs: 5,
                outcome: .connectFailed, error: nil, turns: [bare])
            try store.insertSessions([session], runId: "r")
            let turn = try #require(try store.rawRows(sql: "SELECT * FROM turns").first)
            for column in [
                "eos_ms", "eos_late_ms", "ttfa_ms", "ttfa_audible_ms", "voice_to_voice_ms", "response_ms",
                "response_audio_ms", "bargein_ms",
            ] {
                #expect(turn[column] == .null, "turns.\(column)")
            }
            let row = try #require(try store.rawRows(sql: "SELECT connect_ms, error FROM sessions").first)
            #expect(row["connect_ms"] == StoredValue.null)
            let errorColumn = row["error"]
            #expect(errorColumn == StoredValue.null)
            let run = try #require(try store.rawRows(sql: "SELECT ended_at, invalid_reason, git_commit FROM runs").first)
            #expect(run.values.allSatisfy { $0.isNull })
            #expect(try store.sessions(runId: "r") == [session])
            #expect(try store.run(id: "r")?.gitCommit == nil)
        }
    }

    @Test func samplesAndGatesRoundTripAndGatesAreReplaced() async throws {
        try await StoreFixtures.withStore { store in
            let samples = (0..<5).map(StoreFixtures.sample)
            try store.insertSamples(samples.reversed(), runId: "r")
            #expect(try store.samples(runId: "r") == samples)
            let first = [
                GateResult(metric: "ttfa.p95", comparator: "<", threshold: 900, observed: 812.5, passed: true),
                GateResult(metric: "errors.rate", comparator: "<", threshold: 1, observed: nil, passed: false),
            ]
            try store.replaceGates(first, runId: "r")
            #expect(try store.gates(runId: "r") == first)
            let second = [
                GateResult(
                    metric: "ttfa.p99", comparator: "<=", threshold: 1200, observed: 1300, passed: false,
                    baselineRunId: "base")
            ]
            try store.replaceGates(second, runId: "r")
            #expect(try store.gates(runId: "r") == second)
            let baseline = [
                GateResult(
                    metric: "ttfa.p95", comparator: "<=", threshold: 525, observed: 580, passed: false,
                    baselineRunId: "base", cell: "websocket/4g", kind: .baseline, verdict: .fail, baselineObserved: 500,
                    delta: 80, ciLow: 41.5, ciHigh: 120.25, pValue: 0.0004, tolerance: 25, samples: 400,
                    baselineSamples: 390, baselineSource: "main.sqlite"),
                GateResult(
                    metric: "ttfa.p99", comparator: "<=", threshold: 0, observed: 700, passed: false, kind: .baseline,
                    verdict: .inconclusive, samples: 100, baselineSamples: 90, neededSamples: 368,
                    note: "too few turns"),
            ]
            try store.replaceGates(baseline, runId: "r")
            #expect(try store.gates(runId: "r") == baseline)
        }
    }

    @Test func tagsNameRunsAndBaselinesResolve() async throws {
        try await StoreFixtures.withStore { store in
            try store.insertRun(StoreFixtures.run("20250101-100000-aaaa", startedAt: "2025-01-01T10:00:00Z"))
            try store.insertRun(StoreFixtures.run("20250101-110000-bbbb", startedAt: "2025-01-01T11:00:00Z"))
            try store.insertRun(StoreFixtures.run("20250101-120000-cccc", startedAt: "2025-01-01T12:00:00Z"))
            try store.insertRun(StoreFixtures.run("20250101-130000-dddd", startedAt: "2025-01-01T13:00:00Z", name: "other"))
            for id in ["20250101-100000-aaaa", "20250101-110000-bbbb", "20250101-120000-cccc", "20250101-130000-dddd"] {
                try store.finishRun(id: id, endedAt: "2025-01-01T14:00:00Z", status: .completed, valid: true, invalidReason: nil)
            }
            // b failed a gate, c is the run being gated: a is the latest passing run of quickstart before c.
            try store.replaceGates(
                [GateResult(metric: "ttfa.p95", comparator: "<", threshold: 900, observed: 950, passed: false)],
                runId: "20250101-110000-bbbb")
            #expect(try store.latestPassingRunId(scenario: "quickstart", excluding: "20250101-120000-cccc") == "20250101-100000-aaaa")
            #expect(try store.latestPassingRunId(scenario: "quickstart") == "20250101-120000-cccc")
            #expect(try store.latestPassingRunId(scenario: "nothing") == nil)

            try store.tag(runId: "20250101-100000-aaaa", name: "release-1.4", at: "2025-01-02T00:00:00Z")
            #expect(try store.resolveBaseline("release-1.4", scenario: "quickstart") == "20250101-100000-aaaa")
            try store.tag(runId: "20250101-110000-bbbb", name: "release-1.4", at: "2025-01-03T00:00:00Z")
            #expect(try store.runId(tagged: "release-1.4") == "20250101-110000-bbbb", "a tag moves")
            try store.tag(runId: "20250101-110000-bbbb", name: "rc/2", at: "2025-01-03T00:00:00Z")
            #expect(try store.tagsByRun() == ["20250101-110000-bbbb": ["rc/2", "release-1.4"]])
            #expect(try store.resolveBaseline("20250101-12", scenario: "quickstart") == "20250101-120000-cccc")
            #expect(try store.resolveBaseline("latest-passing", scenario: "other") == "20250101-130000-dddd")

            for bad in ["latest", "latest-passing", "", "has space", String(repeating: "x", count: 65)] {
                #expect(throws: StoreError.self, "\(bad)") {
                    try store.tag(runId: "20250101-100000-aaaa", name: bad, at: "2025-01-02T00:00:00Z")
                }
            }
            #expect(throws: StoreError.self) { try store.tag(runId: "missing", name: "x", at: "2025-01-02T00:00:00Z") }
        }
    }

    @Test func reopeningKeepsDataAndMigratesOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chorus-reopen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("chorus.sqlite").path
        do {
            let store = try ResultStore(path: path)
            try store.insertRun(StoreFixtures.run("kept"))
        }
        let again = try ResultStore(path: path)
        #expect(try again.runs().map(\.id) == ["kept"])
    }

    @Test func unopenableFileThrowsAMessageNamingIt() {
        let error = #expect(throws: StoreError.self) {
            _ = try ResultStore(path: "/proc/chorus-cannot-exist/results.sqlite")
        }
        #expect(error?.code == .open)
        #expect(error?.description.contains("/proc/chorus-cannot-exist") == true)
    }

    @Test func duplicateRunIdIsAWriteErrorNamingTheRun() async throws {
        try await StoreFixtures.withStore { store in
            try store.insertRun(StoreFixtures.run("dup"))
            let error = #expect(throws: StoreError.self) { try store.insertRun(StoreFixtures.run("dup")) }
            #expect(error?.code == .write)
            #expect(error?.description.contains("dup") == true)
        }
    }
}
