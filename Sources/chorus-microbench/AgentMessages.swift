import ChorusCore
import ChorusDialects

/// The agent messages the benchmark decodes, shaped like what OpenAI and a Twilio agent send, with seeded audio.
enum AgentMessages {
    static let streamSid = "MZ18ad3ab5a668481ce02b83e7395059f0"

    /// `count` bytes of seeded noise (base64 speed does not depend on the audio).
    static func audio(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// `response.output_audio.delta` carrying `pcm` as base64, with GA's identifiers.
    static func openAIDelta(_ pcm: [UInt8]) -> String {
        #"{"type":"response.output_audio.delta","event_id":"event_CCXHxcMy86rrKhBLDdqCh","#
            + #""response_id":"resp_CCXHxcMXdGiFxEGpnFzA3","item_id":"item_CCXHxcWX7vpoz5ViBwEo7","#
            + #""output_index":0,"content_index":0,"delta":""# + Base64.encodedString(pcm) + #""}"#
    }

    /// A cancelled `response.done` as GA sends it after a barge-in.
    static let openAIResponseDone =
        #"{"type":"response.done","event_id":"event_CCXHxcMy86rrKhBLDdqCh","response":{"object":"realtime.response","#
        + #""id":"resp_R1","status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"},"#
        + #""output":[{"id":"item_A1","type":"message","object":"realtime.item","status":"incomplete","#
        + #""role":"assistant","content":[{"type":"output_audio","transcript":"Sure, for how"}]}],"#
        + #""conversation_id":"conv_1","output_modalities":["audio"],"max_output_tokens":"inf","#
        + #""usage":{"total_tokens":253,"input_tokens":132,"output_tokens":121,"#
        + #""input_token_details":{"text_tokens":119,"audio_tokens":13,"cached_tokens":0},"#
        + #""output_token_details":{"text_tokens":30,"audio_tokens":91}},"metadata":null}}"#

    /// A Twilio agent's `media` message with one 20 ms µ-law frame.
    static func twilioMedia(_ muLaw: [UInt8]) -> String {
        #"{"event":"media","streamSid":"\#(Self.streamSid)","media":{"payload":""# + Base64.encodedString(muLaw)
            + #""}}"#
    }

    static let twilioMark = #"{"event":"mark","streamSid":"\#(streamSid)","mark":{"name":"responsePart"}}"#
}
