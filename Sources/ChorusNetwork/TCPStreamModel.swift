/// Counts kept by a `TCPStreamModel`.
public struct TCPStreamStats: Sendable, Hashable, Codable {
    /// Messages delivered (all of them: TCP loses nothing).
    public var messages = 0
    /// Transmissions the network lost (originals and retransmissions).
    public var lostTransmissions = 0
    /// Retransmissions sent.
    public var retransmissions = 0
    /// Losses repaired by RACK / fast retransmit while later data kept flowing.
    public var fastRetransmits = 0
    /// Tail losses repaired by a tail loss probe.
    public var tailLossProbes = 0
    /// Retransmission timeouts (each doubles the timer).
    public var timeouts = 0
    /// Messages that arrived but were held behind an earlier, undelivered one (head-of-line blocking).
    public var holBlocked = 0
    /// Sum over messages of delivery time minus the time the message would have arrived without TCP's repair, in ns.
    public var addedDelayNs: Int64 = 0
    /// The largest added delay of one message, in ns.
    public var maxAddedDelayNs: Int64 = 0
    /// Segments still lost after `TCPStreamModel.maxRetransmissions` tries (a real connection would reset);
    /// the model delivers them with the last try anyway.
    public var exhaustedRetries = 0

    /// A stats value with every count zero.
    public init() {}
}

/// What a WebSocket (one message per segment, TCP_NODELAY) over TCP sees when the network below loses segments:
/// nothing is lost, but a lost segment is retransmitted late and holds every later message behind it.
///
/// Per message (docs/network.md §2): the original goes through the profile's outage, loss model and bottleneck (with an
/// unbounded queue: congestion control keeps the backlog in the socket instead of dropping) and arrives after the
/// one-way delay plus jitter. A lost segment is retransmitted
/// - by RACK / fast retransmit when later segments get through: at `min(max(t₁, t + reo_wnd), t₃) + RTT`, where `t₁`
///   and `t₃` are the send times of the first and third later segments that arrive (their SACKs; at three SACKed
///   segments Linux drops the reordering window), `reo_wnd = min(minRTT/4, SRTT)`; with data every Δ and no other
///   loss that is `RTT + min(3Δ, max(Δ, minRTT/4))`, i.e. RTT + RTT/4 for 4Δ ≤ RTT ≤ 12Δ;
/// - by a tail loss probe when the message is the last before a pause: the ACK of the previous message re-arms the
///   probe with only this segment in flight, so it fires `min(2·SRTT + minRTO, RTO)` after
///   `max(t, t_prev + RTT)` (RFC 8985 §7.2, Linux `tcp_schedule_loss_probe`);
/// - by the retransmission timer when no later segment gets through, from the same anchor, and whenever a
///   retransmission is itself lost, from that retransmission: `RTO = SRTT + max(4·RTTVAR, minRTO)` (Linux floors
///   the variance term at `rto_min`), doubled on each expiry.
/// Delivery is in order: `deliver = max(arrival, previous delivery)`.
///
/// The model assumes the sender keeps writing a message every `messageIntervalMs` after a lost one (the caller
/// streams continuously) and looks ahead in the loss sequence to find the segments whose SACKs reveal the loss.
/// Retransmissions draw loss independently at the profile's mean loss rate (a loss burst is usually over by the
/// time the retransmission leaves) and skip the bottleneck queue. Calls never allocate.
public struct TCPStreamModel: Sendable {
    /// Linux `tcp_retries2`: after this many retransmissions of one segment a real connection gives up.
    public static let maxRetransmissions = 15
    private static let maxRTONs = 120_000_000_000.0  // TCP_RTO_MAX
    private static let lookaheadLimit = 63

    /// The profile of the direction the stream travels.
    public let profile: NetworkProfile
    /// Counts so far.
    public private(set) var stats = TCPStreamStats()

    private let minRTONs: Double
    private let intervalNs: Int64
    private let usesTailLossProbe: Bool
    private let delayNs: Double
    private let returnNs: Double
    private let retransmitLossRate: Double
    private var originals: LossProcess
    private var lookaheadBits: UInt64 = 0
    private var lookaheadCount = 0
    private var retransmitRandom: ImpairmentRandom
    private var jitter: JitterProcess
    private var queue: BottleneckQueue
    private let outages: OutageSchedule
    private let hasOutages: Bool
    private var srttNs: Double
    private var rttvarNs: Double
    private var minRTTNs: Double
    private var latestRTTNs: Double
    private var lastDeliveredNs = Int64.min
    private var previousSendNs: Int64?
    private var forcedLosses = 0

