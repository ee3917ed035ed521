#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The harness's two clocks, as nanosecond counts, without NIO.
///
/// `nowNs()` is the clock every timestamp, deadline and ground-truth record is on: on Linux it reads
/// `CLOCK_MONOTONIC`, exactly what `NIODeadline.now().uptimeNanoseconds` reads there, so values from either can be
/// compared and handed to `NIODeadline.uptimeNanoseconds(_:)`. `wallNs()` is Unix time, for NTP timestamps and
/// for pairing a monotonic reading with a kernel's wall-clock stamp.
public enum MonotonicClock {
    /// Monotonic nanoseconds (Linux `CLOCK_MONOTONIC`; on Darwin the uptime clock `DispatchTime` uses).
    @inlinable
    public static func nowNs() -> Int64 {
        #if canImport(Darwin)
        Int64(clock_gettime_nsec_np(CLOCK_UPTIME_RAW))
        #else
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
        #endif
    }

    /// Unix time in nanoseconds (`CLOCK_REALTIME`); it can step, so never subtract two readings for a duration.
    @inlinable
    public static func wallNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }
}
