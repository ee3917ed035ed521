import ChorusCore

/// How a session ended, as the handler saw it; the connector adds connect timing.
public struct CallerReport: Sendable {
    public var turns: [TurnResult]
    public var outcome: Outcome
    public var error: String?
    /// Per-direction media statistics, for transports that see packets.
    public var network: [NetworkStats] = []
    /// The agent's media clock against the caller's over the call, ppm; nil when too little media arrived.
    public var clockDriftPpm: Double?

    public init(turns: [TurnResult], outcome: Outcome, error: String? = nil, network: [NetworkStats] = []) {
        self.turns = turns
        self.outcome = outcome
        self.error = error
        self.network = network
    }
}

/// Tells a caller's handler that the handshake is done and the call may start.
public struct CallerStart: Sendable {
    public init() {}
}

/// Asks a running caller to stop: the current turn is recorded as `interrupted` and the call hangs up.
public struct CallerInterrupt: Sendable {
    public init() {}
}
