import ChorusNetwork

/// One cell of a run's matrix: a transport (with its codec and audio) under one network profile.
///
/// Sessions are spread over the cells in turn (session k runs in cell k mod n), so every cell sees the same
/// mix of callers, utterances and times; every session records its cell.
public struct RunCell: Sendable {
    public var transport: String
    public var codec: String
    public var dialect: String
    public var profile: LinkProfile
    public var target: CallTarget

    public init(transport: String, codec: String, dialect: String, profile: LinkProfile, target: CallTarget) {
        self.transport = transport
        self.codec = codec
        self.dialect = dialect
        self.profile = profile
        self.target = target
    }
}
