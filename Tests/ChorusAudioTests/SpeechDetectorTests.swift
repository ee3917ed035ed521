import ChorusAudio
import Testing

@Suite struct SpeechDetectorTests {
    @Test(arguments: [
        // (leading silence in samples, sample rate)
        (4800, 16000),  // window-aligned edges
        (4877, 16000),  // edges mid-window
        (2400, 8000),
        (14400, 48000),
    ])
    func boundsMatchToneEdgesWithinOneMillisecond(leading: Int, sampleRate: Int) throws {
        let tone = TestSignals.tone(peakDBFS: -12, ms: 500, sampleRate: sampleRate)
        let samples =
            [Int16](repeating: 0, count: leading) + tone + TestSignals.silence(ms: 400, sampleRate: sampleRate)
        let bounds = try #require(SpeechDetector.speechBounds(samples, sampleRate: sampleRate, thresholdDBFS: -40))
        let oneMs = sampleRate / 1000
        #expect(abs(bounds.lowerBound - leading) <= oneMs)
        #expect(abs(bounds.upperBound - (leading + tone.count)) <= oneMs)
    }

    @Test func allSilenceHasNoSpeech() {
        #expect(
            SpeechDetector.speechBounds(
                TestSignals.silence(ms: 1000, sampleRate: 16000), sampleRate: 16000, thresholdDBFS: -40) == nil)
        #expect(SpeechDetector.speechBounds([], sampleRate: 16000, thresholdDBFS: -40) == nil)
    }

    @Test func noiseBelowThresholdIsNotSpeech() {
        let hiss = TestSignals.tone(frequency: 3000, peakDBFS: -50, ms: 300, sampleRate: 16000)
        let samples = hiss + TestSignals.tone(peakDBFS: -12, ms: 200, sampleRate: 16000) + hiss
        let bounds = SpeechDetector.speechBounds(samples, sampleRate: 16000, thresholdDBFS: -40)
        #expect(bounds.map { abs($0.lowerBound - hiss.count) <= 16 } == true)
        #expect(bounds.map { abs($0.upperBound - hiss.count - 3200) <= 16 } == true)
    }

    @Test func pausesInsideSpeechCountAsSpeech() {
        let word = TestSignals.tone(peakDBFS: -12, ms: 200, sampleRate: 16000)
        let gap = TestSignals.silence(ms: 300, sampleRate: 16000)
        let samples = gap + word + gap + word + gap
        let bounds = SpeechDetector.speechBounds(samples, sampleRate: 16000, thresholdDBFS: -40)
        #expect(bounds.map { abs($0.lowerBound - 4800) <= 16 } == true)
        #expect(bounds.map { abs($0.upperBound - (samples.count - gap.count)) <= 16 } == true)
    }
}

@Suite("The end-of-speech rule's threshold and window")
struct SpeechRuleTests {
    /// 500 ms of tone at 16 kHz (frames 0–24), then 30 ms fading out at −43 dBFS RMS, then silence.
    let fadingClip: [Int16] =
        TestSignals.tone(peakDBFS: -12, ms: 500, sampleRate: 16000)
        + TestSignals.tone(peakDBFS: -40, ms: 30, sampleRate: 16000)
        + TestSignals.silence(ms: 300, sampleRate: 16000)

    @Test(
        "The fade is speech only to a rule that hears it, so the last speech frame moves",
        arguments: [
            (-40.0, 10, 24),  // the default: the fade is below the threshold
            (-45.0, 10, 26),  // the whole fade is speech
            (-45.0, 20, 25),  // 20 ms windows: the one holding the fade's tail and silence is below −45
        ])
    func lastSpeechFrameFollowsTheRule(threshold: Double, windowMs: Int, frame: Int) throws {
        let u = try Utterance(
            name: "fade", sampleRate: 16000, samples: self.fadingClip, speechThresholdDBFS: threshold,
            speechWindowMs: windowMs)
        #expect(u.lastSpeechFrameIndex == frame, "speech ends at sample \(u.speechEndSample)")
    }

    @Test("A short blip after the speech counts in 10 ms windows but is diluted below the threshold in 20 ms ones")
    func windowLengthDilutesABlip() throws {
        let samples =
            TestSignals.tone(peakDBFS: -12, ms: 500, sampleRate: 16000)
            + TestSignals.tone(peakDBFS: -32.5, ms: 5, sampleRate: 16000)
            + TestSignals.silence(ms: 300, sampleRate: 16000)
        let ten = try #require(SpeechDetector.speechBounds(samples, sampleRate: 16000, thresholdDBFS: -40, windowMs: 10))
        let twenty = try #require(
            SpeechDetector.speechBounds(samples, sampleRate: 16000, thresholdDBFS: -40, windowMs: 20))
        #expect((ten.upperBound - 1) / 320 == 25)
        #expect((twenty.upperBound - 1) / 320 == 24)
    }

    @Test func noSpeechNamesTheWindowAndTheThreshold() {
        let quiet = TestSignals.tone(peakDBFS: -50, ms: 200, sampleRate: 16000)
        #expect(throws: AudioError.self) {
            try Utterance(name: "quiet", sampleRate: 16000, samples: quiet, speechThresholdDBFS: -40, speechWindowMs: 20)
        }
        do {
            _ = try Utterance(name: "quiet", sampleRate: 16000, samples: quiet, speechThresholdDBFS: -40, speechWindowMs: 20)
        } catch {
            #expect("\(error)".contains("20 ms window"), "\(error)")
        }
        #expect((try? Utterance(name: "quiet", sampleRate: 16000, samples: quiet, speechThresholdDBFS: -60)) != nil)
    }
}
