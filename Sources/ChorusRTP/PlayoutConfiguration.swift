/// Settings of the receiver playout model (`PlayoutBuffer`). Defaults follow WebRTC NetEq where it has one.
public struct PlayoutConfiguration: Sendable, Hashable {
    /// RTP clock rate of the stream, Hz.
    public var clockRate: Int
    /// Nominal audio per packet, ns: the duration assumed for a missing packet and the target's granularity.
    public var frameDurationNs: Int64
    /// Whether a missing frame can be rebuilt from the next packet's in-band FEC (Opus with `useinbandfec=1`).
    public var fec: Bool
    /// Lowest target delay, ns (default 20 ms, one frame).
    public var minDelayNs: Int64
    /// Highest target delay, ns (default 1 s).
    public var maxDelayNs: Int64
    /// Target delay while the history holds fewer than `warmupPackets` packets, ns (NetEq `kStartDelayMs`, 80 ms).
    public var initialDelayNs: Int64
    /// The quantile of relative delay the target covers (NetEq: 0.95).
    public var quantile: Double
    /// Packets in the sliding delay history (default 100 = 2 s of 20 ms frames, NetEq's history length).
    public var historyPackets: Int
    /// Packets needed before the target may fall below `initialDelayNs`.
    public var warmupPackets: Int
    /// Granularity of a stall's stretch, ns (NetEq produces audio in 10 ms blocks).
    public var tickNs: Int64
    /// Packets the buffer can hold ahead of the playout point (rounded up to a power of two).
    public var capacity: Int

    /// Creates a configuration; see the properties for the defaults' meaning.
    public init(
        clockRate: Int,
        frameDurationNs: Int64 = 20_000_000,
        fec: Bool = false,
        minDelayNs: Int64 = 20_000_000,
        maxDelayNs: Int64 = 1_000_000_000,
        initialDelayNs: Int64 = 80_000_000,
        quantile: Double = 0.95,
        historyPackets: Int = 100,
        warmupPackets: Int = 50,
        tickNs: Int64 = 10_000_000,
        capacity: Int = 512
    ) {
        self.clockRate = clockRate
        self.frameDurationNs = frameDurationNs
        self.fec = fec
        self.minDelayNs = minDelayNs
        self.maxDelayNs = maxDelayNs
        self.initialDelayNs = initialDelayNs
        self.quantile = quantile
        self.historyPackets = historyPackets
        self.warmupPackets = warmupPackets
        self.tickNs = tickNs
        self.capacity = capacity
    }

    /// The defaults for a payload format: its clock, packetization and FEC.
    public init(format: RTPPayloadFormat) {
        self.init(clockRate: format.clockRate, frameDurationNs: format.frameDurationNs, fec: format.hasInbandFEC)
    }

    /// RTP ticks in one nominal frame.
    var frameTicks: Int64 { RTPClock.ticks(nanoseconds: self.frameDurationNs, clockRate: self.clockRate) }
}
