import ChorusAudio
import NIOCore
import NIOWebSocket

/// A Pipecat bot behind `ProtobufFrameSerializer` (docs/agent.md): binary protobuf frames only.
///
/// Hears `AudioRawFrame`s at whatever rate they declare (channel 0 when interleaved), answers RTVI `client-ready`
/// with `bot-ready`, brackets caller speech with `user-started-speaking` / `user-stopped-speaking`, and replies with
/// 40 ms `AudioRawFrame`s at 24 kHz mono between `bot-started-speaking` and `bot-stopped-speaking`. Caller speech
/// during a reply stops it with an `interruption` frame and `bot-interrupted`. A text frame or bytes that are not a
/// `pipecat.Frame` close the socket with 1003.
public final class PipecatWire: AgentWire {
    /// The close code for a text frame or malformed protobuf.
    static let violationCode = WebSocketErrorCode.unacceptableData

    private let replies: ReplyWireTable

    public let replyChunkNs: Int64 = 40_000_000
    public var replyChunkCount: Int { self.replies.pipecatAudio.count }

    public init(replies: ReplyWireTable) {
        self.replies = replies
    }

    /// Sample rate of the reply audio (Pipecat's `audio_out_sample_rate` default).
    static let replySampleRate = 24_000
    /// 20 ms frames per reply chunk (`audio_out_10ms_chunks` = 4 → 40 ms).
    static let replyFramesPerChunk = 2

    /// One reply chunk (24 kHz mono PCM16) as a serialized `Frame{audio}`.
    static func encodeAudio(_ pcm: [UInt8]) -> [UInt8] {
        PipecatCodec.encodeAudio(pcm: pcm, sampleRate: Self.replySampleRate, channels: 1)
    }

    /// The reply for `ReplyWireTable` as complete binary frames, each one `Frame{audio: AudioRawFrame}` of 40 ms
    /// PCM16 at 24 kHz mono made of `replyFramesPerChunk` of the 20 ms `frames` (24 kHz PCM16 LE); the last chunk
    /// is padded with silence.
    static func replyFrames(_ frames: [[UInt8]]) -> [ByteBuffer] {
        let silence = [UInt8](repeating: 0, count: Self.replySampleRate / 50 * 2)
        return stride(from: 0, to: frames.count, by: Self.replyFramesPerChunk).map { start in
            var pcm: [UInt8] = []
            for i in start..<start + Self.replyFramesPerChunk { pcm += i < frames.count ? frames[i] : silence }
            return ServerFrame.complete(opcode: ServerFrame.binary, payload: Self.encodeAudio(pcm))
        }
    }

    // MARK: - Inbound

    public func received(_ frame: WebSocketFrame, atNs nowNs: Int64, _ session: any AgentWireSession) {
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

    public func speechStarted(mediaMs: Int, _ session: any AgentWireSession) {
        session.write(binary: Self.userStartedSpeaking)
    }

    public func speechStopped(mediaMs: Int, eosNs: Int64, _ session: any AgentWireSession) -> Bool {
        session.write(binary: Self.userStoppedSpeaking)
        return true
    }

    // MARK: - Replies

    public func writeReplyChunk(_ index: Int, _ writer: any ServerFrameWriter, _ session: any AgentWireSession) {
        writer.write(self.replies.pipecatAudio[index])
    }

    public func replyStarted(turn: Int, _ session: any AgentWireSession) {
        session.write(binary: Self.botStartedSpeaking)
    }

    public func replyFinished(turn: Int, _ session: any AgentWireSession) {
        session.write(binary: Self.botStoppedSpeaking)
    }

    public func replyCancelled(turn: Int, chunksSent: Int, reason: ReplyCancellation, _ session: any AgentWireSession) {
        guard chunksSent > 0 else { return }
        session.write(binary: Self.interruption)
        session.write(binary: Self.botInterrupted)
        session.write(binary: Self.botStoppedSpeaking)
    }

    private func sendRTVI(_ type: String, id: String?, data: JSONValue?, _ session: any AgentWireSession) {
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
