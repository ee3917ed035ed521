import Foundation
import NIOCore
import NIOWebSocket

/// The Chorus native dialect: JSON control messages in text frames, raw PCM16 little-endian audio in binary
/// frames (docs/dialects.md). The embedded reference agent speaks it by default.
public struct ChorusNativeDialect: CallerDialect {
    public let name = "chorus"
    public let audio: SharedAudio

    /// Callers send `audio` (PCM16 binary frames, see `SharedAudio.init(pcm16:sampleRate:)`).
    public init(audio: SharedAudio) {
        self.audio = audio
    }

    public func makeSession(sessionId: String, seed: UInt64) -> any CallerDialectSession {
        Session(sessionId: sessionId, sampleRate: self.audio.sampleRate)
    }

    final class Session: CallerDialectSession {
        let sessionId: String
        let sampleRate: Int
        private var responses = ResponseCounter()
        var responseOrdinal: Int? { self.responses.current }
        var marksResponseEnd: Bool { true }

        init(sessionId: String, sampleRate: Int) {
            self.sessionId = sessionId
            self.sampleRate = sampleRate
        }

        func openingMessages() -> [WebSocketFrame] {
            [.text(#"{"type":"start","session":"\#(ChorusNativeDialect.escape(self.sessionId))","sample_rate":\#(self.sampleRate),"encoding":"pcm16"}"#)]
        }

        func endOfTurnMessages(turn: Int) -> [WebSocketFrame] {
            [.text(#"{"type":"end_of_turn","turn":\#(turn)}"#)]
        }

        func closingMessages() -> [WebSocketFrame] {
            [.text(#"{"type":"stop"}"#)]
        }

        func receive(_ received: WebSocketMessage, nowNs: Int64) -> AgentEvent {
            switch received.opcode {
            case .binary:
                self.responses.audio()
                return .audio(received.data, .pcm16(sampleRate: self.sampleRate, channels: 1))
            case .text:
                guard let message = ChorusControlMessage(received.data) else {
                    return .error("unreadable control message: \(ChorusNativeDialect.excerpt(received.data))")
                }
                switch message.type {
                case "response.end":
                    self.responses.end()
                    return .responseEnd
                case "ready": return .ready
                case "error": return .error(message.message ?? "agent error")
                default: return .ignored
                }
            default:
                return .ignored
            }
        }
    }

    static func text(_ string: String) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: string))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// The first 200 characters of a message, for `sessions.error`.
    public static func excerpt(_ buffer: ByteBuffer) -> String {
        String(String(buffer: buffer).prefix(200))
    }
}

/// A decoded Chorus native control message: `{"type": …, "turn": …, …}`.
public struct ChorusControlMessage: Sendable {
    public var type: String
    public var turn: Int?
    public var session: String?
    public var sampleRate: Int?
    public var message: String?

    /// Parses a text frame; nil when it is not a JSON object with a string `type`.
    public init?(_ buffer: ByteBuffer) {
        guard let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let type = object["type"] as? String
        else { return nil }
        self.type = type
        self.turn = object["turn"] as? Int
        self.session = object["session"] as? String
        self.sampleRate = object["sample_rate"] as? Int
        self.message = object["message"] as? String
    }
}
