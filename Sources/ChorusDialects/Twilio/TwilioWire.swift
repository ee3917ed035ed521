import ChorusAudio
import NIOCore
import NIOWebSocket

/// A Twilio Media Streams bot, the side Twilio's `<Connect><Stream>` dials (docs/agent.md).
///
/// Reads `connected`, `start` (µ-law 8 kHz mono only), `media`, `mark`, `dtmf` and `stop` (then closes normally).
/// Answers each turn with 20 ms `media` messages and a `mark` named `reply-<turn>` after the last one; caller
/// speech during a reply stops it and sends `clear`. Any protocol violation (a binary frame, malformed JSON, media
/// before `start`, another media format, bad base64) closes the socket with 1003 and the reason as close text.
public final class TwilioWire: AgentWire {
    /// The close code for every protocol violation.
    static let violationCode = WebSocketErrorCode.unacceptableData

    private let replies: ReplyWireTable
    private let hasSessionHeader: Bool
    private var streamSid: String?
    /// Frame header and `{"event":"media","streamSid":"…","media":{"payload":"`: every reply message's head.
    private var mediaHead = ByteBuffer()
    private var scratch = ByteBuffer()

    public let replyChunkNs: Int64 = 20_000_000
    public var replyChunkCount: Int { self.streamSid == nil ? 0 : self.replies.twilioMedia.count }

    /// - Parameter hasSessionHeader: the upgrade request carried `X-Chorus-Session`, which then names the session
    ///   (else `start`'s `chorus_session` parameter or its stream SID does).
    public init(replies: ReplyWireTable, hasSessionHeader: Bool) {
        self.replies = replies
        self.hasSessionHeader = hasSessionHeader
    }

