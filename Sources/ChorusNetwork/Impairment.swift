/// What the network does with one packet.
public enum PacketFate: Sendable, Hashable {
    /// The packet never arrives.
    case dropped(DropReason)
    /// The packet arrives at `atNs` (same clock as the send time); a duplicate copy arrives at `duplicateAtNs` too.
    case deliver(atNs: Int64, duplicateAtNs: Int64?)

    /// The arrival time, or nil when dropped.
    public var arrivalNs: Int64? {
        if case .deliver(let at, _) = self { return at }
        return nil
    }
}

/// Why a packet was dropped.
public enum DropReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The loss model lost it.
    case loss
    /// The rate limiter's drop-tail queue was full.
    case queueOverflow
    /// It was sent during an outage.
    case outage
}

/// Counts kept by an `Impairment`.
public struct ImpairmentStats: Sendable, Hashable, Codable {
    /// Packets offered to `decide`.
    public var sent = 0
    /// Packets delivered (duplicates not counted).
    public var delivered = 0
    /// Packets lost by the loss model.
    public var droppedByLoss = 0
    /// Packets dropped because the bottleneck queue was full.
    public var droppedByQueue = 0
    /// Packets dropped during an outage.
    public var droppedByOutage = 0
    /// Packets delivered twice.
    public var duplicated = 0
    /// Packets delivered earlier than a packet sent before them (by jitter or by explicit reordering).
    public var reordered = 0

    /// All drops, whatever the reason.
    public var dropped: Int { self.droppedByLoss + self.droppedByQueue + self.droppedByOutage }

    /// Drops for one reason.
    public func dropped(_ reason: DropReason) -> Int {
        switch reason {
        case .loss: return self.droppedByLoss
        case .queueOverflow: return self.droppedByQueue
        case .outage: return self.droppedByOutage
        }
    }

    /// A stats value with every count zero.
    public init() {}
}

/// One direction of one caller's link: decides, packet by packet, whether and when each packet arrives.
///
/// Pure and deterministic: the same profile, seed and sequence of calls give the same fates. A call does a few
/// arithmetic operations and random draws and never allocates (the struct holds no references), so transports
/// call it on the hot path. Loss, jitter, reordering/duplication and outages draw from separate seeded streams, so
/// the loss pattern for a seed does not change when, say, jitter is added.
///
/// Per packet, in order: outage → loss model → bottleneck queue (rate limit) → propagation delay + jitter (or, for a
/// packet picked by `reorderRate`, no delay) → duplication. Lost packets do not occupy the bottleneck.
public struct Impairment: Sendable {
    /// The profile this impairment applies.
    public let profile: NetworkProfile
    /// Counts so far.
    public private(set) var stats = ImpairmentStats()

    private var lossProcess: LossProcess
    private var jitterProcess: JitterProcess
    private var duplicateJitter: JitterProcess
    private var queue: BottleneckQueue
    private let outages: OutageSchedule
    private var events: ImpairmentRandom
    private let delayNs: Double
    private let hasOutages: Bool
    /// Latest arrival among packets that kept their place (the FIFO horizon when jitter must not reorder).
    private var fifoHorizonNs = Int64.min
    /// Latest arrival of any delivered packet, for counting reordering.
    private var latestArrivalNs = Int64.min

    /// An impairment for `profile` whose random choices are fixed by `seed`.
    public init(profile: NetworkProfile, seed: UInt64) {
        self.init(profile: profile, seed: seed, outageSeed: ImpairmentRandom.derivedSeed(seed, 5))
    }

    /// `outageSeed` is shared by the two directions of a link so that an outage hits both at once.
    init(profile: NetworkProfile, seed: UInt64, outageSeed: UInt64) {
        self.profile = profile
        self.lossProcess = LossProcess(model: profile.loss, random: ImpairmentRandom(seed: seed, stream: 1))
        self.jitterProcess = JitterProcess(
            model: profile.jitter, correlation: profile.correlation, random: ImpairmentRandom(seed: seed, stream: 2))
        self.duplicateJitter = JitterProcess(
            model: profile.jitter, correlation: 0, random: ImpairmentRandom(seed: seed, stream: 3))
        self.queue = BottleneckQueue(rateKbps: profile.rateKbps, queueMs: profile.queueMs)
        self.outages = OutageSchedule(outage: profile.outage, seed: outageSeed)
        self.events = ImpairmentRandom(seed: seed, stream: 4)
        self.delayNs = max(0, profile.delayMs) * 1_000_000
        self.hasOutages = profile.outage != nil
    }

