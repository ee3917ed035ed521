/// A 64-bit NTP timestamp (seconds since 1900-01-01 and a 32-bit binary fraction), as RTCP sender reports carry.
///
/// This module reads no clock: build one from nanoseconds the caller took. Only the SR sender ever compares
/// its own NTP values (RTT = A − LSR − DLSR, all on its clock), so any clock consistent on that side works; use
/// wall-clock time (`unixNanoseconds`) when peers or captures should read the value as a date.
public struct NTPTimestamp: Sendable, Hashable, Comparable {
    /// Seconds between the NTP epoch (1900-01-01) and the Unix epoch (1970-01-01).
    public static let unixEpochOffsetSeconds: UInt64 = 2_208_988_800

    /// Whole seconds since 1900-01-01 (wrapping in 2036, as NTP era 0 does).
    public var seconds: UInt32
    /// The fraction of a second, in units of 2⁻³² s.
    public var fraction: UInt32

    /// Creates a timestamp from its two words.
    public init(seconds: UInt32, fraction: UInt32) {
        self.seconds = seconds
        self.fraction = fraction
    }

    /// Creates a timestamp from the 64-bit wire value (seconds in the high word).
    public init(rawValue: UInt64) {
        self.init(seconds: UInt32(truncatingIfNeeded: rawValue >> 32), fraction: UInt32(truncatingIfNeeded: rawValue))
    }

    /// Creates a timestamp from nanoseconds since the Unix epoch (fraction truncated to 2⁻³² s).
    public init(unixNanoseconds: Int64) {
        let ns = UInt64(max(unixNanoseconds, 0))
        let seconds = ns / 1_000_000_000 + Self.unixEpochOffsetSeconds
        let fraction = ((ns % 1_000_000_000) << 32) / 1_000_000_000
        self.init(seconds: UInt32(truncatingIfNeeded: seconds), fraction: UInt32(fraction))
    }

    /// The 64-bit wire value.
    public var rawValue: UInt64 { UInt64(self.seconds) << 32 | UInt64(self.fraction) }

    /// Nanoseconds since the Unix epoch (era 0 only; rounded to the nearest nanosecond).
    public var unixNanoseconds: Int64 {
        let seconds = Int64(self.seconds) - Int64(Self.unixEpochOffsetSeconds)
        let fractionNs = (UInt64(self.fraction) * 1_000_000_000 + (1 << 31)) >> 32
        return seconds * 1_000_000_000 + Int64(fractionNs)
    }

    /// The middle 32 bits (16.16 fixed point seconds): the form of LSR, DLSR and RTT in report blocks.
    public var compact: UInt32 { UInt32(truncatingIfNeeded: self.rawValue >> 16) }

    public static func < (lhs: NTPTimestamp, rhs: NTPTimestamp) -> Bool { lhs.rawValue < rhs.rawValue }

    // MARK: - 16.16 durations

    /// A duration in 1/65536 s units (DLSR), from nanoseconds; negative durations read 0, huge ones saturate.
    public static func compactDuration(nanoseconds: Int64) -> UInt32 {
        guard nanoseconds > 0 else { return 0 }
        let units = (UInt64(nanoseconds) << 16) / 1_000_000_000
        return UInt32(min(units, UInt64(UInt32.max)))
    }

    /// Nanoseconds in a duration of `units` × 1/65536 s (rounded to the nearest nanosecond).
    public static func nanoseconds(compact units: UInt32) -> Int64 {
        Int64((UInt64(units) * 1_000_000_000 + (1 << 15)) >> 16)
    }

    /// RFC 3550 §6.4.1 round-trip time, `A − LSR − DLSR` in 1/65536 s, modulo 2³² as the RFC computes it.
    ///
    /// - Parameters:
    ///   - arrival: A, the compact NTP time the report block arrived at the SR sender, on the SR sender's clock.
    ///   - lastSenderReport: LSR from the block.
    ///   - delaySinceLastSenderReport: DLSR from the block.
    /// - Returns: nil when LSR is 0 (the peer has no SR yet) or the result would be negative (clock trouble).
    public static func roundTripTime(
        arrival: UInt32,
        lastSenderReport: UInt32,
        delaySinceLastSenderReport: UInt32
    )
        -> UInt32?
    {
        guard lastSenderReport != 0 else { return nil }
        let rtt = arrival &- lastSenderReport &- delaySinceLastSenderReport
        return Int32(bitPattern: rtt) < 0 ? nil : rtt
    }
}
