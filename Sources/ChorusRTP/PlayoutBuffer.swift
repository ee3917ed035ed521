/// The receiver's playout model: an adaptive jitter buffer emulated from an arrival trace (docs/rtp.md).
///
/// Feed it every received packet (`record`) in arrival order; call `finishTurn()` when a response is over.
/// Within a talk spurt, frame *k* plays at `anchor + (ts_k − ts_anchor)`, where the anchor is the spurt's first
/// arrival plus the target delay at that moment. The target is NetEq-like: the 0.95 quantile of relative delay
/// over the last `historyPackets` packets, as whole frames plus one, clamped to [min, max] delay. At each frame's
/// playout time the frame is played if its packet is there; otherwise it is concealed (FEC when the next packet
/// is there, else PLC) and the packet, if it comes later, is discarded as late. When the buffer is empty at a frame's
/// time the player waits instead (an underrun); if that packet then arrives after its time, playout stretches
/// to it (a stall) rather than discarding it. A marker packet arriving to an empty buffer starts a new spurt.
///
/// Pure and deterministic: no clock (times are monotonic ns passed in), and no allocation per packet (ring
/// buffers sized at init).
public struct PlayoutBuffer: Sendable {
    /// What became of one arriving packet.
    public enum Arrival: Sendable, Hashable {
        /// Held for playout.
        case buffered
        /// Its playout time had passed and its frame was concealed: discarded (late loss).
        case late
        /// A copy of a packet already received: ignored.
        case duplicate
    }

    private enum Phase { case idle, playing, waiting }

    private enum SlotState: UInt8 { case buffered, played, concealed, late }

    private struct Slot {
        var seq: Int64 = .min
        var timestamp: Int64 = 0
        var duration: Int64 = 0
        var arrivalNs: Int64 = 0
        var state: SlotState = .played
    }

    /// The settings.
    public let configuration: PlayoutConfiguration
    private var history: DelayHistory
    private var slots: [Slot]
    private let mask: Int64
    private var phase = Phase.idle
    /// Extended sequence number and expected RTP timestamp of the next frame to play.
    private var nextSeq: Int64 = 0
    private var nextTimestamp: Int64 = 0
    private var anchorNs: Int64 = 0
    private var anchorTimestamp: Int64 = 0
    private var lastDuration: Int64
    private var storedCount = 0
    private var hasReference = false
    private var hasSpurt = false
    private var highestSeq: Int64 = 0
    private var highestTimestamp: Int64 = 0
    private var originTimestamp: Int64 = 0
    private var spurtProcessed = 0
    private var concealing = false
    private var lastArrivalNs = Int64.min
    private var playoutEndNs = Int64.min
    private var turn = PlayoutTurnStats()

    /// Counters summed over finished turns.
    public private(set) var totals = PlayoutTurnStats()

    /// Creates an empty buffer; all storage is allocated here.
    public init(configuration: PlayoutConfiguration) {
        precondition(configuration.clockRate > 0 && configuration.frameDurationNs > 0, "bad clock or frame duration")
        var capacity = 16
        while capacity < configuration.capacity { capacity <<= 1 }
        self.configuration = configuration
        self.history = DelayHistory(capacity: configuration.historyPackets)
        self.slots = [Slot](repeating: Slot(), count: capacity)
        self.mask = Int64(capacity - 1)
        self.lastDuration = configuration.frameTicks
    }

    /// The statistics of the turn in progress (frames whose playout time has not come are not in them yet).
    public var currentTurn: PlayoutTurnStats { self.turn }

    /// The delay a talk spurt starting now would get, ns.
    public var targetDelayNs: Int64 {
        let c = self.configuration
        guard self.history.count > 0 else { return min(max(c.initialDelayNs, c.minDelayNs), c.maxDelayNs) }
        var target = (self.history.spread(quantile: c.quantile) / c.frameDurationNs + 1) * c.frameDurationNs
        if self.history.count < c.warmupPackets { target = max(target, c.initialDelayNs) }
        return min(max(target, c.minDelayNs), c.maxDelayNs)
    }

    // MARK: - Input

    /// Records one received packet (call in arrival order; an earlier `arrivalNs` than the last is treated as equal).
    ///
    /// - Parameters:
    ///   - seq: RTP sequence number.
    ///   - rtpTimestamp: RTP timestamp.
    ///   - arrivalNs: monotonic arrival time, ns.
    ///   - duration: audio in the packet, RTP ticks; nil for the configured frame duration.
    ///   - marker: the RTP M bit (first packet of a talk spurt).
    @discardableResult
    public mutating func record(
        seq: UInt16,
        rtpTimestamp: UInt32,
        arrivalNs: Int64,
        duration: UInt32? = nil,
        marker: Bool = false
    ) -> Arrival {
        let arrival = max(arrivalNs, self.lastArrivalNs)
        self.lastArrivalNs = arrival
        let (seq, timestamp) = self.extend(seq: seq, timestamp: rtpTimestamp)
        let slot = self.slots[Self.index(seq, self.mask)]
        if slot.seq == seq && slot.state != .concealed {
            self.turn.duplicates += 1
            return .duplicate
        }
        self.turn.packetsReceived += 1
        self.advance(toNs: arrival)
        self.restartIfDiscontinuous(seq: seq, timestamp: timestamp)
        self.history.append(arrival - Self.nanoseconds(timestamp - self.originTimestamp, self.configuration))
        let packet = Slot(
            seq: seq,
            timestamp: timestamp,
            duration: Int64(duration ?? UInt32(self.configuration.frameTicks)),
            arrivalNs: arrival,
            state: .buffered
        )
        return self.accept(packet, marker: marker)
    }