    /// A stream over `profile` whose random choices are fixed by `seed`.
    /// - Parameters:
    ///   - rttMs: base round-trip time: this direction's delay plus the reverse direction's (`LinkProfile.baseRTTMs`;
    ///     2 × `delayMs` for a symmetric link); at least `profile.delayMs` is used.
    ///   - minRTOMs: the RTO floor (Linux `TCP_RTO_MIN`, 200 ms).
    ///   - messageIntervalMs: how often the sender writes a message while streaming (20 ms audio frames).
    ///   - tailLossProbe: repair a lost last-before-pause message with a tail loss probe (Linux default) rather than
    ///     waiting for the RTO.
    public init(
        profile: NetworkProfile, seed: UInt64, rttMs: Double, minRTOMs: Double = 200, messageIntervalMs: Double = 20,
        tailLossProbe: Bool = true
    ) {
        self.profile = profile
        self.minRTONs = max(0, minRTOMs) * 1_000_000
        self.intervalNs = Int64(max(0.001, messageIntervalMs) * 1_000_000)
        self.usesTailLossProbe = tailLossProbe
        self.delayNs = max(0, profile.delayMs) * 1_000_000
        let rttNs = max(rttMs * 1_000_000, self.delayNs)
        self.returnNs = rttNs - self.delayNs
        self.retransmitLossRate = profile.loss.meanLossRate
        self.originals = LossProcess(model: profile.loss, random: ImpairmentRandom(seed: seed, stream: 1))
        self.jitter = JitterProcess(
            model: profile.jitter, correlation: profile.correlation, random: ImpairmentRandom(seed: seed, stream: 2))
        self.retransmitRandom = ImpairmentRandom(seed: seed, stream: 6)
        self.queue = BottleneckQueue(rateKbps: profile.rateKbps, queueMs: nil)
        self.outages = OutageSchedule(outage: profile.outage, seed: ImpairmentRandom.derivedSeed(seed, 5))
        self.hasOutages = profile.outage != nil
        // RFC 6298 §2.2: the first sample (the handshake) sets SRTT = R, RTTVAR = R/2.
        (self.srttNs, self.rttvarNs, self.minRTTNs, self.latestRTTNs) = (rttNs, rttNs / 2, rttNs, rttNs)
    }

    /// The smoothed RTT (RFC 6298 SRTT), in milliseconds.
    public var smoothedRTTMs: Double { self.srttNs / 1_000_000 }

    /// The current retransmission timeout before any backoff, in milliseconds.
    public var retransmissionTimeoutMs: Double { self.rtoNs / 1_000_000 }

    /// Makes the next `count` transmissions (originals or retransmissions, in the order they happen) lost, on top of
    /// the loss model: for tests and scripted scenarios.
    public mutating func forceLoss(ofNextTransmissions count: Int = 1) {
        self.forcedLosses += max(0, count)
    }

    /// When the application at the far end receives a message of `bytes` bytes written at `sendNs`.
    ///
    /// Call in send order. `isLast` says nothing follows the message for a while (the end of a reply), so a loss
    /// can only be found by a tail loss probe or the timer.
    public mutating func deliver(sendNs: Int64, bytes: Int, isLast: Bool = false) -> Int64 {
        self.stats.messages += 1
        let jitterNs = self.jitter.nextOffsetNs()
        var lost = self.nextOriginalIsLost()
        lost = self.takeForcedLoss() || lost
        if self.hasOutages && self.outages.isDown(atNs: sendNs) { lost = true }
        let departNs = self.queue.departure(sendNs: sendNs, bytes: bytes) ?? sendNs
        let oneWayNs = Int64(max(0, self.delayNs + jitterNs).rounded())
        let expectedNs = departNs + oneWayNs
        var arrivalNs = expectedNs
        if lost {
            arrivalNs = self.repair(sendNs: sendNs, isLast: isLast) + oneWayNs
        } else {
            self.sampleRTT(Double(expectedNs - sendNs) + self.returnNs)
        }
        let deliveredNs = max(arrivalNs, self.lastDeliveredNs)
        if deliveredNs > arrivalNs { self.stats.holBlocked += 1 }
        self.lastDeliveredNs = deliveredNs
        self.previousSendNs = sendNs
        let addedNs = deliveredNs - expectedNs
        self.stats.addedDelayNs += addedNs
        self.stats.maxAddedDelayNs = max(self.stats.maxAddedDelayNs, addedNs)
        return deliveredNs
    }

    // MARK: - Loss repair

