/// What an `ICEAgent` reports to its owner, in order, through `ICEAgent.popEvent()`.
///
/// At most one `selected` and then at most one `consentExpired`, or a single `failed`: after `failed` or
/// `consentExpired` the agent sends nothing more.
public enum ICEEvent: Sendable, Equatable {
    /// The first nominated pair succeeded: media goes to `remote` from now on (controlling: after a check carrying
    /// USE-CANDIDATE succeeded; controlled: after a nominated check on a pair that succeeded).
    case selected(remote: STUNAddress)
    /// No pair could be selected, e.g. "ICE: no candidate pair succeeded in 5 s, 3 pairs tried" or
    /// "ICE: no remote candidates".
    case failed(reason: String)
    /// RFC 7675: no authenticated answer to a consent check came for the consent timeout (30 s); the call is
    /// dropped.
    case consentExpired(reason: String)
}
