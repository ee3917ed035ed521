import ChorusAudio
import Testing

@Suite struct OpusCodecTests {
    @Test(arguments: [16000, 48000])
    func toneSurvivesEncodeAndDecode(sampleRate: Int) throws {
        let tone = TestSignals.tone(peakDBFS: -12, ms: 1000, sampleRate: sampleRate)
        let utterance = try Utterance(name: "tone", sampleRate: sampleRate, samples: tone)
        let packets = try utterance.opusFrames()
        #expect(packets.count == 50)
        #expect(packets.allSatisfy { !$0.isEmpty && $0.count <= OpusEncoder.maxPacketBytes })
        let decoder = try OpusDecoder(sampleRate: sampleRate)
        let decoded = try packets.flatMap { try decoder.decode($0, frameSamples: utterance.frameSamples) }
        #expect(decoded.count == tone.count)
        // Skip the codec's start-up; compare steady-state levels.
        let half = tone.count / 2
        let original = AudioLevel.rmsDBFS(Array(tone[half...]))
        let roundTrip = AudioLevel.rmsDBFS(Array(decoded[half...]))
        #expect(abs(roundTrip - original) < 3)
    }

    @Test func decodingIntoAReusedBufferGivesTheSameSamples() throws {
        let tone = TestSignals.tone(peakDBFS: -12, ms: 200, sampleRate: 16000)
        let packets = try Utterance(name: "tone", sampleRate: 16000, samples: tone).opusFrames()
        let arrays = try OpusDecoder(sampleRate: 48000)
        let reused = try OpusDecoder(sampleRate: 48000)
        var buffer = [Int16](repeating: 0, count: 5760)
        for packet in packets {
            let expected = try arrays.decode(packet, frameSamples: 5760)
            let got = try packet.withUnsafeBytes { bytes in
                try buffer.withUnsafeMutableBufferPointer { pcm in
                    Array(pcm[..<(try reused.decode(bytes, into: pcm))])
                }
            }
            #expect(got == expected && got.count == 960)
        }
        #expect(throws: AudioError.self) {
            try [UInt8]([0x03, 0x00]).withUnsafeBytes { bytes in  // a code-3 TOC with no frames: corrupt
                try buffer.withUnsafeMutableBufferPointer { try reused.decode(bytes, into: $0) }
            }
        }
    }

    @Test func lostFrameIsRecoveredWithFECOrConcealed() throws {
        let tone = TestSignals.tone(peakDBFS: -12, ms: 400, sampleRate: 16000)
        let packets = try Utterance(name: "tone", sampleRate: 16000, samples: tone).opusFrames(
            fec: true, expectedLossPercent: 20)
        let decoder = try OpusDecoder(sampleRate: 16000)
        for packet in packets[0..<10] { _ = try decoder.decode(packet, frameSamples: 320) }
        // Packet 10 is lost: recover it from packet 11's FEC data, then decode 11 itself.
        let recovered = try decoder.decode(packets[11], fec: true, frameSamples: 320)
        let next = try decoder.decode(packets[11], frameSamples: 320)
        let concealed = try decoder.conceal(frameSamples: 320)
        #expect(recovered.count == 320 && next.count == 320 && concealed.count == 320)
        #expect(AudioLevel.rmsDBFS(recovered) > -30)
    }

    @Test func encoderRejectsWrongFrameLengthAndRates() throws {
        let encoder = try OpusEncoder(
            sampleRate: 16000, bitrate: 24000, complexity: 5, fec: true, expectedLossPercent: 10)
        #expect(encoder.frameSamples == 320)
        #expect { try encoder.encode([Int16](repeating: 0, count: 100)) } throws: {
            ($0 as? AudioError)?.code == .invalidArgument
        }
        #expect {
            try OpusEncoder(sampleRate: 44100, bitrate: 24000, complexity: 5, fec: false, expectedLossPercent: 0)
        } throws: {
            ($0 as? AudioError)?.code == .unsupportedSampleRate
        }
        #expect {
            try OpusEncoder(sampleRate: 16000, bitrate: 24000, complexity: 99, fec: false, expectedLossPercent: 0)
        } throws: {
            ($0 as? AudioError)?.code == .opus && "\($0)".contains("invalid argument")
        }
    }

    @Test func corruptPacketErrorCarriesOpusText() throws {
        let decoder = try OpusDecoder(sampleRate: 16000)
        // TOC code 3 with a frame count of zero is never valid.
        #expect { try decoder.decode([0x03, 0x00], frameSamples: 320) } throws: {
            ($0 as? AudioError)?.code == .opus && "\($0)".contains("corrupted stream")
        }
    }

    @Test func clipsAtNonOpusRatesCannotBeEncoded() throws {
        let tone = TestSignals.tone(peakDBFS: -12, ms: 200, sampleRate: 22050)
        let utterance = try Utterance(name: "odd-rate", sampleRate: 22050, samples: tone)
        #expect { try utterance.opusFrames() } throws: {
            ($0 as? AudioError)?.code == .unsupportedSampleRate && "\($0)".contains("odd-rate")
        }
    }
}
