/// Reception statistics for one RTP source: RFC 3550 A.1 sequence validation, A.3 loss, A.8 jitter, plus
/// duplicates and reordering. Late packets are a playout question, so `PlayoutBuffer` counts those.
///
/// A value type updated in place on every packet; its storage (a duplicate-detection bitmap) is allocated once
/// in `init`, so `record` never allocates.
public struct RTPReceiverStats: Sendable {
    /// RFC 3550 A.1 constants.
    public static let maxDropout: UInt16 = 3000
    public static let maxMisorder: UInt16 = 100
    public static let minSequential = 2
    /// Packets behind the highest sequence for which duplicates can still be told from late reordered packets.
    public static let duplicateWindow = 1024

    /// How one packet was classified.
    public enum Arrival: Sendable, Hashable {
        /// The highest sequence number so far (including after a gap).
        case inOrder
        /// Below the highest sequence seen and not seen before.
        case reordered
        /// A copy of a packet already received.
        case duplicate
        /// Not counted: in probation, or a large jump not (yet) confirmed by the next packet (A.1).
        case discarded
    }

    /// The source.
    public let ssrc: UInt32
    /// RTP clock rate of the payload format, Hz.
    public let clockRate: Int

    // A.1 state.
    private var initialized = false
    private var maxSeq: UInt16 = 0
    private var cycles: UInt32 = 0
    private var baseSeq: UInt32 = 0
    private var badSeq: UInt32 = 0x1_0001  // RTP_SEQ_MOD + 1: no pending jump
    private var probation: Int
    // A.3 interval state.
    private var expectedPrior: Int64 = 0
    private var receivedPrior: Int64 = 0
    // A.8 state.
    private var lastArrivalNs: Int64 = 0
    private var lastTimestamp: UInt32 = 0
    private var hasTransit = false
    // Which of the last `duplicateWindow` extended sequence numbers arrived.
    private var seen: [UInt64]
    private var highestExtended: Int64 = 0
    // Last SR from the source, for LSR/DLSR.
    private var lastSRCompact: UInt32 = 0
    private var lastSRArrivalNs: Int64 = 0

    /// Packets counted (RFC 3550 `received`: includes duplicates, excludes discarded ones).
    public private(set) var received: Int64 = 0
    /// Copies of packets already received.
    public private(set) var duplicates: Int64 = 0
    /// Packets below the highest sequence seen that were not duplicates.
    public private(set) var reordered: Int64 = 0
    /// Packets that failed to parse (reported by the caller through `recordMalformed`).
    public private(set) var malformed: Int64 = 0
    /// Packets A.1 validation set aside (probation, unconfirmed jumps).
    public private(set) var discarded: Int64 = 0
    /// Times the source restarted its sequence (a confirmed jump re-initializes loss accounting).
    public private(set) var resyncs: Int64 = 0
    /// RFC 3550 interarrival jitter J in timestamp units (floating point, as A.8's first form).
    public private(set) var jitter: Double = 0

    /// Creates statistics for one source.
    ///
    /// - Parameters:
    ///   - ssrc: the source's SSRC.
    ///   - clockRate: its RTP clock, Hz (8000 for PCMU, 48000 for Opus).
    ///   - probation: sequential packets needed before the source counts (A.1 uses `minSequential`, 2);
    ///     0 (the default) accepts the first packet, since the harness knows its peer.
    public init(ssrc: UInt32, clockRate: Int, probation: Int = 0) {
        precondition(clockRate > 0, "clock rate must be positive")
        self.ssrc = ssrc
        self.clockRate = clockRate
        self.probation = max(probation, 0)
        self.seen = [UInt64](repeating: 0, count: Self.duplicateWindow / 64)
    }

    // MARK: - Derived values

    /// Highest sequence number received, extended with wrap cycles (`cycles + max_seq`).
    public var extendedHighestSequence: UInt32 { self.cycles &+ UInt32(self.maxSeq) }

