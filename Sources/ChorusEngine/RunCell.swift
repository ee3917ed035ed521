import ChorusCore
import ChorusNetwork

/// One cell of a run's matrix: a transport (with its codec and audio) under one network profile.
///
/// Sessions are spread over the cells in turn (session k runs in cell k mod n), so every cell sees the same
/// mix of callers, utterances and times; every session records its cell.
public struct RunCell: Sendable {
    /// How callers reach the agent; shared by the cells of the same transport.
    public var target: any CallTransport
    /// Stored in `sessions.codec`.
    public var codec: String
    public var profile: LinkProfile

    public init(target: any CallTransport, codec: String, profile: LinkProfile) {
        self.target = target
        self.codec = codec
        self.profile = profile
    }

    /// Stored in `sessions.transport`.
    public var transport: TransportKind { self.target.kind }

    /// Stored in `sessions.dialect`.
    public var dialect: String { self.target.dialectName }
}
