/// How one direction of a session's media arrived (the `network_stats` table); nil where the transport cannot know.
public struct NetworkStats: Sendable, Codable, Hashable {
    /// `up` (caller → agent) or `down` (agent → caller).
    public var direction: String
    public var packetsSent: Int?
    public var packetsReceived: Int?
    public var lost: Int?
    /// Packets that arrived after their playout time (discarded by the jitter buffer).
    public var late: Int?
    public var reordered: Int?
    public var duplicated: Int?
    /// RFC 3550 interarrival jitter.
    public var jitterMs: Double?
    /// Loss after the jitter buffer: lost plus late, as a share of expected frames.
    public var effectiveLossPct: Double?
    public var concealedMs: Double?
    public var rFactor: Double?
    public var mos: Double?

    public init(
        direction: String, packetsSent: Int? = nil, packetsReceived: Int? = nil, lost: Int? = nil, late: Int? = nil,
        reordered: Int? = nil, duplicated: Int? = nil, jitterMs: Double? = nil, effectiveLossPct: Double? = nil,
        concealedMs: Double? = nil, rFactor: Double? = nil, mos: Double? = nil
    ) {
        self.direction = direction
        self.packetsSent = packetsSent
        self.packetsReceived = packetsReceived
        self.lost = lost
        self.late = late
        self.reordered = reordered
        self.duplicated = duplicated
        self.jitterMs = jitterMs
        self.effectiveLossPct = effectiveLossPct
        self.concealedMs = concealedMs
        self.rFactor = rFactor
        self.mos = mos
    }
}
