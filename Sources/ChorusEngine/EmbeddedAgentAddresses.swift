import ChorusCore

/// Where the embedded reference agent listens, per transport: what a cell calls when its scenario gives its
/// transport no address of its own. Whoever starts the agent fills it in.
public struct EmbeddedAgentAddresses: Sendable, Hashable {
    public var host: String
    /// The agent's port for each transport it serves.
    public var ports: [TransportKind: Int]

    public init(host: String = "127.0.0.1", ports: [TransportKind: Int]) {
        self.host = host
        self.ports = ports
    }
}
