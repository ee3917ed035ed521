/// What the playout model saw during one turn (one agent response), or summed over a call (`PlayoutBuffer.totals`).
///
/// Definitions are in docs/rtp.md ("Playout model").
public struct PlayoutTurnStats: Sendable, Hashable {
    /// Arrival of the packet that started the turn's playout, ns; nil when none arrived.
    public var firstArrivalNs: Int64?
    /// Delay the buffer put between the turn's first packet arriving and its playout: the target delay when
    /// the response started. Voice-to-voice = TTFA audible + this.
    public var playoutDelayNs: Int64 = 0
    /// Talk spurts (playout re-anchorings) in the turn.
    public var talkSpurts = 0
    /// Packets received, duplicates excluded.
    public var packetsReceived = 0
    /// Copies of packets already received.
    public var duplicates = 0
    /// Frames played from their own packet.
    public var framesPlayed = 0
    /// Packets that arrived after their frame's playout time (their frame was concealed; they were discarded).
    public var lateLoss = 0
    /// Frames whose packet was absent at their playout time, plus sequence gaps skipped between talk spurts.
    public var framesMissing = 0
    /// Missing frames rebuilt from the next packet's in-band FEC (that packet had arrived by the playout time).
    public var fecRecovered = 0
    /// Missing frames filled by packet-loss concealment.
    public var plcFrames = 0
    /// Audio that was not the sender's own: FEC- and PLC-filled frames plus stall stretches, ns.
    public var concealedNs: Int64 = 0
    /// Runs of concealment after a played frame (webrtc-stats `concealmentEvents`).
    public var concealmentEvents = 0
    /// Underruns the stream resumed from: the buffer ran dry and the awaited packet came after its playout time,
    /// so playout stretched (waited) instead of discarding it.
    public var stalls = 0
    /// Total stretch added by stalls, ns (each rounded up to the tick); it also raises the delay for the rest of the
    /// talk spurt.
    public var stallNs: Int64 = 0
    /// The longest single stall, ns.
    public var longestStallNs: Int64 = 0
    /// Σ (playout time − arrival) over played frames, ns (webrtc-stats `jitterBufferDelay`).
    public var bufferDelaySumNs: Int64 = 0

    /// Creates empty statistics.
    public init() {}

    /// Packets lost for good: missing frames whose packet never came (missing − late, never negative).
    public var lost: Int { max(self.framesMissing - self.lateLoss, 0) }
    /// Frames the player had to produce: played + FEC + PLC.
    public var scheduledFrames: Int { self.framesPlayed + self.fecRecovered + self.plcFrames }
    /// Lost or late frames as a share of scheduled frames, percent (network + late loss, before FEC).
    public var effectiveLossPercent: Double {
        Self.percent(self.fecRecovered + self.plcFrames, of: self.scheduledFrames)
    }
    /// Frames FEC could not rebuild, percent of scheduled frames: the E-model's Ppl for Opus with FEC.
    public var residualLossPercent: Double { Self.percent(self.plcFrames, of: self.scheduledFrames) }
    /// `playoutDelayNs` in ms.
    public var playoutDelayMs: Double { Double(self.playoutDelayNs) / 1e6 }
    /// `concealedNs` in ms.
    public var concealedMs: Double { Double(self.concealedNs) / 1e6 }
    /// `stallNs` in ms.
    public var stallMs: Double { Double(self.stallNs) / 1e6 }
    /// Mean time a played frame waited in the buffer, ms (0 with none played).
    public var meanBufferDelayMs: Double {
        self.framesPlayed == 0 ? 0 : Double(self.bufferDelaySumNs) / Double(self.framesPlayed) / 1e6
    }

    /// Adds another turn's counters; the first turn's arrival and playout delay are kept.
    public mutating func accumulate(_ other: PlayoutTurnStats) {
        if self.firstArrivalNs == nil {
            self.firstArrivalNs = other.firstArrivalNs
            self.playoutDelayNs = other.playoutDelayNs
        }
        self.talkSpurts += other.talkSpurts
        self.packetsReceived += other.packetsReceived
        self.duplicates += other.duplicates
        self.framesPlayed += other.framesPlayed
        self.lateLoss += other.lateLoss
        self.framesMissing += other.framesMissing
        self.fecRecovered += other.fecRecovered
        self.plcFrames += other.plcFrames
        self.concealedNs += other.concealedNs
        self.concealmentEvents += other.concealmentEvents
        self.stalls += other.stalls
        self.stallNs += other.stallNs
        self.longestStallNs = max(self.longestStallNs, other.longestStallNs)
        self.bufferDelaySumNs += other.bufferDelaySumNs
    }

    private static func percent(_ part: Int, of whole: Int) -> Double {
        whole == 0 ? 0 : Double(part) * 100 / Double(whole)
    }
}
