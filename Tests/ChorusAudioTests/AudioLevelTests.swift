import ChorusAudio
import Testing

@Suite struct AudioLevelTests {
    @Test func fullScaleSquareWaveIsZeroDBFS() {
        let square = (0..<1600).map { ($0 / 20) % 2 == 0 ? Int16.max : Int16.min }
        let level = square.withUnsafeBufferPointer { AudioLevel.rmsDBFS($0) }
        #expect(abs(level) < 0.01)
    }

    @Test func sineRMSIsThreeDecibelsBelowPeak() {
        let sine = TestSignals.tone(frequency: 1000, peakDBFS: -20, ms: 100, sampleRate: 16000)
        let level = sine.withUnsafeBufferPointer { AudioLevel.rmsDBFS($0) }
        #expect(abs(level - (-23.01)) < 0.05)
    }

    @Test func pcm16LEAndMuLawAgreeWithSamples() {
        let sine = TestSignals.tone(frequency: 1000, peakDBFS: -20, ms: 20, sampleRate: 8000)
        let expected = AudioLevel.rmsDBFS(sine)
        let littleEndian = sine.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        let muLaw = G711.muLawEncode(sine)
        #expect(abs(littleEndian.withUnsafeBytes { AudioLevel.rmsDBFS(pcm16LE: $0) } - expected) < 1e-9)
        #expect(abs(muLaw.withUnsafeBytes { AudioLevel.rmsDBFS(muLaw: $0) } - expected) < 0.3)
    }

    @Test func silenceAndEmptyAreMinusInfinity() {
        let zeros = [Int16](repeating: 0, count: 160)
        #expect(AudioLevel.rmsDBFS(zeros) == -Double.infinity)
        #expect(AudioLevel.rmsDBFS([]) == AudioLevel.silence)
        #expect([UInt8](repeating: 0xFF, count: 160).withUnsafeBytes { AudioLevel.rmsDBFS(muLaw: $0) } == -.infinity)
        #expect([UInt8]().withUnsafeBytes { AudioLevel.rmsDBFS(pcm16LE: $0) } == -.infinity)
    }
}
