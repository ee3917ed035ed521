import ChorusAudio
import ChorusCore

/// What a transport's factory builds its target from.
public struct TransportSetup: Sendable {
    /// The scenario seen from this transport: `target.transport` and `target.codec` are the transport's own, and
    /// for a transport other than the target's (a `matrix.transports` cell) `target.url` and `target.address` are
    /// cleared, so it calls the embedded agent.
    public var scenario: Scenario
    /// The embedded reference agent, when one was started.
    public var embeddedAgent: EmbeddedAgentAddresses?
    /// Loads the scenario's utterances at a sample rate.
    public var utterances: @Sendable (Int) throws -> [Utterance]
    /// What `${VAR}` in the target expands from.
    public var environment: [String: String]

    public init(
        scenario: Scenario, embeddedAgent: EmbeddedAgentAddresses?,
        utterances: @escaping @Sendable (Int) throws -> [Utterance], environment: [String: String]
    ) {
        self.scenario = scenario
        self.embeddedAgent = embeddedAgent
        self.utterances = utterances
        self.environment = environment
    }

    /// The transport being built.
    public var kind: TransportKind { self.scenario.target.transport }
}
