import ChorusAudio
import ChorusCore
import Foundation
import NIOCore
import NIOWebSocket
import Testing

@testable import ChorusDialects
@testable import ChorusTransport

/// A tone utterance long enough for a few frames, at `rate`.
private func tone(rate: Int, ms: Int = 200) -> Utterance {
    let count = rate * ms / 1000
    let step = 2 * Double.pi * 440 / Double(rate)
    let samples: [Int16] = (0..<count).map { i in Int16(8000 * sin(step * Double(i))) }
    return Utterance(name: "tone", sampleRate: rate, samples: samples, speech: 0..<count)
}

private func plan(_ id: String = "run-0") -> SessionPlan {
    SessionPlan(
        callerIndex: 0, sessionIndex: 0, sessionId: id, turnClips: [0], thinkNs: [0], responseTimeoutNs: 1_000_000_000,
        originNs: 0, seed: 42)
}

/// A Twilio call's session and its streamSid, and an agent `media` message of `bytes` µ-law bytes on that stream.
private func twilioCall() throws -> (session: any CallerDialectSession, sid: String, media: (Int) -> String) {
    let session = try TwilioDialect(utterances: [tone(rate: 8000)]).makeSession(plan: plan())
    let start = try JSONParser.parse(String(buffer: session.openingMessages()[1].unmaskedData))
    let sid = try #require(start["streamSid"]?.stringValue)
    let media = { (bytes: Int) in
        #"{"event":"media","streamSid":"\#(sid)","media":{"payload":"\#(Base64.encodedString([UInt8](repeating: 0x7F, count: bytes)))"}}"#
    }
    return (session, sid, media)
}

/// Unmasks a complete client frame built by hand; returns (opcode, payload).
private func unmask(_ frame: ByteBuffer) -> (UInt8, [UInt8]) {
    let bytes = Array(frame.readableBytesView)
    var length = Int(bytes[1] & 0x7F)
    var offset = 2
    if length == 126 {
        length = Int(bytes[2]) << 8 | Int(bytes[3])
        offset = 4
    }
    let key = Array(bytes[offset..<offset + 4])
    let payload = bytes[(offset + 4)...].enumerated().map { $0.element ^ key[$0.offset & 3] }
    #expect(payload.count == length)
    return (bytes[0] & 0x0F, payload)
}

@Suite("Caller dialect sessions")
struct DialectSessionTests {
    @Test func handBuiltFramesUnmaskToTheirPayload() {
        var buffer = ByteBuffer()
        let payload = Array(repeating: UInt8(ascii: "x"), count: 300)
        WebSocketWire.writeClientFrame(opcode: 0x1, maskKey: 0xA1B2_C3D4, into: &buffer) { $0.writeBytes(payload) }
        let (opcode, decoded) = unmask(buffer)
        #expect(opcode == 1)
        #expect(decoded == payload)
        #expect(Array(buffer.readableBytesView[4..<8]) == [0xA1, 0xB2, 0xC3, 0xD4])
    }

    @Test func twilioMediaIsByteForByteTheGeneralPathWithWallClockTimestamps() throws {
        let dialect = try TwilioDialect(utterances: [tone(rate: 8000)], customParameters: ["from_number": "+15550100"])
        let session = dialect.makeSession(plan: plan())
        let opening = session.openingMessages().map { String(buffer: $0.unmaskedData) }
        #expect(opening.count == 2)
        #expect(opening[0] == #"{"event":"connected","protocol":"Call","version":"1.0.0"}"#)
        let start = try JSONParser.parse(opening[1])
        #expect(start["sequenceNumber"]?.stringValue == "1")
        #expect(start["start"]?["customParameters"]?["from_number"]?.stringValue == "+15550100")
        let sid = try #require(start["streamSid"]?.stringValue)

        // Reference: the general (allocating) path of the same caller state.
        var reference = TwilioMediaStreamsCaller(
            identity: TwilioIdentity(streamSid: sid, accountSid: "", callSid: ""), customParameters: [:])
        _ = reference.start()
        let t0: Int64 = 5_000_000_000
        for i in 0..<3 {
            let frame = try #require(session.audioFrame(clip: 0, frame: i, deadlineNs: t0 + Int64(i) * 20_000_000, maskKey: 0x0102_0304))
            let (opcode, payload) = unmask(frame)
            #expect(opcode == 1)
            let expected = reference.media(
                payloadBase64: Base64.encodedString(dialect.audio.clips[0].frames[i].readableBytesView), timestampMs: 20 * i)
            #expect(String(decoding: payload, as: UTF8.self) == expected)
        }
        let silence = try #require(session.audioFrame(clip: nil, frame: 0, deadlineNs: t0 + 60_000_000, maskKey: 7))
        let text = String(decoding: unmask(silence).1, as: UTF8.self)
        #expect(text.contains(#""sequenceNumber":"5""#) && text.contains(#""chunk":"4""#) && text.contains(#""timestamp":"60""#))
        #expect(text.contains(Base64.encodedString([UInt8](repeating: 0xFF, count: 160))))
    }

