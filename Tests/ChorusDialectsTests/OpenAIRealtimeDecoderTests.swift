import ChorusCore
import ChorusDialects
import Foundation
import NIOCore
import NIOWebSocket
import Testing

/// Server messages written by hand from docs/dialects.md and the GA SDK types.
@Suite("OpenAI Realtime server events")
struct OpenAIRealtimeDecoderTests {
    let decoder = OpenAIRealtimeDecoder()

    static let sessionCreatedGA = #"""
        {"type":"session.created","event_id":"event_C9G5RJeJ2gF77mV7f2B1j","session":{"type":"realtime","object":"realtime.session","id":"sess_C9G5QPteg4UIbotdKLoYQ","model":"gpt-realtime-2025-08-28","output_modalities":["audio"],"instructions":"Your knowledge cutoff is 2023-10.","tools":[],"tool_choice":"auto","max_output_tokens":"inf","tracing":null,"prompt":null,"expires_at":1756324625,"audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":null,"noise_reduction":null,"turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":200,"idle_timeout_ms":null,"create_response":true,"interrupt_response":true}},"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin","speed":1}},"include":null}}
        """#

    @Test func sessionCreatedGA() throws {
        let event = try self.decoder.decode(Self.sessionCreatedGA).get()
        #expect(
            event
                == .sessionCreated(
                    .init(
                        id: "sess_C9G5QPteg4UIbotdKLoYQ", model: "gpt-realtime-2025-08-28", inputFormat: .pcm,
                        outputFormat: .pcm, turnDetection: "server_vad", isBeta: false)))
        #expect(!event.isBeta)
    }

    @Test func sessionUpdatedManualMuLaw() throws {
        let text = #"""
            {"type":"session.updated","event_id":"event_2","session":{"type":"realtime","id":"sess_1","audio":{"input":{"format":{"type":"audio/pcmu"},"turn_detection":null},"output":{"format":{"type":"audio/pcmu"},"voice":"cedar"}}}}
            """#
        let event = try self.decoder.decode(text).get()
        #expect(event == .sessionUpdated(.init(id: "sess_1", inputFormat: .pcmu, outputFormat: .pcmu, turnDetection: nil)))
    }

    @Test func betaSessionShapeIsRecognisedAndFlagged() throws {
        let text = #"""
            {"type":"session.updated","event_id":"event_3","session":{"id":"sess_b","object":"realtime.session","model":"gpt-4o-realtime-preview","modalities":["text","audio"],"voice":"alloy","input_audio_format":"g711_ulaw","output_audio_format":"pcm16","turn_detection":{"type":"server_vad","threshold":0.5},"temperature":0.8}}
            """#
        let event = try self.decoder.decode(text).get()
        #expect(
            event
                == .sessionUpdated(
                    .init(
                        id: "sess_b", model: "gpt-4o-realtime-preview", inputFormat: .pcmu, outputFormat: .pcm,
                        turnDetection: "server_vad", isBeta: true)))
        #expect(event.isBeta)
    }

    @Test func inputBufferEvents() throws {
        #expect(
            try self.decoder.decode(
                #"{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":1000,"item_id":"item_U1"}"#
            ).get() == .speechStarted(itemId: "item_U1", audioStartMs: 1000))
        #expect(
            try self.decoder.decode(
                #"{"type":"input_audio_buffer.speech_stopped","event_id":"e","audio_end_ms":2460,"item_id":"item_U1"}"#
            ).get() == .speechStopped(itemId: "item_U1", audioEndMs: 2460))
        #expect(
            try self.decoder.decode(
                #"{"type":"input_audio_buffer.committed","event_id":"e","previous_item_id":null,"item_id":"item_U1"}"#
            ).get() == .inputAudioCommitted(itemId: "item_U1", previousItemId: nil))
        #expect(
            try self.decoder.decode(
                #"{"type":"response.created","event_id":"e","response":{"object":"realtime.response","id":"resp_R1","status":"in_progress","output":[]}}"#
            ).get() == .responseCreated(responseId: "resp_R1"))
        #expect(
            try self.decoder.decode(
                #"{"type":"conversation.item.truncated","event_id":"e","item_id":"item_A1","content_index":0,"audio_end_ms":1500}"#
            ).get() == .itemTruncated(itemId: "item_A1", contentIndex: 0, audioEndMs: 1500))
    }

    static func delta(type: String, audio: [UInt8]) -> String {
        #"{"type":"\#(type)","event_id":"event_D1","response_id":"resp_R1","item_id":"item_A1","output_index":0,"content_index":0,"delta":"\#(Data(audio).base64EncodedString())"}"#
    }

    @Test func gaAudioDeltaCarriesTheDecodedPCM() throws {
        let pcm = Signals.pcm24kFrames(count: 5).flatMap { $0 }  // 100 ms, 4 800 bytes
        let event = try self.decoder.decode(Self.delta(type: "response.output_audio.delta", audio: pcm)).get()
        guard case .outputAudioDelta(let delta) = event else {
            Issue.record("not a delta: \(event)")
            return
        }
        #expect(delta.responseId == "resp_R1" && delta.itemId == "item_A1")
        #expect(delta.outputIndex == 0 && delta.contentIndex == 0)
        #expect(delta.byteCount == 4_800)
        #expect(delta.audio.map { Array(buffer: $0) } == pcm)
        #expect(!delta.isBeta)
    }

    @Test func audioCanBeCountedWithoutDecoding() throws {
        let counting = OpenAIRealtimeDecoder(decodesAudio: false)
        for length in [0, 1, 2, 3, 958, 959, 960] {
            let audio = [UInt8](repeating: 7, count: length)
            let event = try counting.decode(Self.delta(type: "response.output_audio.delta", audio: audio)).get()
            guard case .outputAudioDelta(let delta) = event else {
                Issue.record("not a delta")
                return
            }
            #expect(delta.byteCount == length)
            #expect(delta.audio == nil)
        }
    }

    @Test func betaAudioNamesAreAcceptedAndFlagged() throws {
        let event = try self.decoder.decode(Self.delta(type: "response.audio.delta", audio: [1, 2, 3, 4])).get()
        guard case .outputAudioDelta(let delta) = event else {
            Issue.record("not a delta")
            return
        }
        #expect(delta.isBeta && delta.byteCount == 4)
        #expect(event.isBeta)
        let done = try self.decoder.decode(#"{"type":"response.audio.done","response_id":"r","item_id":"i"}"#).get()
        #expect(done == .outputAudioDone(responseId: "r", itemId: "i", isBeta: true))
        let gaDone = try self.decoder.decode(
            #"{"type":"response.output_audio.done","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0}"#
        ).get()
        #expect(gaDone == .outputAudioDone(responseId: "r", itemId: "i", isBeta: false))
    }

    @Test func responseDoneCancelledByBargeIn() throws {
        let text = #"""
            {"type":"response.done","event_id":"event_CCXHxcMy86rrKhBLDdqCh","response":{"object":"realtime.response","id":"resp_R1","status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"},"output":[{"id":"item_A1","type":"message","object":"realtime.item","status":"incomplete","role":"assistant","content":[{"type":"output_audio","transcript":"Sure, for how"}]}],"conversation_id":"conv_1","output_modalities":["audio"],"max_output_tokens":"inf","audio":{"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin"}},"usage":{"total_tokens":253,"input_tokens":132,"output_tokens":121,"input_token_details":{"text_tokens":119,"audio_tokens":13,"cached_tokens":0},"output_token_details":{"text_tokens":30,"audio_tokens":91}},"metadata":null}}
            """#
        let event = try self.decoder.decode(text).get()
        #expect(
            event
                == .responseDone(
                    .init(
                        responseId: "resp_R1", status: .cancelled, reason: "turn_detected", totalTokens: 253,
                        inputTokens: 132, outputTokens: 121)))
    }

    @Test func responseDoneFailed() throws {
        let text = #"""
            {"type":"response.done","response":{"id":"resp_F","status":"failed","status_details":{"type":"failed","error":{"type":"server_error","code":"internal_error"}},"output":[],"usage":null}}
            """#
        #expect(
            try self.decoder.decode(text).get()
                == .responseDone(.init(responseId: "resp_F", status: .failed, errorType: "server_error", errorCode: "internal_error")))
        let odd = try self.decoder.decode(#"{"type":"response.done","response":{"status":"in_progress"}}"#).get()
        #expect(odd == .responseDone(.init(status: .other("in_progress"))))
    }

    @Test func betaShapeDisabledError() throws {
        let text = #"""
            {"type":"error","event_id":"event_CZ8tNnKCUvNqA1fRRO6zM","error":{"type":"invalid_request_error","code":"beta_api_shape_disabled","message":"The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.","param":null,"event_id":null}}
            """#
        let event = try self.decoder.decode(text).get()
        guard case .error(let error) = event else {
            Issue.record("not an error: \(event)")
            return
        }
        #expect(error.isBetaShapeDisabled && !error.isBenignRace)
        #expect(error.type == "invalid_request_error")
        #expect(error.message?.hasPrefix("The Realtime Beta API is no longer supported") == true)
        #expect(error.param == nil && error.eventId == nil)
    }

    @Test func cancelRaceErrorEchoesTheEventId() throws {
        let text = #"""
            {"type":"error","event_id":"event_9","error":{"type":"invalid_request_error","code":"response_cancel_not_active","message":"Cancellation failed: no active response found","param":null,"event_id":"chorus-3"}}
            """#
        #expect(
            try self.decoder.decode(text).get()
                == .error(
                    .init(
                        type: "invalid_request_error", code: "response_cancel_not_active",
                        message: "Cancellation failed: no active response found", eventId: "chorus-3")))
    }

    @Test func rateLimits() throws {
        let text = #"""
            {"type":"rate_limits.updated","event_id":"e","rate_limits":[{"name":"requests","limit":1000,"remaining":999,"reset_seconds":60},{"name":"tokens","limit":50000,"remaining":49802,"reset_seconds":0.236}]}
            """#
        #expect(
            try self.decoder.decode(text).get()
                == .rateLimitsUpdated([
                    .init(name: "requests", limit: 1000, remaining: 999, resetSeconds: 60),
                    .init(name: "tokens", limit: 50000, remaining: 49802, resetSeconds: 0.236),
                ]))
    }

    @Test(arguments: [
        "response.output_audio_transcript.delta", "conversation.item.added", "conversation.item.done",
        "response.output_item.added", "output_audio_buffer.started", "input_audio_buffer.timeout_triggered",
    ])
    func otherEventsAreUnknownNotErrors(type: String) throws {
        #expect(try self.decoder.decode(#"{"type":"\#(type)","event_id":"e","delta":"Sure"}"#).get() == .unknown(type: type))
    }

    @Test(arguments: [
        ("", DialectError.Code.malformedJSON),
        ("{", .malformedJSON),
        ("not json", .malformedJSON),
        (#"{"type":"error",}"#, .malformedJSON),
        (#"{"type":"x"} trailing"#, .malformedJSON),
        (#"{"type":"\ud800"}"#, .malformedJSON),
        ("[1,2,3]", .notAnObject),
        (#""response.done""#, .notAnObject),
        (#"{"event":"media"}"#, .missingField),
        (#"{"type":42}"#, .wrongFieldType),
        (#"{"type":"response.output_audio.delta","item_id":"i"}"#, .missingField),
        (#"{"type":"response.output_audio.delta","delta":"@@@@"}"#, .invalidBase64),
        (#"{"type":"response.output_audio.delta","delta":"abcde"}"#, .invalidBase64),
        (#"{"type":"response.output_audio.delta","delta":"AAAA","content_index":"0"}"#, .wrongFieldType),
        (#"{"type":"response.done"}"#, .missingField),
        (#"{"type":"response.done","response":{"id":"r"}}"#, .missingField),
        (#"{"type":"error","error":"boom"}"#, .wrongFieldType),
        (#"{"type":"rate_limits.updated","rate_limits":[1]}"#, .wrongFieldType),
        (#"{"type":"session.created","session":[]}"#, .wrongFieldType),
    ])
    func malformedMessagesAreErrorValues(text: String, code: DialectError.Code) {
        let error = self.decoder.decode(text).failure
        #expect(error?.code == code, "\(text) → \(String(describing: error))")
        #expect(error?.excerpt.count ?? 0 <= DialectError.excerptLength + 1)
    }

    @Test func framesThatAreNotTextAreErrors() throws {
        let binary = WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: [0x7B, 0x00, 0xFF]))
        let error = self.decoder.decode(frame: binary).failure
        #expect(error?.code == .binaryFrame)
        #expect(error?.excerpt == "0x 7b 00 ff")
        let ping = WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer())
        #expect(self.decoder.decode(frame: ping).failure?.code == .unsupportedFrame)
        let text = WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: #"{"type":"response.created"}"#))
        #expect(try self.decoder.decode(frame: text).get() == .responseCreated(responseId: nil))
    }

    @Test func invalidUTF8AndHostileInputNeverTrap() {
        var invalid = ByteBuffer(string: #"{"type":""#)
        invalid.writeBytes([0xC3, 0x28, 0xFF])
        invalid.writeString(#""}"#)
        #expect(self.decoder.decode(invalid).failure?.code == .malformedJSON)

        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(self.decoder.decode(deep).failure?.code == .malformedJSON)
        let deepObject = #"{"type":"x","a":"# + String(repeating: #"{"a":"#, count: 5_000)
        #expect(self.decoder.decode(deepObject).failure?.code == .malformedJSON)

        let long = #"{"type":"response.output_audio.delta","delta":""# + String(repeating: "!", count: 10_000) + #""}"#
        let error = self.decoder.decode(long).failure
        #expect(error?.code == .invalidBase64)
        #expect((error?.excerpt.count ?? 0) <= DialectError.excerptLength + 1)

        // Random token soup, and valid messages with bytes flipped: every input ends as an event or an error.
        var random = SplitMix(state: 42)
        let alphabet = Array(#"{}[]":,0-e.tfnul\ abcxAB="#.utf8)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0..<64, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            _ = self.decoder.decode(ByteBuffer(bytes: bytes))
        }
        let valid = Array(Self.delta(type: "response.output_audio.delta", audio: [1, 2, 3, 4, 5, 6]).utf8)
        for _ in 0..<2_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = self.decoder.decode(ByteBuffer(bytes: bytes))
        }
    }
}

@Suite("Outcomes of dialect errors")
struct DialectOutcomeTests {
    @Test func errorsMapToOutcomes() {
        #expect(DialectError(.binaryFrame, "x", excerpt: "").outcome == .protocolError)
        #expect(OpenAIRealtimeEvent.ServerError(code: "beta_api_shape_disabled").outcome == .rejected)
        #expect(OpenAIRealtimeEvent.ServerError(code: "response_cancel_not_active").outcome == nil)
        #expect(OpenAIRealtimeEvent.ServerError(code: "conversation_already_has_active_response").outcome == .protocolError)
    }
}
