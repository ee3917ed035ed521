import ChorusAudio
import ChorusCore
import NIOCore
import NIOWebSocket

/// A caller of an OpenAI Realtime (GA) agent over WebSocket (docs/dialects.md).
///
/// Sends `session.update` after connecting and streams only once `session.updated` has confirmed the audio format;
/// audio goes as `input_audio_buffer.append` text messages, each built and masked once at load (the message has no
/// per-frame field). With server VAD the agent decides when the turn ends; in manual mode the caller sends
/// `input_audio_buffer.commit` + `response.create` right after its last speech frame. The first
/// `response.output_audio.delta` is the first agent audio; `response.done` ends the answer.
public struct OpenAIRealtimeDialect: CallerDialect {
    public let name = "openai-realtime"
    public let audio: SharedAudio
    public let configuration: OpenAIRealtimeSessionConfiguration

    /// - Parameters:
    ///   - utterances: loaded at the input format's rate (24 kHz for `audio/pcm`, 8 kHz for `audio/pcmu`).
    ///   - configuration: what `session.update` asks for; its input format decides the audio encoding.
    /// - Precondition: the input format is `audio/pcm` or `audio/pcmu` (the scenario validator allows no other).
    public init(utterances: [Utterance], configuration: OpenAIRealtimeSessionConfiguration) {
        precondition(configuration.inputFormat != .pcma, "audio/pcma input is not supported")
        self.configuration = configuration
        let format = configuration.inputFormat
        self.audio = SharedAudio(
            utterances: utterances, sampleRate: format.sampleRate, encoding: format == .pcm ? .pcm16 : .muLaw,
            opcode: 0x1, message: { Array(OpenAIRealtimeCaller.appendAudio(base64: Base64.encodedString($0)).utf8) })
    }

    public func makeSession(sessionId: String, seed: UInt64) -> any CallerDialectSession {
        Session(configuration: self.configuration)
    }

    /// Whether the caller ends turns itself (`turn_detection: null`).
    public var isManual: Bool {
        if case .manual = self.configuration.turnDetection { return true }
        return false
    }

    final class Session: CallerDialectSession {
        let configuration: OpenAIRealtimeSessionConfiguration
        let decoder = OpenAIRealtimeDecoder(decodesAudio: true)
        let outputFormat: WireAudioFormat
        /// The assistant item being heard and how many bytes of it arrived, for `conversation.item.truncate`.
        private(set) var currentItem: (id: String, bytes: Int)?
        private(set) var responseActive = false
        /// What a barge-in owes the agent, sent at the next frame slot (`due`).
        private var owedBargeIn: [WebSocketFrame] = []
        /// Set when the server answered in a retired beta shape (reported once in the session's error text).
        private(set) var sawBeta = false
        // On an in-order stream `response.done` delimits responses as well as their ids would.
        private var responses = ResponseCounter()
        var responseOrdinal: Int? { self.responses.current }
        var marksResponseEnd: Bool { true }

        init(configuration: OpenAIRealtimeSessionConfiguration) {
            self.configuration = configuration
            self.outputFormat = configuration.outputFormat == .pcm ? .pcm16(sampleRate: 24_000, channels: 1) : .muLaw
        }

        var waitsForReady: Bool { true }

        func openingMessages() -> [WebSocketFrame] {
            [.text(OpenAIRealtimeCaller.sessionUpdate(self.configuration))]
        }

        func endOfTurnMessages(turn: Int) -> [WebSocketFrame] {
            guard case .manual = self.configuration.turnDetection else { return [] }
            return [
                .text(OpenAIRealtimeCaller.commit(eventId: "chorus_commit_\(turn)")),
                .text(OpenAIRealtimeCaller.responseCreate(eventId: "chorus_response_\(turn)")),
            ]
        }

        /// The caller starts speaking clip `clip` while a response is still active: that is a barge-in, and the
        /// client owes the agent its cancel (unless the server's VAD cancels by itself) and truncation. Audio goes as
        /// the shared pre-built messages (nil).
        func audioFrame(clip: Int?, frame: Int, deadlineNs: Int64, maskKey: UInt32) -> ByteBuffer? {
            if clip != nil, frame == 0, self.responseActive {
                self.owedBargeIn = self.bargeInMessages(serverCancels: self.serverCancelsOnSpeech)
            }
            return nil
        }

        func due(nowNs: Int64) -> DialectDue {
            guard !self.owedBargeIn.isEmpty else { return DialectDue() }
            defer { self.owedBargeIn.removeAll() }
            return DialectDue(messages: self.owedBargeIn)
        }

        /// Whether the server's VAD cancels a response when the caller speaks (`interrupt_response`).
        private var serverCancelsOnSpeech: Bool {
            switch self.configuration.turnDetection {
            case .manual: return false
            case .serverVAD(let vad): return vad.interruptResponse
            case .semanticVAD(let vad): return vad.interruptResponse
            }
        }

        /// What a caller that starts talking over the answer sends: `response.cancel` (unless the server's VAD
        /// cancels by itself) and `conversation.item.truncate` with the milliseconds of the item actually heard.
        func bargeInMessages(serverCancels: Bool) -> [WebSocketFrame] {
            var messages: [WebSocketFrame] = []
            if !serverCancels && self.responseActive { messages.append(.text(OpenAIRealtimeCaller.responseCancel())) }
            if let item = self.currentItem {
                let played = OpenAIRealtimeCaller.playedMilliseconds(byteCount: item.bytes, format: self.configuration.outputFormat)
                messages.append(.text(OpenAIRealtimeCaller.conversationItemTruncate(itemId: item.id, audioEndMs: played)))
            }
            return messages
        }

        func receive(_ message: WebSocketMessage, nowNs: Int64) -> AgentEvent {
            switch self.decoder.decode(message: message) {
            case .failure(let error):
                return .error(error.description)
            case .success(let event):
                if event.isBeta { self.sawBeta = true }
                switch event {
                case .sessionUpdated:
                    return .ready
                case .responseCreated:
                    self.responseActive = true
                    return .ignored
                case .outputAudioDelta(let delta):
                    if let id = delta.itemId {
                        if self.currentItem?.id == id {
                            self.currentItem!.bytes += delta.byteCount
                        } else {
                            self.currentItem = (id, delta.byteCount)
                        }
                    }
                    guard let audio = delta.audio else { return .ignored }
                    self.responses.audio()
                    return .audio(audio, self.outputFormat)
                case .responseDone(let done):
                    self.responseActive = false
                    self.currentItem = nil
                    self.responses.end()
                    if done.status == .failed {
                        let why = [done.errorType, done.errorCode, done.reason].compactMap { $0 }.joined(separator: " ")
                        return .error("response.done status failed\(why.isEmpty ? "" : ": " + why)")
                    }
                    return .responseEnd
                case .error(let e):
                    guard let outcome = e.outcome else { return .ignored }
                    let text = [e.type, e.code, e.message].compactMap { $0 }.joined(separator: ": ")
                    return .error("error event: \(text)", outcome: outcome)
                default:
                    return .ignored
                }
            }
        }
    }
}