    /// The fate of a packet of `bytes` bytes (its size on the wire) sent at `sendNs`.
    ///
    /// Call in send order; times are nanoseconds on any monotonic clock, and arrivals are on the same clock.
    public mutating func decide(sendNs: Int64, bytes: Int) -> PacketFate {
        self.stats.sent += 1
        // Every stream draws for every packet, so one packet's fate never shifts another stream's sequence.
        let lost = self.lossProcess.nextIsLost()
        let jitterNs = self.jitterProcess.nextOffsetNs()
        let overtakes = self.events.chance(self.profile.reorderRate)
        let duplicates = self.events.chance(self.profile.duplicateRate)
        let duplicateJitterNs = self.duplicateJitter.nextOffsetNs()

        if self.hasOutages && self.outages.isDown(atNs: sendNs) {
            self.stats.droppedByOutage += 1
            return .dropped(.outage)
        }
        if lost {
            self.stats.droppedByLoss += 1
            return .dropped(.loss)
        }
        guard let departNs = self.queue.departure(sendNs: sendNs, bytes: bytes) else {
            self.stats.droppedByQueue += 1
            return .dropped(.queueOverflow)
        }
        let arrivalNs = self.arrival(departNs: departNs, jitterNs: jitterNs, overtakes: overtakes)
        if arrivalNs < self.latestArrivalNs { self.stats.reordered += 1 }
        self.latestArrivalNs = max(self.latestArrivalNs, arrivalNs)
        self.stats.delivered += 1
        guard duplicates else { return .deliver(atNs: arrivalNs, duplicateAtNs: nil) }
        self.stats.duplicated += 1
        let copyNs = departNs + Int64(max(0, self.delayNs + duplicateJitterNs).rounded())
        return .deliver(atNs: arrivalNs, duplicateAtNs: copyNs)
    }

    private mutating func arrival(departNs: Int64, jitterNs: Double, overtakes: Bool) -> Int64 {
        // netem `reorder`: the chosen packet skips the delay queue (it needs a delay to overtake anything).
        if overtakes { return departNs }
        // Delay plus jitter never goes below zero: a packet cannot arrive before it left.
        var arrivalNs = departNs + Int64(max(0, self.delayNs + jitterNs).rounded())
        if !self.profile.allowsReordering { arrivalNs = max(arrivalNs, self.fifoHorizonNs) }
        self.fifoHorizonNs = max(self.fifoHorizonNs, arrivalNs)
        return arrivalNs
    }
}

/// Which way a packet travels.
public enum LinkDirection: String, Sendable, Hashable, Codable, CaseIterable {
    /// Caller → agent.
    case up
    /// Agent → caller.
    case down
}

/// Both directions of one caller's link, each with its own seeded impairment; outages hit both directions together.
public struct LinkImpairment: Sendable {
    /// Caller → agent.
    public var up: Impairment
    /// Agent → caller.
    public var down: Impairment

    /// Impairments for `profile`, seeded from the run seed and the caller's index so every caller differs but a rerun
    /// with the same seed repeats exactly.
    public init(profile: LinkProfile, runSeed: UInt64, callerIndex: Int) {
        let callerSeed = ImpairmentRandom.derivedSeed(runSeed, UInt64(truncatingIfNeeded: callerIndex))
        let outageSeed = ImpairmentRandom.derivedSeed(callerSeed, 0x6F75_7461_6765)
        self.up = Impairment(
            profile: profile.up, seed: ImpairmentRandom.derivedSeed(callerSeed, 0x7570), outageSeed: outageSeed)
        self.down = Impairment(
            profile: profile.down, seed: ImpairmentRandom.derivedSeed(callerSeed, 0x646F_776E), outageSeed: outageSeed)
    }
}