    /// Lets time pass to `nowNs` without an arrival: plays or conceals every frame due before it.
    public mutating func advance(toNs nowNs: Int64) {
        while self.phase == .playing {
            let i = Self.index(self.nextSeq, self.mask)
            let slot = self.slots[i]
            let present = slot.seq == self.nextSeq && slot.state == .buffered
            let timestamp = present ? slot.timestamp : self.nextTimestamp
            let due = Self.playoutTime(timestamp, self.anchorNs, self.anchorTimestamp, self.configuration)
            guard due < nowNs else { return }
            if present && slot.arrivalNs > due {
                self.stall(by: slot.arrivalNs - due)  // came after an underrun: wait for it
            } else if present {
                self.play(i, at: due)
            } else if self.storedCount > 0 && self.nextSeq < self.highestSeq {
                self.concealMissing(at: due)
            } else {
                self.phase = .waiting  // underrun: nothing to play, nothing to conceal from
            }
        }
    }

    /// Ends the turn: plays out what is buffered, returns the turn's statistics and starts counting a new turn.
    /// The next packet starts a new talk spurt at the target delay of that moment.
    public mutating func finishTurn() -> PlayoutTurnStats {
        self.endSpurt()
        let finished = self.turn
        self.totals.accumulate(finished)
        self.turn = PlayoutTurnStats()
        return finished
    }

    // MARK: - Arrival handling

    private mutating func accept(_ packet: Slot, marker: Bool) -> Arrival {
        let seq = packet.seq
        if self.phase == .idle && self.isStraggler(packet, marker: marker) {
            return self.discardLate(seq)
        } else if self.phase == .idle {
            self.startSpurt(packet)
        } else if marker && self.storedCount == 0 && seq >= self.nextSeq {
            self.endSpurt()  // the previous spurt has drained: re-anchor at the current target
            self.startSpurt(packet)
        } else if seq < self.nextSeq {
            let capacity = self.mask + 1
            let due = Self.playoutTime(packet.timestamp, self.anchorNs, self.anchorTimestamp, self.configuration)
            guard self.spurtProcessed == 0, self.highestSeq - seq < capacity, due >= packet.arrivalNs
            else { return self.discardLate(seq) }
            self.nextSeq = seq  // reordered ahead of the spurt's first packet, still in time
            self.nextTimestamp = packet.timestamp
        }
        self.slots[Self.index(seq, self.mask)] = packet
        self.storedCount += 1
        if self.phase == .waiting {
            self.phase = .playing
            self.advance(toNs: packet.arrivalNs)
        }
        return .buffered
    }

    /// A sequence number far behind (more than RFC 3550's MAX_MISORDER) or too far ahead to hold means the source
    /// restarted or lost a long stretch: play out what is buffered and start over from this packet, with a fresh
    /// delay history (a restarted source's timestamps say nothing about the old transit times).
    private mutating func restartIfDiscontinuous(seq: Int64, timestamp: Int64) {
        guard self.hasSpurt else { return }
        let ahead = seq - self.nextSeq
        guard -ahead > Int64(RTPReceiverStats.maxMisorder) || ahead > self.mask else { return }
        self.endSpurt()
        if ahead > 0 && ahead < Int64(RTPReceiverStats.maxDropout) {
            self.turn.framesMissing += Int(ahead)
        }
        self.nextSeq = seq
        self.nextTimestamp = timestamp
        self.highestSeq = seq
        self.highestTimestamp = timestamp
        self.originTimestamp = timestamp
        self.history.removeAll()
        self.hasSpurt = false  // nothing before this packet is comparable: no straggler or gap checks
    }

    /// After a turn ended: a packet that continues the finished spurt (no marker, timestamps contiguous with it)
    /// and whose playout time there has passed belongs to the old turn and came too late; anything else starts
    /// the new turn.
    private func isStraggler(_ packet: Slot, marker: Bool) -> Bool {
        guard self.hasSpurt else { return false }
        if packet.seq < self.nextSeq { return true }
        let contiguous = packet.timestamp == self.nextTimestamp + (packet.seq - self.nextSeq) * self.lastDuration
        let due = Self.playoutTime(packet.timestamp, self.anchorNs, self.anchorTimestamp, self.configuration)
        return !marker && contiguous && due < packet.arrivalNs
    }

    private mutating func discardLate(_ seq: Int64) -> Arrival {
        let i = Self.index(seq, self.mask)
        if self.nextSeq - seq <= self.mask, self.slots[i].seq <= seq {
            self.slots[i] = Slot(seq: seq, state: .late)
        }
        self.turn.lateLoss += 1
        return .late
    }

