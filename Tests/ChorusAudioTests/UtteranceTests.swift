import ChorusAudio
import Foundation
import Testing

@Suite struct UtteranceTests {
    /// 300 ms silence, 500 ms of 440 Hz at -12 dBFS, 410 ms silence at 16 kHz: 19,360 samples, 60.5 frames.
    private func toneUtterance() throws -> Utterance {
        let samples =
            TestSignals.silence(ms: 300, sampleRate: 16000)
            + TestSignals.tone(peakDBFS: -12, ms: 500, sampleRate: 16000)
            + TestSignals.silence(ms: 410, sampleRate: 16000)
        return try Utterance(name: "tone", sampleRate: 16000, samples: samples)
    }

    @Test func framesCoverTheClipWithAZeroPaddedTail() throws {
        let utterance = try self.toneUtterance()
        #expect(utterance.frameSamples == 320)
        #expect(utterance.samples.count == 19_360)
        #expect(utterance.frameCount == 61)
        #expect(utterance.durationMs == 1210)
        #expect(abs(utterance.speechStartSample - 4800) <= 16)
        #expect(abs(utterance.speechEndSample - 12800) <= 16)
        #expect(utterance.lastSpeechFrameIndex == (utterance.speechEndSample - 1) / 320)
        let last = utterance.frame(60)
        #expect(last.count == 320)
        #expect(last[160...].allSatisfy { $0 == 0 })
    }

    @Test func wireFramesHaveTheRightSizesAndBytes() throws {
        let utterance = try self.toneUtterance()
        let pcm = utterance.pcm16LEFrames()
        #expect(pcm.count == utterance.frameCount)
        #expect(pcm.allSatisfy { $0.count == 640 })
        let frame = utterance.frame(20)
        #expect(pcm[20][6] == UInt8(truncatingIfNeeded: frame[3]))
        #expect(pcm[20][7] == UInt8(truncatingIfNeeded: frame[3] >> 8))
        let muLaw = utterance.muLawFrames()
        #expect(muLaw.count == utterance.frameCount)
        #expect(muLaw.allSatisfy { $0.count == 320 })
        #expect(muLaw[20] == G711.muLawEncode(frame))
    }

    @Test func silenceEmptinessAndOddRatesAreRejected() {
        #expect {
            try Utterance(name: "hush", sampleRate: 16000, samples: TestSignals.silence(ms: 500, sampleRate: 16000))
        } throws: {
            ($0 as? AudioError)?.code == .noSpeech && "\($0)".contains("hush")
        }
        #expect { try Utterance(name: "none", sampleRate: 16000, samples: []) } throws: {
            ($0 as? AudioError)?.code == .emptyAudio
        }
        #expect { try Utterance(name: "odd", sampleRate: 11025, samples: [1000]) } throws: {
            ($0 as? AudioError)?.code == .unsupportedSampleRate
        }
    }

    @Test(arguments: ["book-a-table.wav", "change-time.wav", "ask-hours.wav", "goodbye.wav", "reply.wav"])
    func shippedClipsLoadWithTrailingSilenceExcluded(name: String) throws {
        let utterance = try Utterance.load(path: TestSignals.scenarioAudio(name), sampleRate: 16000)
        #expect(utterance.name == name)
        #expect(utterance.sampleRate == 16000)
        #expect(utterance.speechStartSample < utterance.speechEndSample)
        #expect(utterance.speechEndSample < utterance.samples.count)
        #expect(utterance.lastSpeechFrameIndex < utterance.frameCount)
        let speechSeconds = Double(utterance.speechEndSample - utterance.speechStartSample) / 16000
        #expect(speechSeconds > 1.2 && speechSeconds < 3.5)
        if name != "reply.wav" {
            // make-audio.sh appends 300 ms of silence to every caller clip.
            #expect(utterance.samples.count - utterance.speechEndSample >= 300 * 16)
        }
    }

    @Test func loadingAtOtherRatesKeepsTheSpeechEnd() throws {
        let path = TestSignals.scenarioAudio("book-a-table.wav")
        let at8k = try Utterance.load(path: path, sampleRate: 8000)
        let at48k = try Utterance.load(path: path, sampleRate: 48000)
        #expect(at8k.frameSamples == 160)
        #expect(abs(at8k.speechEndMs - at48k.speechEndMs) < 5)
    }

    @Test func stereoFilesAreMixedDownAndResampled() throws {
        let path = TestSignals.temporaryPath(".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let left =
            TestSignals.silence(ms: 200, sampleRate: 44100)
            + TestSignals.tone(frequency: 500, peakDBFS: -6, ms: 400, sampleRate: 44100)
            + TestSignals.silence(ms: 200, sampleRate: 44100)
        try TestSignals.writeWAV(path: path, sampleRate: 44100, channels: 2, interleaved: left.flatMap { [$0, 0] })
        let utterance = try Utterance.load(path: path, sampleRate: 16000)
        #expect(abs(utterance.samples.count - 12_800) <= 16)
        #expect(abs(utterance.speechStartSample - 3200) <= 16)
        #expect(abs(utterance.speechEndSample - 9600) <= 16)
        // Averaging a -6 dBFS channel with a silent one gives -12 dBFS peak, -15 dBFS RMS.
        let level = AudioLevel.rmsDBFS(Array(utterance.samples[4000..<8800]))
        #expect(abs(level - (-15.04)) < 0.3)
    }

    @Test func missingFileErrorNamesThePath() {
        let path = "/nonexistent/dir/missing-clip.wav"
        #expect { try Utterance.load(path: path, sampleRate: 16000) } throws: {
            ($0 as? AudioError)?.code == .fileNotFound && "\($0)".contains(path)
        }
    }

    @Test func unreadableFileErrorNamesThePathAndTheReason() throws {
        let path = TestSignals.temporaryPath(".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("this is not audio".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try Utterance.load(path: path, sampleRate: 16000) } throws: {
            guard let error = $0 as? AudioError else { return false }
            return error.code == .unreadableFile && error.message.contains(path)
                && error.message.count > path.count + 25
        }
    }

    @Test func silentFileIsANoSpeechError() throws {
        let path = TestSignals.temporaryPath(".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TestSignals.writeWAV(
            path: path, sampleRate: 16000, channels: 1, interleaved: TestSignals.silence(ms: 500, sampleRate: 16000))
        #expect { try Utterance.load(path: path, sampleRate: 16000) } throws: {
            ($0 as? AudioError)?.code == .noSpeech && "\($0)".contains(path)
        }
    }

    @Test func emptyFileIsAnEmptyAudioError() throws {
        let path = TestSignals.temporaryPath(".wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TestSignals.writeWAV(path: path, sampleRate: 16000, channels: 1, interleaved: [])
        #expect { try Utterance.load(path: path, sampleRate: 16000) } throws: {
            guard let error = $0 as? AudioError else { return false }
            return (error.code == .emptyAudio || error.code == .unreadableFile) && error.message.contains(path)
        }
    }
}
