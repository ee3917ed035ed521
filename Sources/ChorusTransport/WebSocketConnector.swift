import ChorusDialects
import ChorusCore
import ChorusSockets
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// Opens one caller's WebSocket connection, runs its session and always closes it.
///
/// Never throws: every failure becomes a `SessionOutcomeDetail` with an outcome, because a failed call is data.
public enum WebSocketConnector {
    private enum Upgrade: Sendable {
        case upgraded(any Channel)
        case declined(EventLoopFuture<HandshakeRejection>)
    }

    /// Connects to `endpoint` on `stats.eventLoop`, streams the plan and returns when the call has hung up.
    public static func run(
        plan: SessionPlan, endpoint: WebSocketEndpoint, dialect: any CallerDialect,
        options: WebSocketClientOptions = WebSocketClientOptions(), stats: LoopStats, registry: CallRegistry,
        connectTimeout: TimeAmount = .seconds(5)
    ) async -> CallResult {
        let startedNs = Int64(NIODeadline.now().uptimeNanoseconds)
        let loop = stats.eventLoop
        let reportPromise = loop.makePromise(of: CallerReport.self)
        let upgrade: EventLoopFuture<Upgrade>
        do {
            let bootstrap = ClientBootstrap(group: loop)
                .connectTimeout(connectTimeout)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            let link = Self.impairment(plan: plan, stats: stats)
            /// Sets up the upgrade; `direct` is the socket the frames may be written to past NIO, when there is one.
            func initializer(_ direct: DirectStreamSocket?) -> @Sendable (any Channel) -> EventLoopFuture<EventLoopFuture<Upgrade>> {
                { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Self.configure(
                            channel: channel, endpoint: endpoint, options: options, sessionId: plan.sessionId,
                            link: link, direct: direct,
                            makeHandler: { raw, tap in
                                CallEngine.webSocket(
                                    plan: plan, dialect: dialect, stats: stats, rawWriter: raw, tap: tap,
                                    promise: reportPromise)
                            })
                    }
                }
            }
            // An address needs no resolver: NIO's runs getaddrinfo on threads of their own, one per connect, which
            // take the CPU from the callers' loops during a ramp (loop lag above 10 ms on one core at 1,000 callers).
            // A host name is resolved per call, as a caller's phone would, so DNS round robin spreads them.
            if let address = try? SocketAddress(ipAddress: endpoint.host, port: endpoint.port) {
                if endpoint.isTLS || link != nil {
                    upgrade = try await bootstrap.connect(to: address, channelInitializer: initializer(nil))
                } else {
                    // Plain and unimpaired: a socket of our own, so the frames can be written past NIO's write path.
                    let socket = try DirectStreamSocket.connect(to: address)
                    upgrade = try await bootstrap.withConnectedSocket(socket.descriptor, channelInitializer: initializer(socket))
                }
            } else {
                upgrade = try await bootstrap.connect(
                    host: endpoint.host, port: endpoint.port, channelInitializer: initializer(nil))
            }
        } catch {
            reportPromise.fail(error)
            return Self.failed(startedNs, .connectFailed, options.redact("connect to \(endpoint) failed: \(error)"))
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
            case .declined(let rejection):
                let answer = try? await rejection.get()
                timeout.cancel()
                let detail = answer?.description ?? "no answer"
                return Self.failed(
                    startedNs, .rejected, options.redact("the agent refused the WebSocket upgrade: \(detail)"))
            }
        } catch {
            timeout.cancel()
            upgrade.whenSuccess { if case .upgraded(let c) = $0 { c.close(promise: nil) } }
            let outcome: Outcome = error is TimeoutError ? .connectFailed : .connectFailed
            return Self.failed(startedNs, outcome, options.redact("WebSocket handshake with \(endpoint) failed: \(error)"))
        }
        timeout.cancel()
        return await CallResult.run(channel: channel, registry: registry, report: reportPromise, startedNs: startedNs)
    }

    private struct TimeoutError: Error, CustomStringConvertible {
        var description: String { "timed out" }
    }

    private struct TLSNotConfigured: Error, CustomStringConvertible {
        var description: String { "wss:// needs a TLS context in the client options" }
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
        channel: any Channel, endpoint: WebSocketEndpoint, options: WebSocketClientOptions, sessionId: String,
        link: (@Sendable (LinkTap) -> ImpairmentHandler<ByteBuffer, ByteBuffer>)?, direct: DirectStreamSocket?,
        makeHandler: @escaping @Sendable (RawFrameWriter, LinkTap?) -> CallEngine<WebSocketMedia>
    ) throws -> EventLoopFuture<Upgrade> {
        if endpoint.isTLS {
            guard let tls = options.tls else { throw TLSNotConfigured() }
            // SNI carries names only; an IP literal is checked against the certificate's IP addresses instead.
            let name = options.serverName ?? endpoint.host
            let sni = name.contains(":") || name.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : name
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: sni))
        }
        let maxMessageSize = min(max(1, options.maxMessageSize), WebSocketClientOptions.maxMessageSizeCeiling)
        let upgrader = WebSocketClientUpgrader<Upgrade>(
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    // With no TLS and no impaired link, nothing sits between it and the socket: it may write there.
                    let raw = RawFrameWriter(direct: direct)
                    // Prebuilt frames skip the WebSocket encoder but must still pass through TLS.
                    let pipeline = channel.pipeline.syncOperations
                    if let tls = try? pipeline.handler(type: NIOSSLClientHandler.self) {
                        try pipeline.addHandler(raw, position: .after(tls))
                    } else {
                        try pipeline.addHandler(raw, position: .first)
                    }
                    // Agents may fragment any message; the caller handler reads each one whole, stamped at its last
                    // fragment, since that is when it can first be decoded and played.
                    // An impaired link sits next to the socket, below TLS: it holds back and releases what TCP
                    // carries, the way the network would.
                    let tap = link.map { _ in LinkTap() }
                    if let link, let tap { try pipeline.addHandler(link(tap), position: .first) }
                    // The upgrade's leftover bytes, passed on once this returns, come to the reader.
                    let reader = WebSocketMessageReader(maxMessageSize: maxMessageSize)
                    let engine = makeHandler(raw, tap)
                    reader.receiver = engine
                    try pipeline.addHandlers(reader, engine)
                    return Upgrade.upgraded(channel)
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(endpoint.host):\(endpoint.port)")
        // Lets the reference agent file its ground truth under this call's id; real agents ignore it.
        headers.add(name: "X-Chorus-Session", value: sessionId)
        if !options.subprotocols.isEmpty {
            headers.add(name: "Sec-WebSocket-Protocol", value: options.subprotocols.joined(separator: ", "))
        }
        for header in options.headers { headers.add(name: header.name, value: header.value) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.path, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The refusal's head and body are passed on once this returns: read them for the error.
                    let promise = channel.eventLoop.makePromise(of: HandshakeRejection.self)
                    try channel.pipeline.syncOperations.addHandler(HandshakeRejectionRecorder(promise: promise))
                    return Upgrade.declined(promise.futureResult)
                }
            })
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        // An agent may send its first message (OpenAI's session.created) in the same read as the 101.
        pipeline.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
    }

    /// What makes the TCP model's handler for `plan`'s link, when the link is impaired in either direction.
    private static func impairment(plan: SessionPlan, stats: LoopStats)
        -> (@Sendable (LinkTap) -> ImpairmentHandler<ByteBuffer, ByteBuffer>)?
    {
        guard let profile = plan.link, !profile.isClean else { return nil }
        return { tap in
            .stream(
                profile: profile, runSeed: plan.runSeed, callerIndex: plan.sessionIndex, tap: tap,
                scheduler: stats.delays)
        }
    }

    private static func failed(_ startedNs: Int64, _ outcome: Outcome, _ message: String) -> CallResult {
        CallResult(
            startedNs: startedNs, connectNs: nil, endedNs: Int64(NIODeadline.now().uptimeNanoseconds),
            report: CallerReport(turns: [], outcome: outcome, error: message))
    }
}
