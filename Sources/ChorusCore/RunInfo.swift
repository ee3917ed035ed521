/// One execution of a scenario, as stored in the `runs` table.
public struct RunInfo: Sendable, Codable, Hashable {
    /// Lifecycle of a run. `aborted` means the user stopped it; what was measured is kept.
    public enum Status: String, Sendable, Codable {
        case running, completed, aborted, failed
    }

    public var id: String
    public var name: String
    public var scenarioYAML: String
    public var configJSON: String
    /// Wall-clock start, ISO 8601.
    public var startedAt: String
    public var endedAt: String?
    public var status: Status
    /// False when the harness, not the agent, was the bottleneck; `invalidReason` says why.
    public var valid: Bool
    public var invalidReason: String?
    public var harnessVersion: String
    public var host: String
    public var gitCommit: String?

    public init(
        id: String, name: String, scenarioYAML: String, configJSON: String, startedAt: String,
        endedAt: String? = nil, status: Status = .running, valid: Bool = true, invalidReason: String? = nil,
        harnessVersion: String, host: String, gitCommit: String? = nil
    ) {
        self.id = id
        self.name = name
        self.scenarioYAML = scenarioYAML
        self.configJSON = configJSON
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.status = status
        self.valid = valid
        self.invalidReason = invalidReason
        self.harnessVersion = harnessVersion
        self.host = host
        self.gitCommit = gitCommit
    }
}

/// One second of the harness watching itself (the `samples` table).
public struct HarnessSample: Sendable, Codable, Hashable {
    public var tMs: Double
    public var activeSessions: Int
    public var turnsPerSecond: Double
    public var sendLateP99Us: Double
    public var loopLagP99Us: Double
    public var cpuPct: Double
    public var rssMB: Double

    public init(
        tMs: Double, activeSessions: Int, turnsPerSecond: Double, sendLateP99Us: Double, loopLagP99Us: Double,
        cpuPct: Double, rssMB: Double
    ) {
        self.tMs = tMs
        self.activeSessions = activeSessions
        self.turnsPerSecond = turnsPerSecond
        self.sendLateP99Us = sendLateP99Us
        self.loopLagP99Us = loopLagP99Us
        self.cpuPct = cpuPct
        self.rssMB = rssMB
    }
}
