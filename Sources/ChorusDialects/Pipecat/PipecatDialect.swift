import ChorusAudio
import ChorusCore
import NIOCore
import NIOWebSocket

/// A caller of a Pipecat bot over its WebSocket transport with the protobuf frame serializer (docs/dialects.md).
///
/// Audio goes as binary `Frame{audio: AudioRawFrame}` messages (PCM16 mono at the declared rate), each serialized
/// and masked once at load. The caller announces itself with RTVI `client-ready`. Agent audio is timed at the
/// rate and channel count each frame declares; RTVI `bot-stopped-speaking` ends the answer when the bot sends RTVI,
/// silence otherwise. An `interruption` frame after bot audio (barge-in) ends the answer at once: it is the bot's
/// stop signal, and the `bot-stopped-speaking` that follows it ends nothing more. Pipecat has no end-of-turn
/// message: the bot's VAD decides.
public struct PipecatDialect: CallerDialect {
    public let name = "pipecat"
    public let audio: SharedAudio

    /// - Parameter utterances: loaded at `sampleRate` (the bot's `audio_in_sample_rate`, usually 16 kHz).
    public init(utterances: [Utterance], sampleRate: Int) throws {
        self.audio = SharedAudio(
            utterances: utterances, sampleRate: sampleRate, encoding: .pcm16, opcode: 0x2,
            message: { PipecatCodec.encodeAudio(pcm: $0, sampleRate: sampleRate, channels: 1, pts: nil) })
    }

    public func makeSession(sessionId: String, seed: UInt64) -> any CallerDialectSession {
        Session(sessionId: sessionId)
    }

    final class Session: CallerDialectSession {
        let sessionId: String
        private var responses = ResponseCounter()
        /// Set once the bot speaks RTVI: its `bot-stopped-speaking` then delimits responses.
        private var speaksRTVI = false
        /// Bot audio arrived since the last end of a response.
        private var heardAudio = false
        /// An `interruption` frame ended the response: the `bot-stopped-speaking` that follows it ends nothing more.
        private var endedByInterruption = false
        var responseOrdinal: Int? { self.speaksRTVI ? self.responses.current : nil }
        var marksResponseEnd: Bool { self.speaksRTVI }

        init(sessionId: String) {
            self.sessionId = sessionId
        }

        func openingMessages() -> [WebSocketFrame] {
            [.binary(PipecatCodec.encodeMessage(json: PipecatCodec.clientReady(id: self.sessionId)))]
        }

        func receive(_ message: WebSocketMessage, nowNs: Int64) -> AgentEvent {
            switch PipecatCodec.decode(message: message) {
            case .failure(let error):
                return .error(error.description)
            case .success(.audio(let audio)):
                self.responses.audio()
                self.heardAudio = true
                self.endedByInterruption = false
                return .audio(audio.audio, .pcm16(sampleRate: audio.sampleRate, channels: audio.channels))
            case .success(.interruption):
                // The bot stopped its answer because the caller spoke (barge-in): the answer is over, and this is
                // the agent's stop signal.
                guard self.heardAudio else { return .ignored }
                self.speaksRTVI = true
                self.heardAudio = false
                self.endedByInterruption = true
                self.responses.end()
                return .responseEnd
            case .success(let other):
                switch other.rtviType {
                case "bot-started-speaking":
                    self.speaksRTVI = true
                    return .ignored
                case "bot-stopped-speaking":
                    self.speaksRTVI = true
                    self.heardAudio = false
                    if self.endedByInterruption {
                        self.endedByInterruption = false
                        return .ignored
                    }
                    self.responses.end()
                    return .responseEnd
                case "error": return .error("RTVI error: \(other)")
                default: return .ignored
                }
            }
        }
    }
}
