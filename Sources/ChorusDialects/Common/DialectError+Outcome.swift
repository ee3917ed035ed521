import ChorusCore

extension DialectError {
    /// A message the dialect cannot understand ends the session as `protocol_error`.
    public var outcome: Outcome { .protocolError }
}

extension OpenAIRealtimeEvent.ServerError {
    /// How this error ends the session. It returns nil for errors the caller should tolerate
    /// (`response_cancel_not_active`), `rejected` when the server refuses the retired beta interface (the socket
    /// then closes with 4000), and `protocol_error` for anything else.
    public var outcome: Outcome? {
        if self.isBenignRace { return nil }
        return self.isBetaShapeDisabled ? .rejected : .protocolError
    }
}
