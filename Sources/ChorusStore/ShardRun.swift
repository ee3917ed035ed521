/// What a results file says about one shard's run (`runs` row with its v7 shard columns), for `chorus merge`.
public struct ShardRun: Sendable, Hashable {
    /// The file it was read from.
    public var path: String
    public var runId: String
    public var name: String
    /// Shard index and count; nil for a run that was not sharded.
    public var shardIndex: Int?
    public var shardCount: Int?
    public var scenarioHash: String?
    public var harnessVersion: String
    public var host: String
    public var startedAt: String
    /// Nil when the shard never recorded its end: it crashed or was killed.
    public var endedAt: String?
    /// `running`, `completed`, `aborted`, `failed`.
    public var status: String
    public var valid: Bool
    public var invalidReason: String?
    /// The common start instant it waited for (`CHORUS_START_AT`), and how late it woke.
    public var startAt: String?
    public var startLateMs: Double?
    public var sessions: Int
    public var turns: Int

    public init(
        path: String, runId: String, name: String = "", shardIndex: Int?, shardCount: Int?, scenarioHash: String?,
        harnessVersion: String, host: String = "", startedAt: String = "", endedAt: String?, status: String,
        valid: Bool, invalidReason: String? = nil, startAt: String? = nil, startLateMs: Double? = nil,
        sessions: Int = 0, turns: Int = 0
    ) {
        self.path = path
        self.runId = runId
        self.name = name
        self.shardIndex = shardIndex
        self.shardCount = shardCount
        self.scenarioHash = scenarioHash
        self.harnessVersion = harnessVersion
        self.host = host
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.status = status
        self.valid = valid
        self.invalidReason = invalidReason
        self.startAt = startAt
        self.startLateMs = startLateMs
        self.sessions = sessions
        self.turns = turns
    }

    /// Why this shard, taken on its own, cannot vouch for its part of the run; nil when it can.
    public var problem: String? {
        if self.endedAt == nil || self.status == "running" { return "crashed (no end recorded)" }
        if self.status == "aborted" { return "aborted by the user" }
        if self.status == "failed" { return "failed" }
        if !self.valid { return self.invalidReason ?? "invalid" }
        return nil
    }
}