    /// The time the successful retransmission of a segment first sent at `sendNs` leaves the sender.
    private mutating func repair(sendNs: Int64, isLast: Bool) -> Int64 {
        self.stats.lostTransmissions += 1
        var backoffNs = self.rtoNs
        var retransmitNs: Int64
        if !isLast, let detectedNs = self.rackDetection(sendNs: sendNs) {
            retransmitNs = detectedNs
            self.stats.fastRetransmits += 1
        } else if isLast && self.usesTailLossProbe {
            retransmitNs = self.timerAnchor(sendNs: sendNs) + Int64(self.ptoNs.rounded())
            self.stats.tailLossProbes += 1
        } else {
            retransmitNs = self.timerAnchor(sendNs: sendNs) + Int64(backoffNs.rounded())
            backoffNs = min(2 * backoffNs, Self.maxRTONs)
            self.stats.timeouts += 1
        }
        for attempt in 1...Self.maxRetransmissions {
            self.stats.retransmissions += 1
            let drawn = self.retransmitRandom.chance(self.retransmitLossRate)
            var lost = self.takeForcedLoss() || drawn
            if self.hasOutages && self.outages.isDown(atNs: retransmitNs) { lost = true }
            if !lost { return retransmitNs }
            self.stats.lostTransmissions += 1
            if attempt == Self.maxRetransmissions { break }
            retransmitNs += Int64(backoffNs.rounded())
            backoffNs = min(2 * backoffNs, Self.maxRTONs)
            self.stats.timeouts += 1
        }
        self.stats.exhaustedRetries += 1
        return retransmitNs
    }

    /// When RACK marks the segment sent at `sendNs` lost, from the SACKs of the later segments that get through;
    /// nil when none gets through within the look-ahead (then only the timer can repair it).
    private mutating func rackDetection(sendNs: Int64) -> Int64? {
        var firstNs: Int64?
        var thirdNs = Int64.max
        var arrived = 0
        for ahead in 1...Self.lookaheadLimit {
            let laterNs = sendNs + Int64(ahead) * self.intervalNs
            if self.peekOriginalIsLost(ahead: ahead - 1) { continue }
            if self.hasOutages && self.outages.isDown(atNs: laterNs) { continue }
            arrived += 1
            if arrived == 1 { firstNs = laterNs }
            if arrived == 3 {
                thirdNs = laterNs
                break
            }
        }
        guard let firstNs else { return nil }
        let reorderWindowNs = Int64(min(self.minRTTNs / 4, self.srttNs).rounded())
        return min(max(firstNs, sendNs + reorderWindowNs), thirdNs) + Int64(self.latestRTTNs.rounded())
    }

    // MARK: - Timers

    /// `SRTT + max(4·RTTVAR, minRTO)`, capped at 120 s.
    private var rtoNs: Double { min(self.srttNs + max(4 * self.rttvarNs, self.minRTONs), Self.maxRTONs) }

    /// The tail loss probe timeout (RFC 8985 §7.2, Linux `tcp_schedule_loss_probe`), capped by the RTO.
    /// With one segment in flight: `2·SRTT + minRTO` (Linux adds `tcp_rto_min` then), capped by the RTO.
    private var ptoNs: Double { min(2 * self.srttNs + self.minRTONs, self.rtoNs) }

    /// When the timers for a lost segment were last armed: the ACK of the previous message (it re-arms both the
    /// probe and the RTO), or the segment's own send if that ACK came first.
    private func timerAnchor(sendNs: Int64) -> Int64 {
        guard let previous = self.previousSendNs else { return sendNs }
        return max(sendNs, previous + Int64(self.latestRTTNs.rounded()))
    }

    /// RFC 6298 §2.3 (Karn: only segments that were never retransmitted are sampled).
    private mutating func sampleRTT(_ sampleNs: Double) {
        self.rttvarNs = 0.75 * self.rttvarNs + 0.25 * abs(self.srttNs - sampleNs)
        self.srttNs = 0.875 * self.srttNs + 0.125 * sampleNs
        self.minRTTNs = min(self.minRTTNs, sampleNs)
        self.latestRTTNs = sampleNs
    }

    // MARK: - Original-loss sequence with look-ahead (a 64-bit ring, no allocation)

    private mutating func nextOriginalIsLost() -> Bool {
        guard self.lookaheadCount > 0 else { return self.originals.nextIsLost() }
        let lost = self.lookaheadBits & 1 == 1
        self.lookaheadBits >>= 1
        self.lookaheadCount -= 1
        return lost
    }

    private mutating func peekOriginalIsLost(ahead: Int) -> Bool {
        while self.lookaheadCount <= ahead {
            if self.originals.nextIsLost() { self.lookaheadBits |= 1 << UInt64(self.lookaheadCount) }
            self.lookaheadCount += 1
        }
        return (self.lookaheadBits >> UInt64(ahead)) & 1 == 1
    }

    private mutating func takeForcedLoss() -> Bool {
        guard self.forcedLosses > 0 else { return false }
        self.forcedLosses -= 1
        return true
    }
}
