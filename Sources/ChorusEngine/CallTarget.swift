import ChorusTransport
import NIOCore

/// Where and how callers reach the agent: the connection and its pre-encoded audio.
public enum CallTarget: Sendable {
    case webSocket(WebSocketEndpoint, dialect: any CallerDialect, options: WebSocketClientOptions)
    /// `symmetric`: the agent answers from the address it is sent to, so each caller's socket is connected to it.
    case rtp(SocketAddress, SharedRTPAudio, symmetric: Bool)

    /// A WebSocket target with default client options (no extra headers, no TLS).
    public static func webSocket(_ endpoint: WebSocketEndpoint, dialect: any CallerDialect) -> CallTarget {
        .webSocket(endpoint, dialect: dialect, options: WebSocketClientOptions())
    }

    /// How many utterances callers choose from.
    public var clipCount: Int {
        switch self {
        case .webSocket(_, let dialect, _): return dialect.audio.clips.count
        case .rtp(_, let audio, _): return audio.clips.count
        }
    }

    /// For messages: the agent's address.
    public var description: String {
        switch self {
        case .webSocket(let endpoint, _, let options): return options.redact(endpoint.description)
        case .rtp(let address, _, _):
            return "rtp://\(HostPort(host: address.ipAddress ?? "?", port: address.port ?? 0))"
        }
    }
}
