import ChorusDialects
import ChorusCore
import ChorusTransport
import NIOCore

/// Callers on a WebSocket (`ws://` or `wss://`), speaking one of the dialects (docs/dialects.md).
public struct WebSocketCallTransport: CallTransport {
    public var endpoint: WebSocketEndpoint
    /// The dialect with its audio messages built once.
    public var dialect: any CallerDialect
    /// Headers, subprotocols, TLS and the secrets redacted from everything stored.
    public var options: WebSocketClientOptions

    public init(
        endpoint: WebSocketEndpoint, dialect: any CallerDialect, options: WebSocketClientOptions = WebSocketClientOptions()
    ) {
        self.endpoint = endpoint
        self.dialect = dialect
        self.options = options
    }

    /// Reads `target.url` (or calls the embedded agent on `/<dialect>`), the dialect and its keys (`WebSocketTarget`).
    public static func make(_ setup: TransportSetup) throws -> WebSocketCallTransport {
        try WebSocketTarget.make(
            setup.scenario, utterances: setup.utterances, embeddedPort: setup.embeddedAgent?.ports[.websocket],
            embeddedHost: setup.embeddedAgent?.host ?? "127.0.0.1", environment: setup.environment)
    }

    public static func agentAddress(in target: Scenario.Target) -> String? { target.url }

    public var kind: TransportKind { .websocket }

    public var dialectName: String { self.dialect.name }

    public var description: String { self.options.redact(self.endpoint.description) }

    public var clipCount: Int { self.dialect.audio.clips.count }

    public var usesDatagrams: Bool { false }

    public func call(
        plan: SessionPlan, stats: LoopStats, registry: CallRegistry, connectTimeout: Duration
    ) async -> CallResult {
        await WebSocketConnector.run(
            plan: plan, endpoint: self.endpoint, dialect: self.dialect, options: self.options, stats: stats,
            registry: registry, connectTimeout: TimeAmount(connectTimeout))
    }
}
