import ChorusDialects
import Foundation
import NIOCore
import Testing

@Suite("OpenAI Realtime caller messages (GA)")
struct OpenAIRealtimeCallerTests {
    @Test func sessionUpdateHasTheGAShape() throws {
        let config = OpenAIRealtimeSessionConfiguration(instructions: "Be brief.", voice: "marin")
        let json = try JSONParser.parse(OpenAIRealtimeCaller.sessionUpdate(config))
        #expect(json["type"] == "session.update")
        #expect(json[path: "session", "type"] == "realtime")
        #expect(json[path: "session", "output_modalities"] == ["audio"])
        #expect(json[path: "session", "audio", "input", "format"] == ["type": "audio/pcm", "rate": 24000])
        #expect(json[path: "session", "audio", "output", "format"] == ["type": "audio/pcm", "rate": 24000])
        #expect(json[path: "session", "audio", "output", "voice"] == "marin")
        #expect(
            json[path: "session", "audio", "input", "turn_detection"] == [
                "type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 500,
                "create_response": true, "interrupt_response": true,
            ])
        // None of the retired beta fields.
        for beta in ["modalities", "input_audio_format", "output_audio_format", "turn_detection", "voice", "temperature"] {
            #expect(json[path: "session", beta] == nil, "beta field \(beta)")
        }
        #expect(json[path: "session", "model"] == nil)
    }

    @Test func manualTurnsSendAnExplicitNullTurnDetection() throws {
        let config = OpenAIRealtimeSessionConfiguration(turnDetection: .manual)
        let json = try JSONParser.parse(OpenAIRealtimeCaller.sessionUpdate(config))
        // Present and null: absent would leave the server's default VAD on.
        #expect(json[path: "session", "audio", "input", "turn_detection"] == .null)
    }

    @Test func muLawFormatsCarryNoRate() throws {
        let config = OpenAIRealtimeSessionConfiguration(inputFormat: .pcmu, outputFormat: .pcma)
        let json = try JSONParser.parse(OpenAIRealtimeCaller.sessionUpdate(config))
        #expect(json[path: "session", "audio", "input", "format"] == ["type": "audio/pcmu"])
        #expect(json[path: "session", "audio", "output", "format"] == ["type": "audio/pcma"])
    }

    @Test func semanticVADAndOptionalMembers() throws {
        let config = OpenAIRealtimeSessionConfiguration(
            model: "gpt-realtime", outputsText: true,
            turnDetection: .semanticVAD(.init(eagerness: "high", interruptResponse: false)),
            transcriptionModel: "gpt-4o-transcribe", noiseReduction: "near_field", speed: 1.25)
        let json = try JSONParser.parse(OpenAIRealtimeCaller.sessionUpdate(config, eventId: "evt_1"))
        #expect(json["event_id"] == "evt_1")
        #expect(json[path: "session", "model"] == "gpt-realtime")
        #expect(json[path: "session", "output_modalities"] == ["text"])
        #expect(
            json[path: "session", "audio", "input", "turn_detection"] == [
                "type": "semantic_vad", "eagerness": "high", "create_response": true, "interrupt_response": false,
            ])
        #expect(json[path: "session", "audio", "input", "transcription"] == ["model": "gpt-4o-transcribe"])
        #expect(json[path: "session", "audio", "input", "noise_reduction"] == ["type": "near_field"])
        #expect(json[path: "session", "audio", "output", "speed"] == 1.25)
    }

    @Test func controlEvents() throws {
        #expect(try JSONParser.parse(OpenAIRealtimeCaller.commit()) == ["type": "input_audio_buffer.commit"])
        #expect(try JSONParser.parse(OpenAIRealtimeCaller.responseCreate()) == ["type": "response.create"])
        #expect(try JSONParser.parse(OpenAIRealtimeCaller.responseCancel()) == ["type": "response.cancel"])
        #expect(
            try JSONParser.parse(OpenAIRealtimeCaller.responseCancel(responseId: "resp_1", eventId: "e9"))
                == ["type": "response.cancel", "event_id": "e9", "response_id": "resp_1"])
        #expect(
            try JSONParser.parse(OpenAIRealtimeCaller.conversationItemTruncate(itemId: "item_A", audioEndMs: 1234))
                == ["type": "conversation.item.truncate", "item_id": "item_A", "content_index": 0, "audio_end_ms": 1234])
        #expect(try JSONParser.parse(OpenAIRealtimeCaller.clearInputAudio()) == ["type": "input_audio_buffer.clear"])
    }

    @Test func playedMillisecondsFollowTheFormatsByteRate() {
        #expect(OpenAIRealtimeCaller.playedMilliseconds(byteCount: 48_000, format: .pcm) == 1000)
        #expect(OpenAIRealtimeCaller.playedMilliseconds(byteCount: 8_000, format: .pcmu) == 1000)
        #expect(OpenAIRealtimeCaller.playedMilliseconds(byteCount: 959, format: .pcm) == 19)
    }

    @Test func preparedMessagesEqualTheGeneralPath() throws {
        let frames = Signals.pcm24kFrames(count: 5) + [OpenAIRealtimeAudioFormat.pcm.silenceFrame]
        let audio = try OpenAIRealtimeCaller.PreparedAudio(frames: frames, format: .pcm)
        #expect(audio.frameCount == 6)
        for (i, frame) in frames.enumerated() {
            let foundation = Data(frame).base64EncodedString()
            #expect(audio.base64(at: i) == foundation)
            #expect(String(buffer: audio.message(at: i)) == OpenAIRealtimeCaller.appendAudio(base64: foundation))
        }
        #expect(audio.messageLength == #"{"type":"input_audio_buffer.append","audio":""#.utf8.count + 1280 + 2)
    }

    @Test func preparedAudioRejectsFramesOfAnotherRate() {
        let frames16k = [[UInt8](repeating: 0, count: 640)]
        #expect(throws: PreparedAudioError(frameIndex: 0, byteCount: 640, expectedByteCount: 960)) {
            try OpenAIRealtimeCaller.PreparedAudio(frames: frames16k, format: .pcm)
        }
        #expect(throws: PreparedAudioError.self) {
            try OpenAIRealtimeCaller.PreparedAudio(frames: [[UInt8](repeating: 0xFF, count: 160), [0xFF]], format: .pcmu)
        }
    }

    /// A manual-mode turn with barge-in: configure, speak three frames, commit, ask for the answer, then cancel
    /// it and truncate what was heard (docs/dialects.md, barge-in).
    @Test func goldenManualTurnWithBargeIn() throws {
        let audio = try OpenAIRealtimeCaller.PreparedAudio(frames: Signals.pcm24kFrames(count: 3), format: .pcm)
        let config = OpenAIRealtimeSessionConfiguration(
            instructions: "You are a restaurant booking line. Answer in one sentence.", turnDetection: .manual,
            voice: "marin")
        var messages = [OpenAIRealtimeCaller.sessionUpdate(config, eventId: "chorus-0")]
        messages += (0..<audio.frameCount).map { String(buffer: audio.message(at: $0)) }
        messages.append(OpenAIRealtimeCaller.commit(eventId: "chorus-1"))
        messages.append(OpenAIRealtimeCaller.responseCreate(eventId: "chorus-2"))
        messages.append(OpenAIRealtimeCaller.responseCancel(eventId: "chorus-3"))
        let heard = OpenAIRealtimeCaller.playedMilliseconds(byteCount: 3 * 4_800 + 960, format: .pcm)
        messages.append(
            OpenAIRealtimeCaller.conversationItemTruncate(itemId: "item_CBx7Yw5a", audioEndMs: heard, eventId: "chorus-4"))
        try Golden.check(messages, against: "openai-manual-turn.jsonl")
    }

    /// A server-VAD turn in µ-law (what a phone bridge configures): the server ends the turn and, on barge-in,
    /// cancels the response itself; the caller only truncates.
    @Test func goldenServerVADTurnInMuLaw() throws {
        let audio = try OpenAIRealtimeCaller.PreparedAudio(frames: Signals.muLawFrames(count: 2), format: .pcmu)
        let config = OpenAIRealtimeSessionConfiguration(
            model: "gpt-realtime", inputFormat: .pcmu, outputFormat: .pcmu,
            turnDetection: .serverVAD(.init(silenceDurationMs: 400, idleTimeoutMs: 6000)), voice: "cedar")
        var messages = [OpenAIRealtimeCaller.sessionUpdate(config)]
        messages += (0..<audio.frameCount).map { String(buffer: audio.message(at: $0)) }
        let heard = OpenAIRealtimeCaller.playedMilliseconds(byteCount: 5_000, format: .pcmu)
        messages.append(OpenAIRealtimeCaller.conversationItemTruncate(itemId: "item_CBx7Yw5b", audioEndMs: heard))
        try Golden.check(messages, against: "openai-server-vad-pcmu.jsonl")
    }
}
