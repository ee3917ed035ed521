/// A rate-limited link with a drop-tail queue measured in time: each packet occupies the link for
/// `bytes · 8 / rate` and waits behind the packets admitted before it. No allocation per packet.
struct BottleneckQueue: Sendable {
    private let nsPerByte: Double
    private let capacityNs: Int64
    private var linkFreeNs = Int64.min

    /// A bottleneck at `rateKbps` (nil: no bottleneck) holding `queueMs` of transmission (nil: unbounded).
    init(rateKbps: Double?, queueMs: Double?) {
        if let rate = rateKbps, rate > 0 {
            self.nsPerByte = 8_000_000 / rate  // 8 bits per byte, rate·1000 bit/s, 1e9 ns/s
        } else {
            self.nsPerByte = 0
        }
        if let queueMs {
            self.capacityNs = Int64((max(0, queueMs) * 1_000_000).rounded())
        } else {
            self.capacityNs = .max
        }
    }

    /// When the last bit of a packet sent at `sendNs` leaves the bottleneck, or nil when the queue is full.
    ///
    /// A packet is admitted when the link is idle, or when its wait plus its own transmission fit in the queue, so
    /// the delay added by the queue never exceeds its depth.
    mutating func departure(sendNs: Int64, bytes: Int) -> Int64? {
        guard self.nsPerByte > 0 else { return sendNs }
        let transmitNs = Int64((Double(max(0, bytes)) * self.nsPerByte).rounded())
        let startNs = max(sendNs, self.linkFreeNs)
        let waitNs = startNs - sendNs
        if waitNs > 0 && waitNs > self.capacityNs - transmitNs { return nil }
        self.linkFreeNs = startNs + transmitNs
        return self.linkFreeNs
    }
}
