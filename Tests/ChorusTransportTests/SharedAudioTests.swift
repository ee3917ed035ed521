import ChorusAudio
import ChorusDialects
import NIOCore
import Testing

@testable import ChorusTransport

/// A 100 ms square wave at `rate`: five frames.
private func tone(rate: Int) -> Utterance {
    let count = rate / 10
    let samples: [Int16] = (0..<count).map { i in i / 10 % 2 == 0 ? 8000 : -8000 }
    return Utterance(name: "tone", sampleRate: rate, samples: samples, speech: 0..<count)
}

@Suite("Shared audio: each dialect's framing")
struct SharedAudioTests {
    @Test func eachDialectSaysWhetherItsMessagesAreSharedOrBuiltPerFrame() throws {
        let native = ChorusNativeDialect(audio: SharedAudio(pcm16: [tone(rate: 16000)], sampleRate: 16000))
        let openAI = OpenAIRealtimeDialect(
            utterances: [tone(rate: 24000)], configuration: OpenAIRealtimeSessionConfiguration(turnDetection: .manual))
        let pipecat = try PipecatDialect(utterances: [tone(rate: 16000)], sampleRate: 16000)
        let twilio = try TwilioDialect(utterances: [tone(rate: 8000)])
        #expect(native.audio.framing == .shared)
        #expect(openAI.audio.framing == .shared)
        #expect(pipecat.audio.framing == .shared)
        #expect(twilio.audio.framing == .perFrame)
        #expect(native.audio.clips[0].wireFrames.count == native.audio.clips[0].frames.count)
    }

    @Test("Twilio builds a media message for every frame and silence: no raw µ-law is ever a wire frame")
    func twilioBuildsEveryMessage() throws {
        let dialect = try TwilioDialect(utterances: [tone(rate: 8000), tone(rate: 8000)])
        let session = dialect.makeSession(plan: SessionPlan(
            callerIndex: 0, sessionIndex: 0, sessionId: "s", turnClips: [0], thinkNs: [0], responseTimeoutNs: 1,
            originNs: 0, seed: 1))
        var slot: Int64 = 0
        func next(clip: Int?, frame: Int) throws -> String {
            slot += 1
            let built = try #require(session.audioFrame(clip: clip, frame: frame, deadlineNs: slot * 20_000_000, maskKey: 0))
            let bytes = Array(built.readableBytesView)
            #expect(bytes[0] == 0x81, "a final text frame")
            // Mask key 0: the payload is in the clear after the 2- or 4-byte header and the 4 key bytes.
            let headerLength = bytes[1] & 0x7F == 126 ? 8 : 6
            return String(decoding: bytes[headerLength...], as: UTF8.self)
        }
        for (c, clip) in dialect.audio.clips.enumerated() {
            for f in clip.frames.indices {
                #expect(try next(clip: c, frame: f).hasPrefix(#"{"event":"media""#))
            }
        }
        #expect(try next(clip: nil, frame: 0).hasPrefix(#"{"event":"media""#))
    }

    @Test func perFrameAudioHoldsNoSharedMessages() async {
        await #expect(processExitsWith: .failure) {
            let audio = SharedAudio(perFrame: [tone(rate: 8000)], sampleRate: 8000, encoding: .muLaw)
            _ = audio.clips[0].wireFrames
        }
        await #expect(processExitsWith: .failure) {
            _ = SharedAudio(perFrame: [tone(rate: 8000)], sampleRate: 8000, encoding: .muLaw).silenceWire
        }
    }
}
