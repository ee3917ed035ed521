import ChorusCore
import ChorusDialects
import Foundation
import NIOCore
import NIOWebSocket
import Testing

@Suite("Pipecat protobuf frames")
struct PipecatCodecTests {
    /// Four samples (1, 32767, -32768, -2) as PCM16 LE.
    static let fourSamples: [UInt8] = [0x01, 0x00, 0xFF, 0x7F, 0x00, 0x80, 0xFE, 0xFF]

    // MARK: - Bytes written by hand from the tags in docs/dialects.md, independent of swift-protobuf

    @Test func audioIsTheHandWrittenBytes() {
        let inner: [UInt8] = [0x1A, 0x08] + Self.fourSamples + [0x20, 0x80, 0x7D] + [0x28, 0x01]  // 16000 = 80 7D
        let expected: [UInt8] = [0x12, UInt8(inner.count)] + inner
        #expect(inner.count == 15)
        #expect(PipecatCodec.encodeAudio(pcm: Self.fourSamples, sampleRate: 16_000, channels: 1) == expected)

        // pts 20 ms in ns = 20 000 000 = varint 80 DA C4 09; 24000 = C0 BB 01; stereo.
        let withPts: [UInt8] =
            [0x1A, 0x08] + Self.fourSamples + [0x20, 0xC0, 0xBB, 0x01, 0x28, 0x02, 0x30, 0x80, 0xDA, 0xC4, 0x09]
        #expect(
            PipecatCodec.encodeAudio(pcm: Self.fourSamples, sampleRate: 24_000, channels: 2, pts: 20_000_000)
                == [0x12, UInt8(withPts.count)] + withPts)
        // A pts of 0 is still sent: the field is `optional`, so presence is on the wire.
        #expect(
            PipecatCodec.encodeAudio(pcm: [], sampleRate: 16_000, channels: 1, pts: 0) == [
                0x12, 0x07, 0x20, 0x80, 0x7D, 0x28, 0x01, 0x30, 0x00,
            ])

        let decoded = PipecatCodec.decode(ByteBuffer(bytes: expected))
        let audio = PipecatAudio(audio: ByteBuffer(bytes: Self.fourSamples), sampleRate: 16_000, channels: 1, pts: nil)
        #expect(decoded == .success(.audio(audio)))
        #expect(audio.samplesPerChannel == 4)
    }

    @Test func otherKindsAreTheHandWrittenBytes() {
        let json = #"{"a":1}"#
        #expect(PipecatCodec.encodeMessage(json: json) == [0x22, 0x09, 0x0A, 0x07] + Array(json.utf8))
        #expect(PipecatCodec.encodeText("hi") == [0x0A, 0x04, 0x1A, 0x02, 0x68, 0x69])
        #expect(
            PipecatCodec.encodeTranscription(text: "ok", userId: "u", timestamp: "t")
                == [0x1A, 0x0A, 0x1A, 0x02, 0x6F, 0x6B, 0x22, 0x01, 0x75, 0x2A, 0x01, 0x74])
        #expect(PipecatCodec.encodeInterruption() == [0x2A, 0x00])
        // Empty strings are omitted, as every proto3 encoder does.
        #expect(PipecatCodec.encodeText("") == [0x0A, 0x00])
    }

    @Test func everyKindRoundTrips() {
        let cases: [([UInt8], PipecatFrame)] = [
            (PipecatCodec.encodeText("héllo"), .text("héllo")),
            (PipecatCodec.encodeMessage(json: "{}"), .message("{}")),
            (
                PipecatCodec.encodeTranscription(text: "a b", userId: "caller-7", timestamp: "2026-08-21T10:15:02Z"),
                .transcription(text: "a b", userId: "caller-7", timestamp: "2026-08-21T10:15:02Z")
            ),
            (PipecatCodec.encodeInterruption(), .interruption),
            (
                PipecatCodec.encodeAudio(pcm: Self.fourSamples, sampleRate: 48_000, channels: 2, pts: 7),
                .audio(
                    PipecatAudio(audio: ByteBuffer(bytes: Self.fourSamples), sampleRate: 48_000, channels: 2, pts: 7))
            ),
        ]
        for (bytes, frame) in cases {
            #expect(PipecatCodec.decode(ByteBuffer(bytes: bytes)) == .success(frame))
            let ws = WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes))
            #expect(PipecatCodec.decode(frame: ws) == .success(frame))
        }
    }

    // MARK: - What a bot sends, written by protoc

    /// Golden/pipecat-frames.hex was written by `protoc --encode=pipecat.Frame` from text format (the file's header
    /// says how to check a line with `protoc --decode`). Bots fill `id` and `name`, which decoding drops.
    @Test func goldenBotMessagesDecode() throws {
        let messages = try Self.goldenMessages("pipecat-frames.hex")
        let pcm = (0..<1920).flatMap { n -> [UInt8] in
            let v = UInt16(bitPattern: Int16((n * 181) % 8192 - 4096))
            return [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)]
        }
        let expected: [PipecatFrame] = [
            .transcription(
                text: "Hi, I'd like to book a table for two.", userId: "caller-1",
                timestamp: "2026-08-21T10:15:02.123+00:00"),
            .message(#"{"label": "rtvi-ai", "type": "bot-started-speaking"}"#),
            .text("Sure, for what time?"),
            .audio(PipecatAudio(audio: ByteBuffer(bytes: pcm[0..<1920]), sampleRate: 24_000, channels: 1)),
            .audio(
                PipecatAudio(
                    audio: ByteBuffer(bytes: pcm[1920...]), sampleRate: 24_000, channels: 1, pts: 1_240_000_000)),
            .message(#"{"label": "rtvi-ai", "type": "bot-stopped-speaking"}"#),
            .interruption,
        ]
        #expect(messages.count == expected.count)
        for (bytes, frame) in zip(messages, expected) {
            let ws = WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes))
            #expect(PipecatCodec.decode(frame: ws) == .success(frame))
        }
        let decoded = messages.map { (try? PipecatCodec.decode(ByteBuffer(bytes: $0)).get())?.rtviType }
        #expect(decoded == [nil, "bot-started-speaking", nil, nil, nil, "bot-stopped-speaking", nil])
        if case .audio(let audio)? = try? PipecatCodec.decode(ByteBuffer(bytes: messages[3])).get() {
            #expect(audio.samplesPerChannel == 960)  // 40 ms at 24 kHz: Pipecat's default output chunk
        }
        // A MessageFrame has only `data`, so our encoder writes exactly what protoc wrote.
        #expect(
            PipecatCodec.encodeMessage(json: #"{"label": "rtvi-ai", "type": "bot-started-speaking"}"#) == messages[1])
    }

    // MARK: - Bad input: error values, never a crash

    @Test func nonBinaryFramesAreErrors() {
        let text = WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: #"{"event":"media"}"#))
        let error = PipecatCodec.decode(frame: text).failure
        #expect(error?.code == .textFrame)
        #expect(error?.excerpt == #"{"event":"media"}"#)
        let ping = WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(bytes: [1, 2]))
        #expect(PipecatCodec.decode(frame: ping).failure?.code == .unsupportedFrame)
    }

    @Test(arguments: [
        ([] as [UInt8], DialectError.Code.missingField),  // no kind set
        ([0x12, 0x00], .invalidAudio),  // audio with no rate, no channels
        ([0x12, 0x05, 0x1A, 0x03, 0x01, 0x02, 0x03], .invalidAudio),  // no rate
        ([0x12, 0x09, 0x1A, 0x03, 0x01, 0x02, 0x03, 0x20, 0x01, 0x28, 0x01], .invalidAudio),  // 3 bytes of mono: odd
        ([0x12, 0x0D, 0x1A, 0x06, 1, 2, 3, 4, 5, 6, 0x20, 0x80, 0x7D, 0x28, 0x02], .invalidAudio),  // 6 bytes stereo
        ([0x12, 0x07, 0x1A, 0x02, 1, 2, 0x20, 0x80, 0x7D], .invalidAudio),  // no channels
        ([0x12, 0x09, 0x1A, 0x02, 1, 2], .malformedProtobuf),  // audio's length runs past the end
        ([0x4A, 0x00], .unknownEvent),  // only field 9, from a newer frames.proto
        ([0x0A, 0x04, 0x1A, 0x02, 0xC3, 0x28], .malformedProtobuf),  // text with invalid UTF-8
        ([0x12], .malformedProtobuf),  // tag without its length
        ([0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], .malformedProtobuf),  // a 4 GB length
        ([0x13, 0x00], .malformedProtobuf),  // wire type 3 (start group)
        ([0x00, 0x00], .malformedProtobuf),  // field number 0
        ([0x22, 0x02, 0x0D, 0x00], .malformedProtobuf),  // truncated fixed32 inside MessageFrame
    ])
    func badFramesAreErrorValues(bytes: [UInt8], code: DialectError.Code) {
        let error = PipecatCodec.decode(ByteBuffer(bytes: bytes)).failure
        #expect(error?.code == code, "\(bytes)")
        #expect(error?.excerpt.hasPrefix("0x") == true)
    }

    @Test func everyTruncationOfARealFrameIsAnError() throws {
        for message in try Self.goldenMessages("pipecat-frames.hex") {
            for length in 1..<message.count {
                let error = PipecatCodec.decode(ByteBuffer(bytes: message[0..<length])).failure
                #expect(error?.code == .malformedProtobuf, "prefix of \(length) bytes")
            }
        }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix(state: 42)
        var failures = 0
        for round in 0..<4000 {
            let length = Int(generator.next() % 96)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Half the rounds start with a real audio header so decoding gets past the first tag.
            if round % 2 == 0 { bytes = [0x12, UInt8(length)] + bytes }
            switch PipecatCodec.decode(ByteBuffer(bytes: bytes)) {
            case .success(.audio(let audio)):
                #expect(audio.sampleRate > 0 && audio.channels > 0)
                #expect(audio.audio.readableBytes % (2 * audio.channels) == 0)
            case .success:
                break
            case .failure(let error):
                failures += 1
                #expect(error.excerpt.count <= 200)
            }
        }
        #expect(failures > 3000)
    }

    @Test func errorsCarryAHexExcerpt() {
        let bytes: [UInt8] = [0x12, 0x05, 0x1A, 0x03, 0x01, 0x02, 0x03]
        let error = PipecatCodec.decode(ByteBuffer(bytes: bytes)).failure
        #expect(error?.excerpt == "0x 12 05 1a 03 01 02 03")
        #expect(error?.detail == "audio with sample_rate 0")
        #expect(error?.outcome == .protocolError)
    }

    // MARK: - RTVI

    @Test func rtviMessagesAreBuiltInProtocolOrder() throws {
        #expect(
            PipecatCodec.rtvi(type: "client-message", id: "m1", data: ["t": "ping"])
                == #"{"label":"rtvi-ai","type":"client-message","id":"m1","data":{"t":"ping"}}"#)
        #expect(
            PipecatCodec.rtvi(type: "disconnect-bot", id: nil, data: nil)
                == #"{"label":"rtvi-ai","type":"disconnect-bot"}"#)
        let ready = PipecatCodec.clientReady(id: "c-1")
        #expect(
            ready
                == #"{"label":"rtvi-ai","type":"client-ready","id":"c-1","data":{"version":"2.1.0","about":{"library":"chorus","library_version":"0.1"}}}"#
        )
        let frame = try PipecatCodec.decode(ByteBuffer(bytes: PipecatCodec.encodeMessage(json: ready))).get()
        #expect(frame.rtviType == "client-ready")
        #expect(frame.rtviMessage?["data"]?["version"] == "2.1.0")
    }

    @Test func rtviTypeIsNilForAnythingElse() {
        #expect(PipecatFrame.message(#"{"label":"other","type":"x"}"#).rtviType == nil)
        #expect(PipecatFrame.message(#"{"label":"rtvi-ai"}"#).rtviType == nil)
        #expect(PipecatFrame.message(#"{"label":"rtvi-ai","type":7}"#).rtviType == nil)
        #expect(PipecatFrame.message("not json").rtviType == nil)
        #expect(PipecatFrame.message(#"["rtvi-ai"]"#).rtviType == nil)
        #expect(PipecatFrame.text(#"{"label":"rtvi-ai","type":"x"}"#).rtviType == nil)
        #expect(
            PipecatFrame.message(#"{"type":"user-started-speaking","label":"rtvi-ai"}"#).rtviType
                == "user-started-speaking")
    }

    // MARK: - Prepared audio

    @Test func preparedAudioIsEncodeAudioInSharedStorage() throws {
        let frames = (0..<5).map { f in (0..<640).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ f) } }
        let prepared = try PipecatPreparedAudio(frames: frames, sampleRate: 16_000, channels: 1)
        // 12 88 05 | 1A 80 05 <640> 20 80 7D 28 01: 3 + 648 bytes.
        #expect(prepared.messageLength == 651 && prepared.frameBytes == 640 && prepared.frameCount == 5)
        for (index, frame) in frames.enumerated() {
            let message = prepared.message(at: index)
            #expect(
                Array(message.readableBytesView)
                    == PipecatCodec.encodeAudio(pcm: frame, sampleRate: 16_000, channels: 1))
            #expect(Array(message.readableBytesView.prefix(6)) == [0x12, 0x88, 0x05, 0x1A, 0x80, 0x05])
        }
        let first = prepared.message(at: 0)
        let last = prepared.message(at: 4)
        let firstBase = first.withVeryUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        let lastBase = last.withVeryUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        // Slices of one storage, not copies: frame 4's bytes sit four messages after frame 0's.
        #expect(lastBase == firstBase + UInt(4 * prepared.messageLength))
        #expect(prepared.message(at: 0) == first)
    }

    @Test func preparedAudioChecksFrameSizes() throws {
        let stereo24k = try PipecatPreparedAudio(
            frames: [[UInt8](repeating: 0, count: 1920)], sampleRate: 24_000, channels: 2)
        #expect(stereo24k.frameBytes == 1920)
        let decoded = PipecatCodec.decode(stereo24k.message(at: 0))
        #expect(
            decoded
                == .success(
                    .audio(PipecatAudio(audio: ByteBuffer(repeating: 0, count: 1920), sampleRate: 24_000, channels: 2)))
        )
        #expect(throws: PreparedAudioError(frameIndex: 1, byteCount: 960, expectedByteCount: 640)) {
            try PipecatPreparedAudio(
                frames: [[UInt8](repeating: 0, count: 640), [UInt8](repeating: 0, count: 960)], sampleRate: 16_000,
                channels: 1)
        }
        let empty = try PipecatPreparedAudio(frames: [], sampleRate: 16_000, channels: 1)
        #expect(empty.frameCount == 0)
    }

    // MARK: - Helpers

    /// The messages of a `.hex` golden file: one lowercase hex message per line; `#` lines are comments.
    static func goldenMessages(_ name: String) throws -> [[UInt8]] {
        let text = try String(contentsOf: Golden.directory.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let digits = Array(line.utf8)
            guard digits.count % 2 == 0 else { throw GoldenHexError(line: String(line.prefix(40))) }
            return try stride(from: 0, to: digits.count, by: 2).map { i in
                guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else {
                    throw GoldenHexError(line: String(line.prefix(40)))
                }
                return byte
            }
        }
    }

    struct GoldenHexError: Error {
        var line: String
    }
}