    private mutating func startSpurt(_ packet: Slot) {
        if self.hasSpurt, packet.seq > self.nextSeq, packet.seq - self.nextSeq < Int64(RTPReceiverStats.maxDropout) {
            self.turn.framesMissing += Int(packet.seq - self.nextSeq)  // the gap between spurts
        }
        self.anchorNs = max(packet.arrivalNs + self.targetDelayNs, self.playoutEndNs)
        self.anchorTimestamp = packet.timestamp
        if self.turn.talkSpurts == 0 {
            self.turn.firstArrivalNs = packet.arrivalNs
            self.turn.playoutDelayNs = self.anchorNs - packet.arrivalNs
        }
        self.turn.talkSpurts += 1
        self.nextSeq = packet.seq
        self.nextTimestamp = packet.timestamp
        self.lastDuration = packet.duration
        self.phase = .playing
        self.hasSpurt = true
        self.spurtProcessed = 0
        self.concealing = false
    }

    private mutating func endSpurt() {
        self.advance(toNs: .max)
        self.phase = .idle
    }

    // MARK: - Playout

    private mutating func play(_ i: Int, at due: Int64) {
        let slot = self.slots[i]
        self.slots[i].state = .played
        self.storedCount -= 1
        self.turn.framesPlayed += 1
        self.turn.bufferDelaySumNs += due - slot.arrivalNs
        self.concealing = false
        self.lastDuration = slot.duration
        self.advancePlayhead(after: due, timestamp: slot.timestamp, duration: slot.duration)
    }

    private mutating func concealMissing(at due: Int64) {
        let successor = self.slots[Self.index(self.nextSeq + 1, self.mask)]
        let recoverable =
            self.configuration.fec && successor.seq == self.nextSeq + 1 && successor.state == .buffered
            && successor.arrivalNs <= due
        if recoverable { self.turn.fecRecovered += 1 } else { self.turn.plcFrames += 1 }
        self.turn.framesMissing += 1
        self.conceal(Self.nanoseconds(self.lastDuration, self.configuration))
        self.slots[Self.index(self.nextSeq, self.mask)] = Slot(
            seq: self.nextSeq,
            timestamp: self.nextTimestamp,
            duration: self.lastDuration,
            state: .concealed
        )
        self.advancePlayhead(after: due, timestamp: self.nextTimestamp, duration: self.lastDuration)
    }

    private mutating func stall(by lateness: Int64) {
        let tick = max(self.configuration.tickNs, 1)
        let stretch = (lateness + tick - 1) / tick * tick
        self.anchorNs += stretch
        self.turn.stalls += 1
        self.turn.stallNs += stretch
        self.turn.longestStallNs = max(self.turn.longestStallNs, stretch)
        self.conceal(stretch)
    }

    private mutating func conceal(_ ns: Int64) {
        self.turn.concealedNs += ns
        if !self.concealing {
            self.turn.concealmentEvents += 1
            self.concealing = true
        }
    }

    private mutating func advancePlayhead(after due: Int64, timestamp: Int64, duration: Int64) {
        self.nextSeq += 1
        self.nextTimestamp = timestamp + duration
        self.playoutEndNs = due + Self.nanoseconds(duration, self.configuration)
        self.spurtProcessed += 1
    }

    // MARK: - Arithmetic

    // Static, fed the fields they need: a method of `self` called from a mutating one copied the whole buffer (520
    // bytes, its arrays retained) to pass it, on every tick of every call.
    @inline(__always)
    private static func index(_ seq: Int64, _ mask: Int64) -> Int { Int(seq & mask) }

    @inline(__always)
    private static func nanoseconds(_ ticks: Int64, _ configuration: PlayoutConfiguration) -> Int64 {
        RTPClock.nanoseconds(ticks: ticks, clockRate: configuration.clockRate)
    }

    @inline(__always)
    private static func playoutTime(
        _ timestamp: Int64, _ anchorNs: Int64, _ anchorTimestamp: Int64, _ configuration: PlayoutConfiguration
    ) -> Int64 {
        anchorNs + Self.nanoseconds(timestamp - anchorTimestamp, configuration)
    }

    /// Unwraps sequence number and timestamp against the highest sequence seen so far.
    private mutating func extend(seq: UInt16, timestamp: UInt32) -> (Int64, Int64) {
        guard self.hasReference else {
            self.hasReference = true
            self.highestSeq = Int64(seq) + (1 << 20)  // keeps early reordered packets positive
            self.highestTimestamp = Int64(timestamp)
            self.originTimestamp = self.highestTimestamp
            return (self.highestSeq, self.highestTimestamp)
        }
        let seq = self.highestSeq + Int64(Int16(bitPattern: seq &- UInt16(truncatingIfNeeded: self.highestSeq)))
        let timestamp =
            self.highestTimestamp
            + Int64(Int32(bitPattern: timestamp &- UInt32(truncatingIfNeeded: self.highestTimestamp)))
        if seq > self.highestSeq {
            self.highestSeq = seq
            self.highestTimestamp = timestamp
        }
        return (seq, timestamp)
    }
}
