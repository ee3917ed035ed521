import Testing

@testable import ChorusDialects

@Suite struct WireFastPathTests {
    @Test func openAIAppendAudioIsFoundOnlyInTheExactShape() {
        func audio(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBytes {
                OpenAIRealtimeWire.appendAudio(in: $0).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        #expect(audio(OpenAIRealtimeCaller.appendAudio(base64: "AAEC")) == "AAEC")
        #expect(audio(#"{"type":"input_audio_buffer.append","audio":""}"#) == "")
        #expect(audio(#"{"type":"input_audio_buffer.append","event_id":"e","audio":"AAEC"}"#) == nil)
        #expect(audio(#"{"type":"input_audio_buffer.append", "audio":"AAEC"}"#) == nil)
        #expect(audio(#"{"type":"input_audio_buffer.commit"}"#) == nil)
    }

    @Test func twilioMediaPayloadIsFoundInTwiliosShape() {
        func payload(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBytes {
                TwilioWire.mediaPayload(in: $0).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        var caller = TwilioMediaStreamsCaller(
            identity: TwilioIdentity(streamSid: "MZ1", accountSid: "AC1", callSid: "CA1"))
        _ = caller.start()
        #expect(payload(caller.media(payloadBase64: "//79", timestampMs: 20)) == "//79")
        #expect(payload(#"{"event":"media","streamSid":"MZ1","media":{"payload":""}}"#) == "")
        #expect(payload(#"{"event":"media","media":{"payload":"AAAA","track":"inbound"},"streamSid":"MZ1"}"#) == nil)
        #expect(payload(#"{"event":"mark","streamSid":"MZ1","mark":{"name":"x"}}"#) == nil)
    }
}
