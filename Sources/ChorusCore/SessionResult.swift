/// What one simulated call measured: connect, its turns, hang-up.
///
/// Times are milliseconds from the start of the run (`*Ms` offsets) or durations (`connectMs`).
public struct SessionResult: Sendable, Codable, Hashable {
    /// Which caller slot ran the session (0-based); several sessions share a slot when `load.duration` repeats them.
    public var callerIndex: Int
    /// Sequence number of the session within the run (0-based), unique per run.
    public var sessionIndex: Int
    public var transport: String
    public var dialect: String
    public var codec: String
    public var networkProfile: String
    /// When the schedule wanted the session to start.
    public var intendedStartMs: Double
    /// When it actually started connecting.
    public var startedMs: Double
    /// TCP connect plus protocol handshake; nil if it never connected.
    public var connectMs: Double?
    public var endedMs: Double
    public var outcome: Outcome
    /// A human-readable reason for a failed outcome (never a secret).
    public var error: String?
    public var turns: [TurnResult]
    /// Per-direction media statistics (RTP sessions); empty for transports that cannot see packets.
    public var network: [NetworkStats] = []
    /// The smallest TTFA the session's impaired link allows (its smallest one-way delays up plus down), milliseconds;
    /// nil on a clean link. A turn below it is impossible (`TurnResult.isImplausible`).
    public var ttfaFloorMs: Double?
    /// Where a WebRTC call's connect time went (signalling, ICE, DTLS, first media); nil for other transports.
    public var connectPhases: ConnectPhases?
    /// How fast the agent's media clock ran against the caller's over the session, ppm (+ fast); nil when too little
    /// media arrived to tell (docs/metrics.md, "Clock drift").
    public var clockDriftPpm: Double?

    public init(
        callerIndex: Int, sessionIndex: Int, transport: String, dialect: String, codec: String,
        networkProfile: String, intendedStartMs: Double, startedMs: Double, connectMs: Double?, endedMs: Double,
        outcome: Outcome, error: String?, turns: [TurnResult], network: [NetworkStats] = [], ttfaFloorMs: Double? = nil
    ) {
        self.ttfaFloorMs = ttfaFloorMs
        self.network = network
        self.callerIndex = callerIndex
        self.sessionIndex = sessionIndex
        self.transport = transport
        self.dialect = dialect
        self.codec = codec
        self.networkProfile = networkProfile
        self.intendedStartMs = intendedStartMs
        self.startedMs = startedMs
        self.connectMs = connectMs
        self.endedMs = endedMs
        self.outcome = outcome
        self.error = error
        self.turns = turns
    }

    /// Turns whose outcome is `ok`.
    public var turnsCompleted: Int { self.turns.count { $0.outcome == .ok } }

    /// Turns whose TTFA is below the link's physical minimum.
    public var implausibleTurns: Int { self.turns.count { $0.isImplausible(floorMs: self.ttfaFloorMs) } }
}
