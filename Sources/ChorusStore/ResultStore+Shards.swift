import ChorusCore
import Foundation
internal import GRDB

// MARK: - Sharded runs: provenance and merging (docs/distributed.md)

/// What a run records about where it stands in a distributed run (the v7 columns of `runs`).
public struct RunProvenance: Sendable, Hashable {
    /// Shard index; nil for an unsharded or a merged run.
    public var shardIndex: Int?
    /// Shard count; nil for an unsharded run, N for a shard or a merged run.
    public var shardCount: Int?
    /// `ScenarioFingerprint` of the scenario text and overrides.
    public var scenarioHash: String?
    /// The common start instant (`CHORUS_START_AT`) as given.
    public var startAt: String?
    /// How late the shard woke after `startAt`, ms.
    public var startLateMs: Double?

    public init(
        shardIndex: Int? = nil, shardCount: Int? = nil, scenarioHash: String? = nil, startAt: String? = nil,
        startLateMs: Double? = nil
    ) {
        self.shardIndex = shardIndex
        self.shardCount = shardCount
        self.scenarioHash = scenarioHash
        self.startAt = startAt
        self.startLateMs = startLateMs
    }
}

/// Rows `ResultStore.importShard` copied.
public struct ShardCopy: Sendable, Hashable {
    /// Rows per table.
    public var rows: [String: Int] = [:]
    /// Rows of every table together.
    public var total: Int { self.rows.values.reduce(0, +) }
}

extension ResultStore {
    /// Records a run's shard index and count, scenario hash and start instant.
    public func recordProvenance(_ p: RunProvenance, runId: String) throws {
        try self.write("record the shard of run \(runId)") { db in
            try db.execute(
                sql: """
                    UPDATE runs SET shard_index = ?, shard_count = ?, scenario_hash = ?, start_at = ?,
                        start_late_ms = ? WHERE id = ?
                    """,
                arguments: [p.shardIndex, p.shardCount, p.scenarioHash, p.startAt, p.startLateMs, runId])
        }
    }

