import ChorusDialects
import Foundation
import NIOCore
import Testing

@Suite("Twilio Media Streams caller messages")
struct TwilioMediaStreamsCallerTests {
    static let identity = TwilioIdentity(
        streamSid: "MZ18ad3ab5a668481ce02b83e7395059f0", accountSid: "AC25e16e9a716a4a1786a7c83f58e30482",
        callSid: "CA5f3b8b3d1e2c4a6f8e0d9c7b6a5f4e3d")

    @Test func randomIdentitiesLookLikeTwilioSIDs() {
        var generator = SplitMix(state: 7)
        let a = TwilioIdentity.random(using: &generator)
        #expect(TwilioIdentity.isValid(a.streamSid, prefix: "MZ"))
        #expect(TwilioIdentity.isValid(a.accountSid, prefix: "AC"))
        #expect(TwilioIdentity.isValid(a.callSid, prefix: "CA"))
        #expect(a.streamSid.count == 34 && a.callSid.count == 34)
        #expect(a.streamSid == a.streamSid.lowercased().replacingOccurrences(of: "mz", with: "MZ"))
        var again = SplitMix(state: 7)
        #expect(TwilioIdentity.random(using: &again) == a)  // seeded: runs repeat
        #expect(TwilioIdentity.random(using: &generator) != a)
        #expect(!TwilioIdentity.isValid("MZ123", prefix: "MZ"))
        #expect(!TwilioIdentity.isValid("CA18ad3ab5a668481ce02b83e7395059f0", prefix: "MZ"))
        #expect(!TwilioIdentity.isValid("MZ18ad3ab5a668481ce02b83e7395059fg", prefix: "MZ"))
    }

    @Test func startDeclaresTheInboundMuLawTrack() throws {
        var caller = TwilioMediaStreamsCaller(identity: Self.identity, customParameters: ["from_number": "+15550100"])
        let connected = try JSONParser.parse(caller.connected())
        #expect(connected == ["event": "connected", "protocol": "Call", "version": "1.0.0"])
        let start = try JSONParser.parse(caller.start())
        #expect(start["sequenceNumber"] == "1")
        #expect(start["streamSid"] == .string(Self.identity.streamSid))
        #expect(start[path: "start", "streamSid"] == .string(Self.identity.streamSid))
        #expect(start[path: "start", "callSid"] == .string(Self.identity.callSid))
        #expect(start[path: "start", "tracks"] == ["inbound"])
        #expect(start[path: "start", "customParameters"] == ["from_number": "+15550100"])
        // Numbers here, unlike sequenceNumber/chunk/timestamp.
        #expect(start[path: "start", "mediaFormat"] == ["encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1])
    }

    @Test func perFrameMediaIsByteIdenticalToTheGeneralPath() throws {
        let frames = Signals.muLawFrames(count: 4) + [OpenAIRealtimeAudioFormat.pcmu.silenceFrame]
        let audio = try TwilioMediaStreamsCaller.PreparedAudio(muLawFrames: frames)
        var fast = TwilioMediaStreamsCaller(identity: Self.identity)
        var slow = fast
        _ = fast.start()
        _ = slow.start()
        var buffer = ByteBuffer()
        for (n, timestamp) in [0, 20, 40, 999, 1000, 86_400_000, 123_456_789_012].enumerated() {
            let index = n % frames.count
            buffer.clear()
            fast.writeMedia(frame: index, of: audio, timestampMs: timestamp, into: &buffer)
            let expected = slow.media(payloadBase64: Data(frames[index]).base64EncodedString(), timestampMs: timestamp)
            #expect(String(buffer: buffer) == expected)
            #expect(audio.base64(at: index) == Data(frames[index]).base64EncodedString())
        }
        #expect(fast.nextSequenceNumber == 9 && fast.mediaChunkCount == 7)
    }

    @Test func reusedScratchNeverOverwritesAMessageStillHeld() throws {
        let audio = try TwilioMediaStreamsCaller.PreparedAudio(muLawFrames: Signals.muLawFrames(count: 2))
        var caller = TwilioMediaStreamsCaller(identity: Self.identity)
        _ = caller.start()
        let first = caller.mediaMessage(frame: 0, of: audio, timestampMs: 0)
        let firstText = String(buffer: first)
        let second = caller.mediaMessage(frame: 1, of: audio, timestampMs: 20)
        #expect(String(buffer: first) == firstText)
        #expect(try JSONParser.parse(String(buffer: second))[path: "media", "chunk"] == "2")
        #expect(try JSONParser.parse(firstText)[path: "media", "chunk"] == "1")
    }

    @Test func preparedAudioTakesOnly160ByteFrames() {
        #expect(throws: PreparedAudioError(frameIndex: 1, byteCount: 320, expectedByteCount: 160)) {
            try TwilioMediaStreamsCaller.PreparedAudio(muLawFrames: [[UInt8](repeating: 0xFF, count: 160), [UInt8](repeating: 0xFF, count: 320)])
        }
    }

    @Test func namesAreEscaped() throws {
        var caller = TwilioMediaStreamsCaller(identity: Self.identity)
        _ = caller.start()
        let mark = try JSONParser.parse(caller.mark(name: "say \"hi\"\n\\ ünï"))
        #expect(mark[path: "mark", "name"] == "say \"hi\"\n\\ ünï")
        #expect(mark["sequenceNumber"] == "2")
    }

    /// A whole call as Twilio would stream it: connected, start, caller audio paced at 20 ms, a key press, the
    /// echo of the agent's mark, more audio, hang-up. Sequence numbers, chunks and timestamps must match exactly.
    @Test func goldenCall() throws {
        let audio = try TwilioMediaStreamsCaller.PreparedAudio(muLawFrames: Signals.muLawFrames(count: 3))
        var caller = TwilioMediaStreamsCaller(
            identity: Self.identity, customParameters: ["from_number": "+15550100", "to_number": "+15550199"])
        var messages = [caller.connected(), caller.start()]
        var buffer = ByteBuffer()
        func media(_ frame: Int, _ ms: Int) {
            buffer.clear()
            caller.writeMedia(frame: frame, of: audio, timestampMs: ms, into: &buffer)
            messages.append(String(buffer: buffer))
        }
        media(0, 0)
        media(1, 20)
        media(2, 40)
        messages.append(caller.dtmf(digit: "5"))
        media(0, 60)
        messages.append(caller.mark(name: "greeting-1"))
        media(1, 81)  // paced by the wall clock: a late tick shows in the timestamp
        messages.append(caller.stop())
        try Golden.check(messages, against: "twilio-call.jsonl")

        // The string-typed counters, checked on the raw text as well.
        let fields = try messages.dropFirst().map { try JSONParser.parse($0) }
        #expect(fields.map { $0["sequenceNumber"] } == (1...9).map { .string(String($0)) })
        let mediaFields = fields.filter { $0["event"] == "media" }
        #expect(mediaFields.map { $0[path: "media", "chunk"] } == ["1", "2", "3", "4", "5"])
        #expect(mediaFields.map { $0[path: "media", "timestamp"] } == ["0", "20", "40", "60", "81"])
        #expect(messages[2].contains(#""sequenceNumber":"2""#) && messages[2].contains(#""chunk":"1""#))
    }
}
