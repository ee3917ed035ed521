/// How callers' media reaches the agent: a scenario's `target.transport` and `matrix.transports`.
///
/// The raw value is the name scenarios use and `sessions.transport` stores. A kind runs only once the engine's
/// `TransportRegistry` has a transport for it: `webrtc` and `sip` are reserved names, refused by scenarios until then.
public enum TransportKind: String, Sendable, Codable, Hashable, CaseIterable, CustomStringConvertible {
    case websocket
    case rtp
    case webrtc
    case sip

    /// The scenario name.
    public var description: String { self.rawValue }
}