    /// A run's shard index and count, scenario hash and start instant; nil when there is no such run.
    public func provenance(runId: String) throws -> RunProvenance? {
        try self.read("read the shard of run \(runId)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [runId]).map {
                RunProvenance(
                    shardIndex: $0["shard_index"], shardCount: $0["shard_count"], scenarioHash: $0["scenario_hash"],
                    startAt: $0["start_at"], startLateMs: $0["start_late_ms"])
            }
        }
    }

    /// Every run in the results file at `path`, read without changing the file, newest first.
    ///
    /// - Throws: `StoreError` `.open` when the file is missing or not a Chorus results database.
    public static func shardRuns(path: String) throws -> [ShardRun] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.open, "\(path): no such file")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            return try queue.read { db in
                guard try db.tableExists("runs") else {
                    throw StoreError(.open, "\(path) is not a Chorus results database (it has no runs table)")
                }
                let hasSessions = try db.tableExists("sessions"), hasTurns = try db.tableExists("turns")
                return try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at DESC, rowid DESC").map { row in
                    let id: String = row["id"]
                    let sessions = hasSessions
                        ? try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions WHERE run_id = ?", arguments: [id]) ?? 0 : 0
                    let turns = hasTurns
                        ? try Int.fetchOne(db, sql: "SELECT count(*) FROM turns WHERE run_id = ?", arguments: [id]) ?? 0 : 0
                    return ShardRun(
                        path: path, runId: id, name: row["name"], shardIndex: row["shard_index"],
                        shardCount: row["shard_count"], scenarioHash: row["scenario_hash"],
                        harnessVersion: row["harness_version"], host: row["host"], startedAt: row["started_at"],
                        endedAt: row["ended_at"], status: row["status"], valid: row["valid"],
                        invalidReason: row["invalid_reason"], startAt: row["start_at"], startLateMs: row["start_late_ms"],
                        sessions: sessions, turns: turns)
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.open, "cannot read \(path) as a Chorus results database: \(error)")
        }
    }

    /// The run row `runId` of the results file at `path`, read without changing the file; nil when absent.
    public static func runInfo(path: String, runId: String) throws -> RunInfo? {
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            return try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [runId]).map { row in
                    RunInfo(
                        id: row["id"], name: row["name"], scenarioYAML: row["scenario_yaml"],
                        configJSON: row["config_json"], startedAt: row["started_at"], endedAt: row["ended_at"],
                        status: RunInfo.Status(rawValue: row["status"]) ?? .failed, valid: row["valid"],
                        invalidReason: row["invalid_reason"], harnessVersion: row["harness_version"],
                        host: row["host"], gitCommit: row["git_commit"])
                }
            }
        } catch {
            throw StoreError(.read, "cannot read run \(runId) from \(path): \(error)")
        }
    }

    /// Copies every per-run row of run `sourceRunId` in the results file `path` into run `runId` of this store:
    /// each table with a `run_id` column but `runs`, `gates`, `tags` and `run_shards`, all columns the two files
    /// share (columns added by later migrations flow through without code here).
    ///
    /// Row ids are renumbered past this store's largest, and columns that reference them (declared foreign keys,
    /// like `turns.session_id`) follow; a `shard_index` column is set to `shardIndex`. One ATTACH and one
    /// INSERT … SELECT per table, in one transaction. The shard's tables are scanned in row order rather than
    /// through their run_id index: a shard file normally holds its one run, and the scan reads each page once.
    public func importShard(path: String, sourceRunId: String, into runId: String, shardIndex: Int) throws -> ShardCopy {
        try self.writeWithoutTransaction("copy run \(sourceRunId) of \(path)") { db in
            try db.execute(sql: "ATTACH DATABASE ? AS shard", arguments: [path])
            defer { try? db.execute(sql: "DETACH DATABASE shard") }
            var copy = ShardCopy()
            try db.inTransaction {
                copy = try Self.copyTables(db, sourceRunId: sourceRunId, runId: runId, shardIndex: shardIndex)
                return .commit
            }
            return copy
        }
    }

    /// Numbers the sessions of run `runId` 0, 1, 2… by intended start (then shard, then former index), so a merged
    /// run's `session_index` is unique again.
    public func renumberSessions(runId: String) throws {
        try self.write("renumber the sessions of run \(runId)") { db in
            try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS session_order (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
            try db.execute(sql: "DELETE FROM session_order")
            try db.execute(
                sql: """
                    INSERT INTO session_order (id, n)
                    SELECT id, ROW_NUMBER() OVER (ORDER BY intended_start_ms, shard_index, session_index, id) - 1
                    FROM sessions WHERE run_id = ?
                    """, arguments: [runId])
            try db.execute(
                sql: """
                    UPDATE sessions SET session_index = (SELECT n FROM session_order o WHERE o.id = sessions.id)
                    WHERE run_id = ?
                    """, arguments: [runId])
            try db.execute(sql: "DROP TABLE session_order")
        }
    }

    /// Stores the merged run's shard list (`run_shards`), replacing any earlier one.
    public func recordShards(_ plan: ShardMergePlan) throws {
        try self.write("record the shards of run \(plan.runId)") { db in
            try db.execute(sql: "DELETE FROM run_shards WHERE run_id = ?", arguments: [plan.runId])
            for e in plan.entries {
                let r = e.run
                try db.execute(
                    sql: """
                        INSERT INTO run_shards (run_id, shard_index, shard_count, state, source, source_run_id, host,
                            started_at, ended_at, status, valid, invalid_reason, start_late_ms, sessions, turns)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        plan.runId, e.index, plan.shardCount, e.state.rawValue, r?.path, r?.runId, r?.host,
                        r?.startedAt, r?.endedAt, r?.status, r.map { $0.valid && e.problem == nil }, e.problem,
                        r?.startLateMs, r?.sessions, r?.turns,
                    ])
            }
        }
    }

    // MARK: - Copying

    private static let notCopied: Set<String> = ["runs", "gates", "tags", "run_shards"]

    private static func copyTables(_ db: Database, sourceRunId: String, runId: String, shardIndex: Int) throws
        -> ShardCopy
    {
        let shardTables = try String.fetchAll(
            db, sql: "SELECT name FROM shard.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        var tables: [(name: String, columns: [String], pk: String?)] = []
        for t in shardTables where !Self.notCopied.contains(t) {
            let mine = try Self.tableInfo(db, schema: "main", table: t)
            let theirs = Set(try Self.tableInfo(db, schema: "shard", table: t).map(\.name))
            let shared = mine.filter { theirs.contains($0.name) }
            guard shared.contains(where: { $0.name == "run_id" }) else { continue }
            let pk = mine.first(where: { $0.pk && $0.type.uppercased() == "INTEGER" })?.name
            tables.append((t, shared.map(\.name), pk))
        }
        // Each table's ids move past this store's largest; computed before any insert.
        var offsets: [String: Int64] = [:]
        for t in tables {
            guard let pk = t.pk else { continue }
            offsets[t.name] = try Int64.fetchOne(db, sql: "SELECT coalesce(max(\(pk)), 0) FROM main.\(Self.quote(t.name))") ?? 0
        }
        var copy = ShardCopy()
        for t in tables {
            let references = try Row.fetchAll(db, sql: "SELECT * FROM pragma_foreign_key_list(?, 'shard')", arguments: [t.name])
            var referenced: [String: String] = [:]
            for r in references {
                let from: String = r["from"], table: String = r["table"]
                referenced[from] = table
            }
            let select = t.columns.map { c -> String in
                if c == t.pk, let o = offsets[t.name] { return "\(Self.quote(c)) + \(o)" }
                if let table = referenced[c], let o = offsets[table] { return "\(Self.quote(c)) + \(o)" }
                if c == "run_id" { return "?" }
                if c == "shard_index" { return "\(shardIndex)" }
                return Self.quote(c)
            }
            let names = t.columns.map(Self.quote).joined(separator: ", ")
            try db.execute(
                sql: """
                    INSERT INTO main.\(Self.quote(t.name)) (\(names))
                    SELECT \(select.joined(separator: ", ")) FROM shard.\(Self.quote(t.name)) NOT INDEXED WHERE run_id = ?
                    """,
                arguments: [runId, sourceRunId])
            copy.rows[t.name] = db.changesCount
        }
        return copy
    }

    private static func tableInfo(_ db: Database, schema: String, table: String) throws
        -> [(name: String, type: String, pk: Bool)]
    {
        try Row.fetchAll(db, sql: "SELECT name, type, pk FROM pragma_table_info(?, ?) ORDER BY cid", arguments: [table, schema])
            .map { row in
                let name: String = row["name"], type: String = row["type"], pk: Int = row["pk"]
                return (name, type, pk > 0)
            }
    }

    private static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Runs `body` on the connection outside a transaction (ATTACH cannot run inside one).
    func writeWithoutTransaction<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try self.queue.writeWithoutTransaction(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.write, "cannot \(what) in \(self.path): \(error)")
        }
    }
}