    /// Packets expected: `extended_max − base_seq + 1` (0 before the first counted packet).
    public var expected: Int64 {
        guard self.initialized, self.probation == 0 else { return 0 }
        return Int64(self.cycles) + Int64(self.maxSeq) - Int64(self.baseSeq) + 1
    }

    /// Cumulative packets lost, `expected − received` (negative when duplicates outnumber losses).
    public var lost: Int64 { self.expected - self.received }

    /// Jitter in milliseconds.
    public var jitterMs: Double { self.jitter * 1000 / Double(self.clockRate) }

    /// Jitter as reported in RTCP: the integer part of J, timestamp units.
    public var reportedJitter: UInt32 { UInt32(min(self.jitter, Double(UInt32.max))) }

    // MARK: - Recording

    /// Records a malformed packet (one `RTPHeader.parse` rejected).
    public mutating func recordMalformed() {
        self.malformed += 1
    }

    /// Records the arrival of a packet from this source.
    ///
    /// - Parameters:
    ///   - seq: its sequence number.
    ///   - rtpTimestamp: its RTP timestamp.
    ///   - arrivalNs: monotonic arrival time, nanoseconds (taken where the datagram was read).
    @discardableResult
    public mutating func record(seq: UInt16, rtpTimestamp: UInt32, arrivalNs: Int64) -> Arrival {
        if !self.initialized {
            self.initialize(seq)
            if self.probation > 0 { self.maxSeq = seq &- 1 }
        }
        guard let extended = self.updateSequence(seq) else {
            self.discarded += 1
            return .discarded
        }
        let arrival = self.classify(extended)
        switch arrival {
        case .duplicate: self.duplicates += 1
        case .reordered: self.reordered += 1
        case .inOrder, .discarded: break
        }
        if arrival != .duplicate {
            self.updateJitter(rtpTimestamp: rtpTimestamp, arrivalNs: arrivalNs)
        }
        return arrival
    }

    /// Records a sender report from this source, for LSR and DLSR in the next report block.
    ///
    /// - Parameters:
    ///   - ntpTimestamp: the SR's NTP timestamp.
    ///   - arrivalNs: monotonic time the SR arrived.
    public mutating func recordSenderReport(ntpTimestamp: NTPTimestamp, arrivalNs: Int64) {
        self.lastSRCompact = ntpTimestamp.compact
        self.lastSRArrivalNs = arrivalNs
    }

    /// Builds the reception report block for this source and starts a new reporting interval (A.3).
    ///
    /// - Parameter nowNs: monotonic time the report is being sent, for DLSR.
    public mutating func makeReportBlock(nowNs: Int64) -> RTCPReportBlock {
        let expected = self.expected
        let expectedInterval = expected - self.expectedPrior
        let receivedInterval = self.received - self.receivedPrior
        self.expectedPrior = expected
        self.receivedPrior = self.received
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 =
            expectedInterval == 0 || lostInterval <= 0 ? 0 : UInt8(min((lostInterval << 8) / expectedInterval, 255))
        let lost = min(
            max(self.lost, Int64(RTCPReportBlock.minCumulativeLost)),
            Int64(RTCPReportBlock.maxCumulativeLost)
        )
        let hasSR = self.lastSRCompact != 0
        return RTCPReportBlock(
            ssrc: self.ssrc,
            fractionLost: fraction,
            cumulativeLost: Int32(lost),
            extendedHighestSequence: self.extendedHighestSequence,
            jitter: self.reportedJitter,
            lastSenderReport: self.lastSRCompact,
            delaySinceLastSenderReport: hasSR
                ? NTPTimestamp.compactDuration(nanoseconds: nowNs - self.lastSRArrivalNs) : 0
        )
    }

    // MARK: - RFC 3550 A.1

