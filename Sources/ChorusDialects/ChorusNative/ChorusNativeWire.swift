import ChorusAudio
import NIOCore
import NIOWebSocket

/// The Chorus native dialect, agent side (docs/dialects.md): `start` → `ready`, PCM16 binary frames both ways at the
/// rate the caller chose, optional `end_of_turn`, and `response.end` after each reply's last frame.
///
/// No barge-in: a new end of speech replaces a running reply, as the agent always did; the replaced reply still
/// ends with `response.end` (`"cancelled": true`).
public final class ChorusNativeWire: AgentWire {
    private let replies: ReplyWireTable
    private var frames: [ByteBuffer]
    /// The caller's audio rate, from its `start` (PCM16 mono).
    private var sampleRate = 16_000

    public let replyChunkNs: Int64 = 20_000_000
    public var replyChunkCount: Int { self.frames.count }

    public init(replies: ReplyWireTable) {
        self.replies = replies
        self.frames = replies.chorus[16_000] ?? []
    }

    /// The reply at every rate as complete binary frames (20 ms of PCM16 LE each), for `ReplyWireTable`.
    static func replyFrames(_ frames: [Int: [ByteBuffer]]) -> [Int: [ByteBuffer]] {
        frames.mapValues { rate in
            rate.map { ServerFrame.complete(opcode: ServerFrame.binary, payload: Array(buffer: $0)) }
        }
    }

    public func received(_ frame: WebSocketFrame, atNs nowNs: Int64, _ session: any AgentWireSession) {
        let data = frame.unmaskedData
        if frame.opcode == .binary {
            let level = data.withUnsafeReadableBytes { AudioLevel.rmsDBFS(pcm16LE: $0) }
            let durationNs = Int64(data.readableBytes) * 500_000_000 / Int64(self.sampleRate)
            session.hear(levelDBFS: level, durationNs: durationNs, atNs: nowNs)
            return
        }
        let message = data.withUnsafeReadableBytes { try? JSONParser.parse($0) }
        guard let message, let type = message["type"]?.stringValue else {
            session.write(text: #"{"type":"error","message":"unreadable control message"}"#)
            return
        }
        switch type {
        case "start":
            if let id = message["session"]?.stringValue { session.sessionId = id }
            let rate = message["sample_rate"]?.intValue ?? 16000
            guard let frames = self.replies.chorus[rate] else {
                session.write(text: #"{"type":"error","message":"unsupported sample_rate \#(rate)"}"#)
                return
            }
            self.frames = frames
            self.sampleRate = rate
            session.write(text: #"{"type":"ready"}"#)
        case "end_of_turn":
            session.endOfTurnMessage(atNs: nowNs)
        default:
            break
        }
    }

    public func writeReplyChunk(_ index: Int, _ writer: any ServerFrameWriter, _ session: any AgentWireSession) {
        // A `start` mid-reply may have switched tables; their lengths can differ by a frame of resampling.
        if index < self.frames.count { writer.write(self.frames[index]) }
    }

    public func replyFinished(turn: Int, _ session: any AgentWireSession) {
        session.write(text: #"{"type":"response.end","turn":\#(turn)}"#)
    }

    public func replyCancelled(turn: Int, chunksSent: Int, reason: ReplyCancellation, _ session: any AgentWireSession) {
        // Every reply that sent audio is closed by its own `response.end`, so callers can tell its audio from the
        // next reply's.
        guard reason != .closing, chunksSent > 0 else { return }
        session.write(text: #"{"type":"response.end","turn":\#(turn),"cancelled":true}"#)
    }
}

@available(*, unavailable)
extension ChorusNativeWire: Sendable {}
