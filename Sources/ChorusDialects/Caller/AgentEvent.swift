import ChorusCore
import NIOCore

/// What a dialect made of one message from the agent.
public enum AgentEvent: Sendable {
    /// Agent audio in `format`.
    case audio(ByteBuffer, WireAudioFormat)
    /// The agent finished its answer for the current turn.
    case responseEnd
    /// The agent accepted the session (callers of dialects that wait for it start streaming now).
    case ready
    /// The agent reported an error; the session ends with `outcome` (`protocol_error` or `rejected`).
    case error(String, outcome: Outcome = .protocolError)
    /// A message this harness does not act on.
    case ignored
}

/// How agent audio on the wire is encoded, so the caller can time and level it.
public enum WireAudioFormat: Sendable, Hashable {
    /// PCM signed 16-bit little-endian, interleaved.
    case pcm16(sampleRate: Int, channels: Int)
    /// G.711 µ-law, 8 kHz mono.
    case muLaw

    /// Nanoseconds of audio in `byteCount` bytes.
    public func durationNs(byteCount: Int) -> Int64 {
        switch self {
        case .pcm16(let rate, let channels):
            let bytesPerSecond = max(1, rate * 2 * max(1, channels))
            return Int64(byteCount) * 1_000_000_000 / Int64(bytesPerSecond)
        case .muLaw:
            return Int64(byteCount) * 125_000
        }
    }
}