    /// The reply's media tails for `ReplyWireTable`, one per 20 ms frame of µ-law 8 kHz:
    /// `<base64 of 160 bytes µ-law>"}}`.
    static func replyMediaTails(_ muLawFrames: [[UInt8]]) -> WireEntries {
        WireEntries(muLawFrames.map { Base64.encode($0) + Array(#""}}"#.utf8) })
    }

    // MARK: - Inbound

    public func received(_ frame: WebSocketFrame, atNs nowNs: Int64, _ session: any AgentWireSession) {
        guard frame.opcode == .text else {
            session.close(code: Self.violationCode, reason: "binary frames are not supported: send JSON text")
            return
        }
        let data = frame.unmaskedData
        if self.streamSid != nil {
            let fast = data.withUnsafeReadableBytes { bytes -> Bool in
                guard let payload = Self.mediaPayload(in: bytes) else { return false }
                self.hear(payload: payload, atNs: nowNs, session)
                return true
            }
            if fast { return }
        }
        let message = data.withUnsafeReadableBytes { try? JSONParser.parse($0) }
        guard let message, message.isObject, let event = message["event"]?.stringValue else {
            session.close(code: Self.violationCode, reason: "malformed message: expected a JSON object with \"event\"")
            return
        }
        switch event {
        case "start": self.start(message, session)
        case "media":
            guard self.streamSid != nil else {
                session.close(code: Self.violationCode, reason: "media before start")
                return
            }
            guard var payload = message["media"]?["payload"]?.stringValue else {
                session.close(code: Self.violationCode, reason: "media without media.payload")
                return
            }
            payload.withUTF8 { self.hear(payload: UnsafeRawBufferPointer($0), atNs: nowNs, session) }
        case "stop":
            session.close(code: .normalClosure)
        default:
            // connected, mark echoes, dtmf, and events newer than this agent: nothing to do.
            break
        }
    }

    private func start(_ message: JSONValue, _ session: any AgentWireSession) {
        guard self.streamSid == nil else { return }
        let start = message["start"]
        guard let sid = start?["streamSid"]?.stringValue ?? message["streamSid"]?.stringValue, !sid.isEmpty else {
            session.close(code: Self.violationCode, reason: "start without streamSid")
            return
        }
        let format = start?["mediaFormat"]
        if let format,
            format["encoding"]?.stringValue != "audio/x-mulaw" || format["sampleRate"]?.intValue != 8000
                || (format["channels"]?.intValue ?? 1) != 1
        {
            session.close(code: Self.violationCode, reason: "unsupported mediaFormat: only audio/x-mulaw 8000 Hz mono")
            return
        }
        self.streamSid = sid
        if !self.hasSessionHeader {
            session.sessionId = start?["customParameters"]?["chorus_session"]?.stringValue ?? sid
        }
        let head = #"{"event":"media","streamSid":"# + JSONValue.string(sid).serialized + #","media":{"payload":""#
        var buffer = ByteBuffer()
        ServerFrame.writeHeader(
            opcode: ServerFrame.text, payloadLength: head.utf8.count + self.replies.twilioMedia.entryLength,
            into: &buffer)
        buffer.writeString(head)
        self.mediaHead = buffer
    }

    private func hear(payload: UnsafeRawBufferPointer, atNs nowNs: Int64, _ session: any AgentWireSession) {
        self.scratch.clear()
        guard Base64.decode(payload, appendingTo: &self.scratch) else {
            session.close(code: Self.violationCode, reason: "media.payload is not base64")
            return
        }
        let level = self.scratch.withUnsafeReadableBytes { AudioLevel.rmsDBFS(muLaw: $0) }
        // µ-law at 8 kHz: 125 µs a byte.
        session.hear(levelDBFS: level, durationNs: Int64(self.scratch.readableBytes) * 125_000, atNs: nowNs)
    }

    // MARK: - Outbound

    public func writeReplyChunk(_ index: Int, _ writer: any ServerFrameWriter, _ session: any AgentWireSession) {
        writer.write(self.mediaHead)
        writer.write(self.replies.twilioMedia.entry(at: index))
    }

    public func replyFinished(turn: Int, _ session: any AgentWireSession) {
        session.write(text: self.message("mark", ("mark", ["name": .string("reply-\(turn)")])))
    }

    public func replyCancelled(turn: Int, chunksSent: Int, reason: ReplyCancellation, _ session: any AgentWireSession) {
        // Only audio already sent needs clearing from Twilio's playout queue.
        if chunksSent > 0 { session.write(text: self.message("clear", nil)) }
    }

    private func message(_ event: String, _ body: (String, JSONValue)?) -> String {
        var members: [(key: String, value: JSONValue)] = [
            ("event", .string(event)), ("streamSid", .string(self.streamSid ?? "")),
        ]
        if let body { members.append((key: body.0, value: body.1)) }
        return JSONValue.object(members).serialized
    }

    // MARK: - The media fast path

    private static let mediaPrefix: [UInt8] = Array(#"{"event":"media","#.utf8)
    private static let payloadKey: [UInt8] = Array(#""payload":""#.utf8)

    /// The base64 payload of a media message whose last member is `media` and whose `media` ends with `payload`
    /// (how Twilio and Chorus write it), found without parsing; nil for any other shape.
    static func mediaPayload(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let prefix = Self.mediaPrefix
        let n = bytes.count
        guard n > prefix.count + 16, bytes[n - 1] == UInt8(ascii: "}"), bytes[n - 2] == UInt8(ascii: "}"),
            bytes[n - 3] == UInt8(ascii: "\""), bytes.starts(with: prefix)
        else { return nil }
        // Base64 has no quotes, so the payload's opening quote is the last one before its closing quote.
        var open = n - 4
        while open > prefix.count, bytes[open] != UInt8(ascii: "\"") { open -= 1 }
        let keyStart = open + 1 - Self.payloadKey.count
        guard keyStart > prefix.count, bytes[keyStart..<open + 1].elementsEqual(Self.payloadKey) else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[(open + 1)..<(n - 3)])
    }
}

@available(*, unavailable)
extension TwilioWire: Sendable {}
