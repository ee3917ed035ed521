internal import GRDB

/// The schema of the results database, as named raw-SQL migrations (docs/schema.md).
///
/// A migration is never edited once it has shipped: a change to the schema is a new migration appended here.
/// They use no app types, so old databases migrate the same way whatever the code has become.
enum StoreMigrations {
    /// Every migration, in the order it runs.
    static let all: [(name: String, sql: String)] = [
        ("v1-runs-sessions-turns", v1RunsSessionsTurns),
        ("v2-network-samples-gates", v2NetworkSamplesGates),
        ("v3-response-attribution", v3ResponseAttribution),
        ("v4-baseline-gates-tags", v4BaselineGatesTags),
        ("v5-webrtc-connect-phases", v5WebRTCConnectPhases),
        ("v6-drift", v6Drift),
        ("v7-shards", v7Shards),
        ("v8-bargein", v8BargeIn),
    ]

    /// A migrator holding `all`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in Self.all {
            let sql = migration.sql
            migrator.registerMigration(migration.name) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    static let v1RunsSessionsTurns = """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            scenario_yaml TEXT NOT NULL,
            config_json TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL,
            valid INTEGER NOT NULL,
            invalid_reason TEXT,
            harness_version TEXT NOT NULL,
            host TEXT NOT NULL,
            git_commit TEXT
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            caller_index INTEGER NOT NULL,
            session_index INTEGER NOT NULL,
            transport TEXT NOT NULL,
            dialect TEXT NOT NULL,
            codec TEXT NOT NULL,
            network_profile TEXT NOT NULL,
            intended_start_ms REAL NOT NULL,
            started_ms REAL NOT NULL,
            connect_ms REAL,
            ended_ms REAL NOT NULL,
            turns_completed INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            error TEXT
        );
        CREATE INDEX sessions_run_id ON sessions(run_id, session_index);
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            turn_index INTEGER NOT NULL,
            utterance TEXT NOT NULL,
            eos_ms REAL,
            eos_late_ms REAL,
            ttfa_ms REAL,
            ttfa_audible_ms REAL,
            voice_to_voice_ms REAL,
            response_ms REAL,
            response_audio_ms REAL,
            stall_count INTEGER NOT NULL,
            stall_ms REAL NOT NULL,
            outcome TEXT NOT NULL,
            bargein_ms REAL
        );
        CREATE INDEX turns_run_id ON turns(run_id);
        CREATE INDEX turns_session_id ON turns(session_id, turn_index);
        """

    static let v2NetworkSamplesGates = """
        CREATE TABLE network_stats (
            run_id TEXT NOT NULL,
            session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
            direction TEXT NOT NULL,
            packets_sent INTEGER,
            packets_received INTEGER,
            lost INTEGER,
            late INTEGER,
            reordered INTEGER,
            duplicated INTEGER,
            jitter_ms REAL,
            effective_loss_pct REAL,
            concealed_ms REAL,
            r_factor REAL,
            mos REAL
        );
        CREATE INDEX network_stats_run_id ON network_stats(run_id);
        CREATE TABLE samples (
            run_id TEXT NOT NULL,
            t_ms REAL NOT NULL,
            active_sessions INTEGER NOT NULL,
            turns_per_s REAL NOT NULL,
            send_late_p99_us REAL NOT NULL,
            loop_lag_p99_us REAL NOT NULL,
            cpu_pct REAL NOT NULL,
            rss_mb REAL NOT NULL
        );
        CREATE INDEX samples_run_id ON samples(run_id, t_ms);
        CREATE TABLE gates (
            run_id TEXT NOT NULL,
            metric TEXT NOT NULL,
            comparator TEXT NOT NULL,
            threshold REAL NOT NULL,
            observed REAL,
            passed INTEGER NOT NULL,
            baseline_run_id TEXT
        );
        CREATE INDEX gates_run_id ON gates(run_id);
        """

    static let v3ResponseAttribution = """
        ALTER TABLE sessions ADD COLUMN ttfa_floor_ms REAL;
        ALTER TABLE turns ADD COLUMN late_audio_ms REAL NOT NULL DEFAULT 0;
        ALTER TABLE turns ADD COLUMN early_audio_ms REAL NOT NULL DEFAULT 0;
        ALTER TABLE turns ADD COLUMN eos_up_delay_ms REAL;
        ALTER TABLE turns ADD COLUMN first_audio_down_delay_ms REAL;
        """

