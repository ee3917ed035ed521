import ChorusDialects
import Foundation
import NIOCore
import NIOWebSocket
import Testing

/// Agent messages written by hand from docs/dialects.md (what Pipecat's serializer and the Twilio samples send).
@Suite("Twilio agent messages")
struct TwilioAgentDecoderTests {
    static let sid = "MZ18ad3ab5a668481ce02b83e7395059f0"
    let decoder = TwilioAgentDecoder(expectedStreamSid: Self.sid)

    @Test func mediaPayloadIsDecodedMuLaw() throws {
        let mulaw = Signals.muLawFrames(count: 2).flatMap { $0 }  // 40 ms, as Pipecat sends
        let text = #"{"event":"media","streamSid":"\#(Self.sid)","media":{"payload":"\#(Data(mulaw).base64EncodedString())"}}"#
        let message = try self.decoder.decode(text).get()
        #expect(message == .media(streamSid: Self.sid, payload: ByteBuffer(bytes: mulaw)))
        #expect(!message.hasWAVHeader)
    }

    @Test func markAndClear() throws {
        #expect(
            try self.decoder.decode(#"{"event":"mark","streamSid":"\#(Self.sid)","mark":{"name":"responsePart"}}"#).get()
                == .mark(streamSid: Self.sid, name: "responsePart"))
        #expect(try self.decoder.decode(#"{"event":"clear","streamSid":"\#(Self.sid)"}"#).get() == .clear(streamSid: Self.sid))
        let frame = WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: #"{"streamSid":"\#(Self.sid)","event":"clear"}"#))
        #expect(try self.decoder.decode(frame: frame).get() == .clear(streamSid: Self.sid))
    }

    @Test func wavHeadersAreFlagged() throws {
        let wav = Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVEfmt ".utf8)
        let text = #"{"event":"media","streamSid":"\#(Self.sid)","media":{"payload":"\#(Data(wav).base64EncodedString())"}}"#
        #expect(try self.decoder.decode(text).get().hasWAVHeader)
    }

    @Test func otherStreamsAreErrorsWhenTheSidIsKnown() throws {
        let other = #"{"event":"clear","streamSid":"MZ00000000000000000000000000000000"}"#
        #expect(self.decoder.decode(other).failure?.code == .streamSidMismatch)
        #expect(self.decoder.decode(#"{"event":"clear"}"#).failure?.code == .streamSidMismatch)
        let lenient = TwilioAgentDecoder()
        #expect(try lenient.decode(other).get() == .clear(streamSid: "MZ00000000000000000000000000000000"))
        #expect(try lenient.decode(#"{"event":"clear"}"#).get() == .clear(streamSid: nil))
    }

    @Test(arguments: [
        (#"{"event":"hangup","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"}"#, DialectError.Code.unknownEvent),
        (#"{"event":"media","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"}"#, .missingField),
        (#"{"event":"media","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0","media":{}}"#, .missingField),
        (#"{"event":"media","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0","media":{"payload":5}}"#, .wrongFieldType),
        (#"{"event":"media","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0","media":{"payload":"not base64!"}}"#, .invalidBase64),
        (#"{"event":"media","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0","media":"AAAA"}"#, .wrongFieldType),
        (#"{"event":"mark","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0","mark":{}}"#, .missingField),
        (#"{"event":"mark","streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0","mark":{"name":7}}"#, .wrongFieldType),
        (#"{"streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"}"#, .missingField),
        (#"{"event":"clear","streamSid":123}"#, .wrongFieldType),
        (#"{"type":"media"}"#, .missingField),
        ("", .malformedJSON),
        (#"{"event":"media","#, .malformedJSON),
        ("null", .notAnObject),
    ])
    func badMessagesAreErrorValuesWithAnExcerpt(text: String, code: DialectError.Code) {
        let error = self.decoder.decode(text).failure
        #expect(error?.code == code, "\(text) → \(String(describing: error))")
        if !text.isEmpty { #expect(error?.excerpt.isEmpty == false) }
    }

    @Test func binaryFramesAreErrors() {
        let frame = WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: 160)))
        let error = self.decoder.decode(frame: frame).failure
        #expect(error?.code == .binaryFrame)
        #expect(error?.detail == "binary frame of 160 bytes")
        #expect(error?.excerpt.hasSuffix("…") == true)
    }

    @Test func excerptsAreCut() {
        let text = #"{"event":"nope","streamSid":"\#(Self.sid)","padding":""# + String(repeating: "x", count: 5_000) + #""}"#
        let error = self.decoder.decode(text).failure
        #expect(error?.code == .unknownEvent)
        #expect(error?.excerpt.count == DialectError.excerptLength + 1)
        #expect(error?.description.hasPrefix("unknown_event: unknown event \"nope\" in {") == true)
    }
}
