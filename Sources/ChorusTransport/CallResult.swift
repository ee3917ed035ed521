/// What one session produced at the transport level, before the engine adds its bookkeeping.
public struct CallResult: Sendable {
    /// When the caller started connecting (monotonic ns).
    public var startedNs: Int64
    /// How long connecting took (TCP + handshake, or binding a UDP port); nil when it failed.
    public var connectNs: Int64?
    public var endedNs: Int64
    public var report: CallerReport
}
