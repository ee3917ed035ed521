import NIOCore

/// A message a Media Streams agent sends back to "Twilio" (docs/dialects.md, `twilio`).
public enum TwilioAgentMessage: Sendable, Hashable {
    /// Agent audio to queue for playout at 8 000 bytes/s: raw µ-law, any length (20 ms frames are typical).
    case media(streamSid: String?, payload: ByteBuffer)
    /// Queue a marker; echo it back once the audio queued before it has played (or when a `clear` drops it).
    case mark(streamSid: String?, name: String)
    /// Drop all queued audio now and echo every pending mark.
    case clear(streamSid: String?)

    /// The stream the message addresses.
    public var streamSid: String? {
        switch self {
        case .media(let sid, _), .mark(let sid, _), .clear(let sid): return sid
        }
    }

    /// Whether a media payload starts like a WAV file (`RIFF`): real Twilio would play the header as noise, a
    /// common agent bug worth flagging.
    public var hasWAVHeader: Bool {
        guard case .media(_, let payload) = self else { return false }
        return payload.getBytes(at: payload.readerIndex, length: 4) == Array("RIFF".utf8)
    }
}
