import ChorusCore
import NIOCore

/// What one session produced at the transport level, before the engine adds its bookkeeping.
public struct CallResult: Sendable {
    /// When the caller started connecting (monotonic ns).
    public var startedNs: Int64
    /// How long connecting took (TCP + handshake, or binding a UDP port); nil when it failed.
    public var connectNs: Int64?
    public var endedNs: Int64
    public var report: CallerReport
    /// Where a WebRTC call's connect time went; nil for other transports.
    public var connectPhases: ConnectPhases?

    public init(startedNs: Int64, connectNs: Int64?, endedNs: Int64, report: CallerReport, connectPhases: ConnectPhases? = nil) {
        self.startedNs = startedNs
        self.connectNs = connectNs
        self.endedNs = endedNs
        self.report = report
        self.connectPhases = connectPhases
    }
}

extension CallResult {
    /// Starts a connected call, registers it so the run can stop it, and waits until it has hung up.
    static func run(
        channel: any Channel, registry: CallRegistry, report: EventLoopPromise<CallerReport>, startedNs: Int64
    ) async -> CallResult {
        let connectNs = Int64(NIODeadline.now().uptimeNanoseconds) - startedNs
        channel.pipeline.fireUserInboundEventTriggered(CallerStart())
        if !registry.add(channel) {
            channel.pipeline.fireUserInboundEventTriggered(CallerInterrupt())
        }
        defer { registry.remove(channel) }
        let result: CallerReport
        do {
            result = try await report.futureResult.get()
        } catch {
            result = CallerReport(turns: [], outcome: .dropped, error: "\(error)")
        }
        return CallResult(
            startedNs: startedNs, connectNs: connectNs, endedNs: Int64(NIODeadline.now().uptimeNanoseconds),
            report: result)
    }
}
