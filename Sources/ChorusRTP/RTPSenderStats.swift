/// What an RTP sender counts for its RTCP sender reports (RFC 3550 §6.4.1 sender info).
public struct RTPSenderStats: Sendable, Hashable {
    /// The sender's SSRC.
    public let ssrc: UInt32
    /// RTP clock rate, Hz.
    public let clockRate: Int
    /// Packets sent (wrapping, as the SR field does).
    public private(set) var packetCount: UInt32 = 0
    /// Payload octets sent, headers and padding excluded (wrapping).
    public private(set) var octetCount: UInt32 = 0
    private var lastTimestamp: UInt32 = 0
    private var lastSendNs: Int64 = 0
    private var hasSent = false

    /// Creates sender statistics.
    public init(ssrc: UInt32, clockRate: Int) {
        precondition(clockRate > 0, "clock rate must be positive")
        self.ssrc = ssrc
        self.clockRate = clockRate
    }

    /// Records one packet sent.
    ///
    /// - Parameters:
    ///   - payloadBytes: payload size (no header, no padding).
    ///   - rtpTimestamp: its RTP timestamp.
    ///   - sentNs: monotonic time it was written.
    public mutating func recordSent(payloadBytes: Int, rtpTimestamp: UInt32, sentNs: Int64) {
        self.packetCount &+= 1
        self.octetCount &+= UInt32(truncatingIfNeeded: max(payloadBytes, 0))
        self.lastTimestamp = rtpTimestamp
        self.lastSendNs = sentNs
        self.hasSent = true
    }

    /// The RTP timestamp corresponding to `nowNs`: the last packet's timestamp advanced by the clock since.
    public func rtpTimestamp(atNs nowNs: Int64) -> UInt32 {
        guard self.hasSent else { return 0 }
        let ticks = RTPClock.ticks(nanoseconds: nowNs - self.lastSendNs, clockRate: self.clockRate)
        return self.lastTimestamp &+ UInt32(truncatingIfNeeded: ticks)
    }

    /// A sender report for `nowNs`, stamped with `ntpTimestamp` (the same instant on the wall clock).
    public func makeSenderReport(
        ntpTimestamp: NTPTimestamp,
        nowNs: Int64,
        reports: [RTCPReportBlock] = []
    )
        -> RTCPSenderReport
    {
        RTCPSenderReport(
            ssrc: self.ssrc,
            ntpTimestamp: ntpTimestamp,
            rtpTimestamp: self.rtpTimestamp(atNs: nowNs),
            packetCount: self.packetCount,
            octetCount: self.octetCount,
            reports: reports
        )
    }
}

/// Conversions between nanoseconds and RTP clock ticks, exact and overflow-safe for any realistic span.
public enum RTPClock {
    /// Ticks in `nanoseconds` at `clockRate` (truncated toward zero).
    public static func ticks(nanoseconds: Int64, clockRate: Int) -> Int64 {
        let rate = Int64(clockRate)
        return nanoseconds / 1_000_000_000 * rate + nanoseconds % 1_000_000_000 * rate / 1_000_000_000
    }

    /// Nanoseconds in `ticks` at `clockRate` (truncated toward zero).
    public static func nanoseconds(ticks: Int64, clockRate: Int) -> Int64 {
        let rate = Int64(clockRate)
        return ticks / rate * 1_000_000_000 + ticks % rate * 1_000_000_000 / rate
    }
}

/// When to send RTCP (RFC 3550 §6.2, simplified for one sender and one receiver per call).
public enum RTCPTiming {
    /// The nominal interval between compound reports: 5 s.
    public static let nominalIntervalNs: Int64 = 5_000_000_000

    /// The next interval, randomized to ×[0.5, 1.5] of the nominal one so calls do not synchronize.
    ///
    /// - Parameter unitRandom: a uniform random value in [0, 1) from the caller's seeded generator.
    public static func randomizedIntervalNs(unitRandom: Double) -> Int64 {
        let factor = 0.5 + min(max(unitRandom, 0), 1)
        return Int64(Double(Self.nominalIntervalNs) * factor)
    }
}
