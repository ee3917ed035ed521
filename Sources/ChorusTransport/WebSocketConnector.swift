import ChorusCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Opens one caller's WebSocket connection, runs its session and always closes it.
///
/// Never throws: every failure becomes a `SessionOutcomeDetail` with an outcome, because a failed call is data.
public enum WebSocketConnector {
    private enum Upgrade: Sendable {
        case upgraded(any Channel)
        case declined
    }

    /// Connects to `endpoint` on `stats.eventLoop`, streams the plan and returns when the call has hung up.
    public static func run(
        plan: SessionPlan, endpoint: WebSocketEndpoint, audio: SharedAudio, dialect: any CallerDialect,
        stats: LoopStats, registry: CallRegistry, connectTimeout: TimeAmount = .seconds(5)
    ) async -> CallResult {
        let startedNs = Int64(NIODeadline.now().uptimeNanoseconds)
        let loop = stats.eventLoop
        let reportPromise = loop.makePromise(of: CallerReport.self)
        let upgrade: EventLoopFuture<Upgrade>
        do {
            upgrade = try await ClientBootstrap(group: loop)
                .connectTimeout(connectTimeout)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Self.configure(
                            channel: channel, endpoint: endpoint, makeHandler: { raw in
                                WebSocketCallerHandler(
                                    plan: plan, audio: audio, dialect: dialect, stats: stats, rawWriter: raw,
                                    promise: reportPromise)
                            })
                    }
                }
        } catch {
            reportPromise.fail(error)
            return Self.failed(startedNs, .connectFailed, "connect to \(endpoint) failed: \(error)")
        }
        // The handshake can hang silently (a server out of file descriptors never answers), so it has its own timeout.
        let timeout = loop.scheduleTask(in: connectTimeout) {
            reportPromise.fail(TimeoutError())
        }
        let channel: any Channel
        do {
            switch try await Self.firstOf(upgrade, timeoutPromise: reportPromise) {
            case .upgraded(let c):
                channel = c
            case .declined:
                timeout.cancel()
                return Self.failed(startedNs, .rejected, "the agent declined the WebSocket upgrade")
            }
        } catch {
            timeout.cancel()
            upgrade.whenSuccess { if case .upgraded(let c) = $0 { c.close(promise: nil) } }
            let outcome: Outcome = error is TimeoutError ? .connectFailed : .connectFailed
            return Self.failed(startedNs, outcome, "WebSocket handshake with \(endpoint) failed: \(error)")
        }
        timeout.cancel()
        return await CallResult.run(channel: channel, registry: registry, report: reportPromise, startedNs: startedNs)
    }

    private struct TimeoutError: Error, CustomStringConvertible {
        var description: String { "timed out" }
    }

    /// Waits for the upgrade, failing early if the report promise fails first (the handshake timeout).
    private static func firstOf(_ upgrade: EventLoopFuture<Upgrade>, timeoutPromise: EventLoopPromise<CallerReport>)
        async throws -> Upgrade
    {
        let loop = upgrade.eventLoop
        let first = loop.makePromise(of: Upgrade.self)
        upgrade.cascade(to: first)
        timeoutPromise.futureResult.whenFailure { first.fail($0) }
        return try await first.futureResult.get()
    }

    private static func configure(
        channel: any Channel, endpoint: WebSocketEndpoint,
        makeHandler: @escaping @Sendable (RawFrameWriter) -> WebSocketCallerHandler
    ) throws -> EventLoopFuture<Upgrade> {
        let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(
            maxFrameSize: 1 << 20,
            enableAutomaticErrorHandling: false,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    let raw = RawFrameWriter()
                    try channel.pipeline.syncOperations.addHandler(raw, position: .first)
                    try channel.pipeline.syncOperations.addHandler(makeHandler(raw))
                    return Upgrade.upgraded(channel)
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(endpoint.host):\(endpoint.port)")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.path, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    channel.close(promise: nil)
                    return Upgrade.declined
                }
            })
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
            configuration: .init(upgradeConfiguration: configuration))
    }

    private static func failed(_ startedNs: Int64, _ outcome: Outcome, _ message: String) -> CallResult {
        CallResult(
            startedNs: startedNs, connectNs: nil, endedNs: Int64(NIODeadline.now().uptimeNanoseconds),
            report: CallerReport(turns: [], outcome: outcome, error: message))
    }
}