    @Test func twilioEchoesMarksOnceTheirAudioHasPlayedAndAtOnceOnClear() throws {
        let (session, sid, makeMedia) = try twilioCall()
        let media = makeMedia(800)
        let t0: Int64 = 1_000_000_000
        guard case .audio(let payload, .muLaw) = session.receive(.text(media), nowNs: t0) else {
            Issue.record("media is audio")
            return
        }
        #expect(payload.readableBytes == 800)
        // The mark follows answer audio: it echoes, and ends the answer, once those 100 ms have played.
        guard case .ignored = session.receive(.text(#"{"event":"mark","streamSid":"\#(sid)","mark":{"name":"m1"}}"#), nowNs: t0) else {
            Issue.record("a mark is not itself the end of the answer")
            return
        }
        let early = session.due(nowNs: t0 + 90_000_000)
        #expect(early.messages.isEmpty && !early.answerEnded)
        let played = session.due(nowNs: t0 + 101_000_000)
        let echoes = played.messages.map { String(buffer: $0.unmaskedData) }
        #expect(echoes.count == 1 && echoes[0].contains(#""mark":{"name":"m1"}"#))
        #expect(played.answerEnded)
        // Audio then clear: the pending mark comes back at once.
        _ = session.receive(.text(media), nowNs: t0 + 200_000_000)
        _ = session.receive(.text(#"{"event":"mark","streamSid":"\#(sid)","mark":{"name":"m2"}}"#), nowNs: t0 + 200_000_000)
        _ = session.receive(.text(#"{"event":"clear","streamSid":"\#(sid)"}"#), nowNs: t0 + 210_000_000)
        let cleared = session.due(nowNs: t0 + 210_000_000).messages.map { String(buffer: $0.unmaskedData) }
        #expect(cleared.count == 1 && cleared[0].contains("m2"))
    }

    @Test func twilioMarksBetweenChunksDoNotEndTheAnswer() throws {
        let (session, sid, makeMedia) = try twilioCall()
        let chunk = makeMedia(160)
        let t0: Int64 = 1_000_000_000
        // An agent that marks every 20 ms chunk, streaming faster than real time: 5 chunks, 5 marks.
        for i in 0..<5 {
            _ = session.receive(.text(chunk), nowNs: t0)
            _ = session.receive(.text(#"{"event":"mark","streamSid":"\#(sid)","mark":{"name":"c\#(i)"}}"#), nowNs: t0)
        }
        let midway = session.due(nowNs: t0 + 41_000_000)
        #expect(midway.messages.count == 2, "c0 and c1 have played")
        #expect(!midway.answerEnded, "more audio followed those marks")
        let done = session.due(nowNs: t0 + 101_000_000)
        #expect(done.messages.count == 3)
        #expect(done.answerEnded, "the last mark's audio has played and nothing followed it")
    }

    @Test func twilioRejectsBinaryFramesAndOtherStreams() throws {
        let session = try TwilioDialect(utterances: [tone(rate: 8000)]).makeSession(plan: plan())
        guard case .error(let message, .protocolError) = session.receive(.binary([1, 2, 3]), nowNs: 0) else {
            Issue.record("binary is a protocol error")
            return
        }
        #expect(message.contains("binary"))
        guard case .error(let other, _) = session.receive(.text(#"{"event":"clear","streamSid":"MZother"}"#), nowNs: 0) else {
            Issue.record("another stream is a protocol error")
            return
        }
        #expect(other.contains("MZother"))
    }

    @Test func openAIWaitsForSessionUpdatedAndMapsServerEvents() throws {
        let configuration = OpenAIRealtimeSessionConfiguration(turnDetection: .manual)
        let dialect = OpenAIRealtimeDialect(utterances: [tone(rate: 24000)], configuration: configuration)
        #expect(dialect.audio.sampleRate == 24000)
        // The shared append message decodes to the frame's audio.
        let (opcode, payload) = unmask(dialect.audio.clips[0].wireFrames[1][0])
        #expect(opcode == 1)
        let append = try JSONParser.parse(String(decoding: payload, as: UTF8.self))
        #expect(append["type"]?.stringValue == "input_audio_buffer.append")
        #expect(Base64.decode(append["audio"]?.stringValue ?? "") == dialect.audio.clips[0].frames[1])

        let session = dialect.makeSession(plan: plan())
        #expect(session.waitsForReady)
        let update = try JSONParser.parse(String(buffer: session.openingMessages()[0].unmaskedData))
        #expect(update["type"]?.stringValue == "session.update")
        #expect(update["session"]?["audio"]?["input"]?["turn_detection"] == .null)
        let eot = session.endOfTurnMessages(turn: 2).map { String(buffer: $0.unmaskedData) }
        #expect(eot.count == 2 && eot[0].contains("input_audio_buffer.commit") && eot[1].contains("response.create"))

        #expect(isReady(session.receive(.text(#"{"type":"session.updated","session":{"type":"realtime"}}"#), nowNs: 0)))
        let delta = #"{"type":"response.output_audio.delta","response_id":"r1","item_id":"i1","output_index":0,"content_index":0,"delta":"AAAAAA=="}"#
        guard case .audio(let audio, .pcm16(24000, 1)) = session.receive(.text(delta), nowNs: 0) else {
            Issue.record("a delta is audio at 24 kHz")
            return
        }
        #expect(audio.readableBytes == 4)
        guard case .responseEnd = session.receive(.text(#"{"type":"response.done","response":{"id":"r1","status":"completed"}}"#), nowNs: 0) else {
            Issue.record("response.done ends the answer")
            return
        }
        guard case .error(let failed, .protocolError) = session.receive(
            .text(#"{"type":"response.done","response":{"id":"r2","status":"failed","status_details":{"error":{"type":"server_error","code":"boom"}}}}"#), nowNs: 0)
        else {
            Issue.record("a failed response is a protocol error")
            return
        }
        #expect(failed.contains("boom"))
        guard case .ignored = session.receive(.text(#"{"type":"error","error":{"code":"response_cancel_not_active"}}"#), nowNs: 0) else {
            Issue.record("the cancel race is tolerated")
            return
        }
        guard case .error(_, .rejected) = session.receive(.text(#"{"type":"error","error":{"code":"beta_api_shape_disabled"}}"#), nowNs: 0) else {
            Issue.record("the retired beta shape is a rejection")
            return
        }
        guard case .error(let bad, .protocolError) = session.receive(.text("{not json"), nowNs: 0) else {
            Issue.record("malformed JSON is a protocol error")
            return
        }
        #expect(bad.contains("malformed_json"))
    }

    @Test func openAIBargeInTruncatesToWhatWasHeard() throws {
        let dialect = OpenAIRealtimeDialect(utterances: [tone(rate: 24000)], configuration: OpenAIRealtimeSessionConfiguration())
        let session = try #require(dialect.makeSession(plan: plan()) as? OpenAIRealtimeDialect.Session)
        _ = session.receive(.text(#"{"type":"response.created","response":{"id":"r1"}}"#), nowNs: 0)
        let chunk = Base64.encodedString([UInt8](repeating: 0, count: 4800))  // 100 ms at 24 kHz
        for _ in 0..<3 {
            _ = session.receive(.text(#"{"type":"response.output_audio.delta","item_id":"item_A","delta":"\#(chunk)"}"#), nowNs: 0)
        }
        let messages = session.bargeInMessages(serverCancels: false).map { String(buffer: $0.unmaskedData) }
        #expect(messages.count == 2)
        #expect(messages[0].contains("response.cancel"))
        #expect(messages[1].contains(#""item_id":"item_A""#) && messages[1].contains(#""audio_end_ms":300"#))
    }

    @Test func openAICallerThatTalksOverAnActiveResponseTruncatesItAtTheNextSlot() throws {
        let dialect = OpenAIRealtimeDialect(utterances: [tone(rate: 24000)], configuration: OpenAIRealtimeSessionConfiguration())
        let session = try #require(dialect.makeSession(plan: plan()) as? OpenAIRealtimeDialect.Session)
        _ = session.receive(.text(#"{"type":"response.created","response":{"id":"r1"}}"#), nowNs: 0)
        let chunk = Base64.encodedString([UInt8](repeating: 0, count: 4800))  // 100 ms at 24 kHz
        _ = session.receive(.text(#"{"type":"response.output_audio.delta","item_id":"item_A","delta":"\#(chunk)"}"#), nowNs: 0)
        // Silence and a clip's later frames owe nothing; its first frame over the active response is a barge-in.
        #expect(session.audioFrame(clip: nil, frame: 0, deadlineNs: 0, maskKey: 1) == nil)
        #expect(session.due(nowNs: 0).messages.isEmpty)
        #expect(session.audioFrame(clip: 0, frame: 0, deadlineNs: 0, maskKey: 1) == nil)
        // Server VAD cancels by itself (interrupt_response): the caller only truncates to what it heard.
        let owed = session.due(nowNs: 0).messages.map { String(buffer: $0.unmaskedData) }
        #expect(owed.count == 1 && owed[0].contains("conversation.item.truncate") && owed[0].contains(#""audio_end_ms":100"#))
        #expect(session.due(nowNs: 0).messages.isEmpty, "owed once")
        // The cancelled response's end is the stop signal; a clip after it interrupts nothing.
        guard case .responseEnd = session.receive(
            .text(#"{"type":"response.done","response":{"id":"r1","status":"cancelled"}}"#), nowNs: 0)
        else {
            Issue.record("response.done ends the answer")
            return
        }
        _ = session.audioFrame(clip: 0, frame: 0, deadlineNs: 0, maskKey: 1)
        #expect(session.due(nowNs: 0).messages.isEmpty)
    }

    @Test func twilioClearAfterAudioEndsTheAnswerAndTheNextAudioIsTheNextResponse() throws {
        let (session, sid, makeMedia) = try twilioCall()
        _ = session.receive(.text(makeMedia(160)), nowNs: 0)
        #expect(session.responseOrdinal == nil, "no marks yet: responses are split on silence")
        guard case .responseEnd = session.receive(.text(#"{"event":"clear","streamSid":"\#(sid)"}"#), nowNs: 0) else {
            Issue.record("clear after audio ends the answer (the agent's stop signal)")
            return
        }
        #expect(session.responseOrdinal == 0)
        _ = session.receive(.text(makeMedia(160)), nowNs: 0)
        #expect(session.responseOrdinal == 1)
        guard case .responseEnd = session.receive(.text(#"{"event":"clear","streamSid":"\#(sid)"}"#), nowNs: 0),
            case .ignored = session.receive(.text(#"{"event":"clear","streamSid":"\#(sid)"}"#), nowNs: 0)
        else {
            Issue.record("a second clear with no audio in between ends nothing")
            return
        }
    }

    @Test func pipecatInterruptionEndsTheAnswerOnceAndTheNextAudioIsTheNextResponse() throws {
        let dialect = try PipecatDialect(utterances: [tone(rate: 16000)], sampleRate: 16000)
        let session = dialect.makeSession(plan: plan())
        let audio = WebSocketMessage.binary(PipecatCodec.encodeAudio(pcm: [UInt8](repeating: 0, count: 640), sampleRate: 16000, channels: 1))
        let interruption = WebSocketMessage.binary(PipecatCodec.encodeInterruption())
        let stopped = WebSocketMessage.binary(
            PipecatCodec.encodeMessage(json: PipecatCodec.rtvi(type: "bot-stopped-speaking", id: nil, data: nil)))
        _ = session.receive(audio, nowNs: 0)
        guard case .responseEnd = session.receive(interruption, nowNs: 0) else {
            Issue.record("an interruption after bot audio ends the answer (the stop signal)")
            return
        }
        #expect(session.responseOrdinal == 0)
        guard case .ignored = session.receive(stopped, nowNs: 0) else {
            Issue.record("bot-stopped-speaking right after the interruption ends nothing more")
            return
        }
        _ = session.receive(audio, nowNs: 0)
        #expect(session.responseOrdinal == 1)
        guard case .responseEnd = session.receive(stopped, nowNs: 0) else {
            Issue.record("bot-stopped-speaking after audio ends the answer")
            return
        }
        #expect(session.responseOrdinal == 1)
    }

    private func isReady(_ event: AgentEvent) -> Bool {
        if case .ready = event { return true }
        return false
    }
}