    static let v4BaselineGatesTags = """
        ALTER TABLE gates ADD COLUMN cell TEXT;
        ALTER TABLE gates ADD COLUMN kind TEXT NOT NULL DEFAULT 'threshold';
        ALTER TABLE gates ADD COLUMN verdict TEXT;
        UPDATE gates SET verdict = CASE passed WHEN 1 THEN 'pass' ELSE 'fail' END;
        ALTER TABLE gates ADD COLUMN baseline_observed REAL;
        ALTER TABLE gates ADD COLUMN delta REAL;
        ALTER TABLE gates ADD COLUMN ci_low REAL;
        ALTER TABLE gates ADD COLUMN ci_high REAL;
        ALTER TABLE gates ADD COLUMN p_value REAL;
        ALTER TABLE gates ADD COLUMN tolerance REAL;
        ALTER TABLE gates ADD COLUMN samples INTEGER;
        ALTER TABLE gates ADD COLUMN baseline_samples INTEGER;
        ALTER TABLE gates ADD COLUMN needed_samples INTEGER;
        ALTER TABLE gates ADD COLUMN baseline_db TEXT;
        ALTER TABLE gates ADD COLUMN note TEXT;
        CREATE TABLE tags (
            name TEXT PRIMARY KEY NOT NULL,
            run_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX tags_run_id ON tags(run_id);
        """

    static let v5WebRTCConnectPhases = """
        ALTER TABLE sessions ADD COLUMN signalling_ms REAL;
        ALTER TABLE sessions ADD COLUMN ice_ms REAL;
        ALTER TABLE sessions ADD COLUMN dtls_ms REAL;
        ALTER TABLE sessions ADD COLUMN first_media_ms REAL;
        """

    static let v6Drift = """
        ALTER TABLE sessions ADD COLUMN ttfa_slope_ms_per_turn REAL;
        ALTER TABLE sessions ADD COLUMN ttfa_slope_low REAL;
        ALTER TABLE sessions ADD COLUMN ttfa_slope_high REAL;
        ALTER TABLE sessions ADD COLUMN v2v_slope_ms_per_turn REAL;
        ALTER TABLE sessions ADD COLUMN v2v_slope_low REAL;
        ALTER TABLE sessions ADD COLUMN v2v_slope_high REAL;
        ALTER TABLE sessions ADD COLUMN clock_drift_ppm REAL;
        """

    static let v7Shards = """
        ALTER TABLE runs ADD COLUMN shard_index INTEGER;
        ALTER TABLE runs ADD COLUMN shard_count INTEGER;
        ALTER TABLE runs ADD COLUMN scenario_hash TEXT;
        ALTER TABLE runs ADD COLUMN start_at TEXT;
        ALTER TABLE runs ADD COLUMN start_late_ms REAL;
        ALTER TABLE sessions ADD COLUMN shard_index INTEGER;
        ALTER TABLE samples ADD COLUMN shard_index INTEGER;
        CREATE TABLE run_shards (
            run_id TEXT NOT NULL,
            shard_index INTEGER NOT NULL,
            shard_count INTEGER NOT NULL,
            state TEXT NOT NULL,
            source TEXT,
            source_run_id TEXT,
            host TEXT,
            started_at TEXT,
            ended_at TEXT,
            status TEXT,
            valid INTEGER,
            invalid_reason TEXT,
            start_late_ms REAL,
            sessions INTEGER,
            turns INTEGER
        );
        CREATE INDEX run_shards_run_id ON run_shards(run_id, shard_index);
        """

    /// Barge-in per interrupting turn; `bargein_ms` has existed since v1.
    static let v8BargeIn = """
        ALTER TABLE turns ADD COLUMN bargein_stop_ms REAL;
        ALTER TABLE turns ADD COLUMN leaked_audio_ms REAL;
        ALTER TABLE turns ADD COLUMN bargein_missed INTEGER;
        """
}
