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
