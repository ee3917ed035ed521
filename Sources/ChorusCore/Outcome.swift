/// How a turn or a session ended. Stored as the word in `rawValue` (docs/schema.md) and aggregated in reports.
public enum Outcome: String, Sendable, Codable, CaseIterable, Hashable {
    /// Everything the caller expected happened.
    case ok
    /// The agent sent no audio for a turn within the response timeout.
    case noResponse = "no_response"
    /// The agent started answering but did not finish within the response timeout, or the session overran.
    case timeout
    /// TCP connect or the protocol handshake failed or timed out.
    case connectFailed = "connect_failed"
    /// The agent sent something the dialect could not understand, or closed with an error.
    case protocolError = "protocol_error"
    /// The agent refused the call (authentication failure, a 4xx handshake answer).
    case rejected
    /// The connection went away mid-call.
    case dropped
    /// The run was stopped (Ctrl-C, duration over) before this turn or session finished.
    case interrupted

    /// Whether the outcome counts as an error in `errors.rate`. Interrupted work is not the agent's fault.
    public var isError: Bool {
        switch self {
        case .ok, .interrupted: return false
        default: return true
        }
    }
}
