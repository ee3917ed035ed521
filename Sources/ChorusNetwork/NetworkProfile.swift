/// The impairment of one direction of a link: loss, delay and jitter, reordering, duplication, a rate limit with a
/// drop-tail queue, and periodic outages. All probabilities are fractions (0–1); scenario files write them in percent.
public struct NetworkProfile: Sendable, Codable, Hashable {
    /// Default drop-tail queue depth when a rate limit is set: 500 ms of transmission at the link rate.
    ///
    /// A typical consumer access-link buffer; bufferbloated links hold far more. Scenario key `queue` overrides it.
    public static let defaultQueueMs = 500.0

    /// How packets are lost (random or bursty).
    public var loss: LossModel
    /// Fixed one-way propagation delay in milliseconds.
    public var delayMs: Double
    /// The random part of the delay, added to `delayMs`.
    public var jitter: JitterModel
    /// netem-style correlation of successive jitter draws, 0–1 (0: independent).
    public var correlation: Double
    /// Probability that a packet skips delay and jitter and arrives at once, overtaking earlier ones (netem `reorder`).
    public var reorderRate: Double
    /// Probability that a delivered packet arrives twice (the copy gets its own jitter).
    public var duplicateRate: Double
    /// Bottleneck rate in kbit/s (decimal), or nil for no rate limit.
    public var rateKbps: Double?
    /// Depth of the bottleneck's drop-tail queue, in milliseconds of transmission at `rateKbps`.
    public var queueMs: Double
    /// Whether jitter may reorder packets; false keeps packets first-in first-out (netem with a rate or pfifo child,
    /// WebRTC's `allow_reordering = false`). Packets picked by `reorderRate` overtake either way.
    public var allowsReordering: Bool
    /// Periodic outages (handover, link failure), or nil for none.
    public var outage: Outage?

    /// A profile; every parameter defaults to "no impairment".
    public init(
        loss: LossModel = .none,
        delayMs: Double = 0,
        jitter: JitterModel = .none,
        correlation: Double = 0,
        reorderRate: Double = 0,
        duplicateRate: Double = 0,
        rateKbps: Double? = nil,
        queueMs: Double = NetworkProfile.defaultQueueMs,
        allowsReordering: Bool = true,
        outage: Outage? = nil
    ) {
        self.loss = loss
        self.delayMs = delayMs
        self.jitter = jitter
        self.correlation = correlation
        self.reorderRate = reorderRate
        self.duplicateRate = duplicateRate
        self.rateKbps = rateKbps
        self.queueMs = queueMs
        self.allowsReordering = allowsReordering
        self.outage = outage
    }

    /// No impairment at all.
    public static let clean = NetworkProfile()

    /// True when the profile changes nothing: packets arrive when sent, none lost, reordered or duplicated.
    public var isClean: Bool {
        self.loss.meanLossRate == 0 && self.delayMs == 0 && self.jitter.scaleMs == 0 && self.duplicateRate == 0
            && self.rateKbps == nil && self.outage == nil
    }

    /// Everything wrong with the parameters, each naming the parameter and its allowed range; empty when valid.
    public func problems() -> [String] {
        var found = self.loss.problems()
        if !(self.delayMs >= 0 && self.delayMs.isFinite) { found.append("delay = \(self.delayMs) ms; allowed ≥ 0") }
        if !(self.jitter.scaleMs >= 0 && self.jitter.scaleMs.isFinite) {
            found.append("jitter = \(self.jitter.scaleMs) ms; allowed ≥ 0")
        }
        for (name, value) in [("correlation", self.correlation), ("reorder", self.reorderRate)]
        where !(0...1).contains(value) {
            found.append("\(name) = \(value) is out of range; allowed 0–1")
        }
        if !(0...1).contains(self.duplicateRate) {
            found.append("duplicate = \(self.duplicateRate) is out of range; allowed 0–1")
        }
        if let rate = self.rateKbps, !(rate > 0 && rate.isFinite) { found.append("rate = \(rate) kbit/s; allowed > 0") }
        if !(self.queueMs >= 0 && self.queueMs.isFinite) { found.append("queue = \(self.queueMs) ms; allowed ≥ 0") }
        if let outage = self.outage { found += outage.problems() }
        return found
    }
}

/// Periodic outages: every `intervalMs` the link drops everything for a duration drawn uniformly from
/// `minDurationMs…maxDurationMs` (a G.1050-style link failure or a cellular handover).
///
/// The first outage starts at a seeded random offset within one interval of the first packet, so callers sharing
/// a profile do not all fail at the same instant.
public struct Outage: Sendable, Codable, Hashable {
    /// Time from the start of one outage to the start of the next, in milliseconds.
    public var intervalMs: Double
    /// Shortest outage, in milliseconds.
    public var minDurationMs: Double
    /// Longest outage, in milliseconds.
    public var maxDurationMs: Double

    /// Outages of `minDurationMs…maxDurationMs` every `intervalMs`.
    public init(intervalMs: Double, minDurationMs: Double, maxDurationMs: Double) {
        self.intervalMs = intervalMs
        self.minDurationMs = minDurationMs
        self.maxDurationMs = maxDurationMs
    }

    /// Everything wrong with the parameters; empty when valid.
    public func problems() -> [String] {
        var found: [String] = []
        if !(self.intervalMs > 0 && self.intervalMs.isFinite) {
            found.append("outage_every = \(self.intervalMs) ms; allowed > 0")
        }
        if !(self.minDurationMs >= 0 && self.minDurationMs <= self.maxDurationMs) {
            found.append("outage = \(self.minDurationMs)..\(self.maxDurationMs) ms; allowed 0 ≤ min ≤ max")
        } else if !(self.maxDurationMs < self.intervalMs) {
            found.append("outage = \(self.maxDurationMs) ms; allowed shorter than outage_every (\(self.intervalMs) ms)")
        }
        return found
    }
}
