import ChorusTransport
import NIOCore

/// Where and how callers reach the agent: the connection and its pre-encoded audio.
public enum CallTarget: Sendable {
    case webSocket(WebSocketEndpoint, SharedAudio, dialect: any CallerDialect)
    case rtp(SocketAddress, SharedRTPAudio)

    /// How many utterances callers choose from.
    public var clipCount: Int {
        switch self {
        case .webSocket(_, let audio, _): return audio.clips.count
        case .rtp(_, let audio): return audio.clips.count
        }
    }

    /// For messages: the agent's address.
    public var description: String {
        switch self {
        case .webSocket(let endpoint, _, _): return endpoint.description
        case .rtp(let address, _): return "rtp://\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        }
    }
}