    private mutating func initialize(_ seq: UInt16) {
        self.initialized = true
        self.baseSeq = UInt32(seq)
        self.maxSeq = seq
        self.badSeq = 0x1_0001
        self.cycles = 0
        self.received = 0
        self.receivedPrior = 0
        self.expectedPrior = 0
        self.highestExtended = Int64(seq) - 1  // so the first packet classifies as in order
        for i in self.seen.indices { self.seen[i] = 0 }
        self.hasTransit = false
    }

    /// A.1 `update_seq`; returns the packet's extended sequence number when it counts, nil when set aside.
    private mutating func updateSequence(_ seq: UInt16) -> Int64? {
        let udelta = seq &- self.maxSeq
        if self.probation > 0 {
            guard seq == self.maxSeq &+ 1 else {
                self.probation = Self.minSequential - 1
                self.maxSeq = seq
                return nil
            }
            self.probation -= 1
            self.maxSeq = seq
            guard self.probation == 0 else { return nil }
            self.initialize(seq)
        } else if udelta < Self.maxDropout {
            if seq < self.maxSeq { self.cycles &+= 0x1_0000 }  // wrapped
            self.maxSeq = seq
        } else if UInt32(udelta) <= 0x1_0000 - UInt32(Self.maxMisorder) {
            guard UInt32(seq) == self.badSeq else {  // a big jump: wait for the next packet to confirm it
                self.badSeq = (UInt32(seq) + 1) & 0xFFFF
                return nil
            }
            self.initialize(seq)
            self.resyncs += 1
        } else {
            // Duplicate or reordered: counted, max unchanged. Extend relative to the highest.
            self.received += 1
            return Int64(self.cycles) + Int64(self.maxSeq) - Int64(0x1_0000 - UInt32(udelta))
        }
        self.received += 1
        return Int64(self.cycles) + Int64(self.maxSeq)
    }

    // MARK: - Duplicates and reordering

    private mutating func classify(_ extended: Int64) -> Arrival {
        if extended > self.highestExtended {
            self.clearSeen(from: self.highestExtended + 1, through: extended)
            self.highestExtended = extended
            self.markSeen(extended)
            return .inOrder
        }
        if self.highestExtended - extended < Int64(Self.duplicateWindow) {
            if self.isSeen(extended) { return .duplicate }
            self.markSeen(extended)
        }
        return .reordered  // older than the window: cannot tell, call it reordered
    }

    private func bitIndex(_ extended: Int64) -> (word: Int, mask: UInt64) {
        let bit = Int(extended & Int64(Self.duplicateWindow - 1))
        return (bit >> 6, 1 << UInt64(bit & 63))
    }

    private func isSeen(_ extended: Int64) -> Bool {
        let (word, mask) = self.bitIndex(extended)
        return self.seen[word] & mask != 0
    }

    private mutating func markSeen(_ extended: Int64) {
        let (word, mask) = self.bitIndex(extended)
        self.seen[word] |= mask
    }

    private mutating func clearSeen(from start: Int64, through end: Int64) {
        guard end >= start else { return }
        var s = max(start, end - Int64(Self.duplicateWindow) + 1)
        while s <= end {
            let (word, mask) = self.bitIndex(s)
            self.seen[word] &= ~mask
            s += 1
        }
    }

    // MARK: - RFC 3550 A.8

    /// `J += (|D| − J)/16`, with D from consecutive arrivals (arrival order) in timestamp units.
    private mutating func updateJitter(rtpTimestamp: UInt32, arrivalNs: Int64) {
        defer {
            self.lastArrivalNs = arrivalNs
            self.lastTimestamp = rtpTimestamp
            self.hasTransit = true
        }
        guard self.hasTransit else { return }
        let arrivalDelta = Double(arrivalNs - self.lastArrivalNs) * Double(self.clockRate) / 1e9
        let timestampDelta = Double(Int32(bitPattern: rtpTimestamp &- self.lastTimestamp))
        let d = abs(arrivalDelta - timestampDelta)
        self.jitter += (d - self.jitter) / 16
    }
}
