import ChorusCore
internal import GRDB

// MARK: - Tags and baselines

extension ResultStore {
    /// Words a tag cannot be, because `chorus gate --baseline` reads them as run selectors.
    public static let reservedTagNames: Set<String> = ["latest", "latest-passing", "none"]

    /// Names run `runId` `name` (`release-1.4`), moving the name if another run held it.
    /// - Throws: `StoreError` `.invalidTag` for a reserved or malformed name, `.runNotFound` for an unknown run.
    public func tag(runId: String, name: String, at createdAt: String) throws {
        if let problem = Self.tagProblem(name) { throw StoreError(.invalidTag, problem) }
        guard try self.run(id: runId) != nil else {
            throw StoreError(.runNotFound, "no run with id '\(runId)' in \(self.path)")
        }
        try self.write("tag run \(runId) as \(name)") { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO tags (name, run_id, created_at) VALUES (?, ?, ?)",
                arguments: [name, runId, createdAt])
        }
    }

    /// Why `name` cannot be a tag, or nil when it can: 1–64 letters, digits, `.`, `_`, `-`, `/`, `+`, not a
    /// reserved word.
    public static func tagProblem(_ name: String) -> String? {
        if Self.reservedTagNames.contains(name) {
            return "'\(name)' is reserved (it selects a run); choose another tag name"
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+")
        guard (1...64).contains(name.count), name.allSatisfy({ allowed.contains($0) }) else {
            return "tag '\(name)' must be 1 to 64 letters, digits, '.', '_', '-', '/' or '+'"
        }
        return nil
    }

    /// Every tag, by the run it names; each run's tags sorted.
    public func tagsByRun() throws -> [String: [String]] {
        try self.read("list tags") { db in
            var tags: [String: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, run_id FROM tags ORDER BY name") {
                tags[row["run_id"], default: []].append(row["name"])
            }
            return tags
        }
    }

    /// The run tagged `name`, or nil.
    public func runId(tagged name: String) throws -> String? {
        try self.read("read tag \(name)") { db in
            try String.fetchOne(db, sql: "SELECT run_id FROM tags WHERE name = ?", arguments: [name])
        }
    }

    /// The newest run of scenario `name` that completed, is valid and failed none of its stored gates, other than
    /// `excluding`; nil when there is none.
    public func latestPassingRunId(scenario name: String, excluding: String? = nil) throws -> String? {
        try self.read("find the latest passing run of \(name)") { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT id FROM runs r
                    WHERE name = ? AND status = 'completed' AND valid = 1 AND id IS NOT ?
                        AND NOT EXISTS (SELECT 1 FROM gates g WHERE g.run_id = r.id AND g.passed = 0)
                    ORDER BY started_at DESC, rowid DESC LIMIT 1
                    """,
                arguments: [name, excluding])
        }
    }

    /// The baseline a user meant: `latest-passing` (of scenario `scenario`, never `excluding`), a tag, or a run id,
    /// unique prefix or `latest` (`resolveRunId`), in that order.
    /// - Returns: nil when nothing matches.
    public func resolveBaseline(_ spec: String, scenario: String, excluding: String? = nil) throws -> String? {
        if spec == "latest-passing" { return try self.latestPassingRunId(scenario: scenario, excluding: excluding) }
        if let tagged = try self.runId(tagged: spec) { return tagged }
        return try self.resolveRunId(spec)
    }
}
