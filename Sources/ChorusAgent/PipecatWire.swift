import ChorusAudio
import ChorusDialects
import NIOCore
import NIOWebSocket

/// A Pipecat bot behind `ProtobufFrameSerializer` (docs/agent.md): binary protobuf frames only.
///
/// Hears `AudioRawFrame`s at whatever rate they declare (channel 0 when interleaved), answers RTVI `client-ready`
/// with `bot-ready`, brackets caller speech with `user-started-speaking` / `user-stopped-speaking`, and replies with
/// 40 ms `AudioRawFrame`s at 24 kHz mono between `bot-started-speaking` and `bot-stopped-speaking`. Caller speech
/// during a reply stops it with an `interruption` frame and `bot-interrupted`. A text frame or bytes that are not a
/// `pipecat.Frame` close the socket with 1003.
final class PipecatWire: AgentWire {
    /// The close code for a text frame or malformed protobuf.
    static let violationCode = WebSocketErrorCode.unacceptableData

    private let replies: ReplyLibrary

    let replyChunkNs: Int64 = 40_000_000
    var replyChunkCount: Int { self.replies.wire.pipecatAudio.count }

    init(replies: ReplyLibrary) {
        self.replies = replies
    }

    /// One reply chunk (24 kHz mono PCM16) as a serialized `Frame{audio}`.
    static func encodeAudio(_ pcm: [UInt8]) -> [UInt8] {
        PipecatCodec.encodeAudio(pcm: pcm, sampleRate: ReplyWireTable.pipecatSampleRate, channels: 1)
    }

    // MARK: - Inbound

    func received(_ frame: WebSocketFrame, atNs nowNs: Int64, _ session: AgentSessionHandler) {
        switch PipecatCodec.decode(frame: frame) {
        case .failure(let error):
            session.close(code: Self.violationCode, reason: "\(error.code.rawValue): \(error.detail)")
        case .success(.audio(let audio)):
            let level = audio.audio.withUnsafeReadableBytes { Self.levelOfFirstChannel($0, channels: audio.channels) }
            let bytesPerSecond = max(1, audio.sampleRate * 2 * max(1, audio.channels))
            session.hear(
                levelDBFS: level, durationNs: Int64(audio.audio.readableBytes) * 1_000_000_000 / Int64(bytesPerSecond),
                atNs: nowNs)
        case .success(.interruption):
            session.cancelReply(.client)
        case .success(let message):
            guard let rtvi = message.rtviMessage, let type = rtvi["type"]?.stringValue else { return }
            switch type {
            case "client-ready":
                let data: JSONValue = [
                    "version": .string(PipecatCodec.rtviProtocolVersion),
                    "about": ["library": "chorus-reference-agent"],
                ]
                self.sendRTVI("bot-ready", id: rtvi["id"]?.stringValue, data: data, session)
            case "disconnect-bot":
                session.close(code: .normalClosure)
            default:
                break
            }
        }
    }

    /// RMS of channel 0 of interleaved PCM16 LE, in dBFS.
    static func levelOfFirstChannel(_ bytes: UnsafeRawBufferPointer, channels: Int) -> Double {
        guard channels > 1 else { return AudioLevel.rmsDBFS(pcm16LE: bytes) }
        let step = 2 * channels
        var sum: Double = 0
        var count = 0
        var offset = 0
        while offset + 2 <= bytes.count {
            let s = Double(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
            sum += s * s
            count += 1
            offset += step
        }
        guard count > 0, sum > 0 else { return AudioLevel.silence }
        return 20 * log10((sum / Double(count)).squareRoot() / 32768)
    }

    // MARK: - Speech events

    func speechStarted(mediaMs: Int, _ session: AgentSessionHandler) {
        session.write(binary: Self.userStartedSpeaking)
    }

    func speechStopped(mediaMs: Int, eosNs: Int64, _ session: AgentSessionHandler) -> Bool {
        session.write(binary: Self.userStoppedSpeaking)
        return true
    }

    // MARK: - Replies

    func writeReplyChunk(_ index: Int, _ writer: AgentFrameWriter, _ session: AgentSessionHandler) {
        writer.write(self.replies.wire.pipecatAudio[index])
    }

    func replyStarted(turn: Int, _ session: AgentSessionHandler) {
        session.write(binary: Self.botStartedSpeaking)
    }

    func replyFinished(turn: Int, _ session: AgentSessionHandler) {
        session.write(binary: Self.botStoppedSpeaking)
    }

    func replyCancelled(turn: Int, chunksSent: Int, reason: ReplyCancellation, _ session: AgentSessionHandler) {
        guard chunksSent > 0 else { return }
        session.write(binary: Self.interruption)
        session.write(binary: Self.botInterrupted)
        session.write(binary: Self.botStoppedSpeaking)
    }

    private func sendRTVI(_ type: String, id: String?, data: JSONValue?, _ session: AgentSessionHandler) {
        session.write(binary: PipecatCodec.encodeMessage(json: PipecatCodec.rtvi(type: type, id: id, data: data)))
    }

    // The messages without a payload, serialized once.
    private static func rtvi(_ type: String) -> [UInt8] {
        PipecatCodec.encodeMessage(json: PipecatCodec.rtvi(type: type, id: nil, data: nil))
    }
    private static let userStartedSpeaking = rtvi("user-started-speaking")
    private static let userStoppedSpeaking = rtvi("user-stopped-speaking")
    private static let botStartedSpeaking = rtvi("bot-started-speaking")
    private static let botStoppedSpeaking = rtvi("bot-stopped-speaking")
    private static let botInterrupted = rtvi("bot-interrupted")
    private static let interruption = PipecatCodec.encodeInterruption()
}

@available(*, unavailable)
extension PipecatWire: Sendable {}

#if canImport(Glibc)
    import Glibc
#endif
