import ChorusAudio
import Foundation
import Testing

@Suite struct ResamplerTests {
    @Test(arguments: [(22050, 16000), (16000, 8000), (8000, 48000), (44100, 16000)])
    func oneSecondKeepsItsLength(from: Int, to: Int) throws {
        let input = [Float](repeating: 0.1, count: from)
        let output = try Resampler.resample(input, from: from, to: to)
        #expect(abs(output.count - to) <= 16)
    }

    @Test func sineKeepsItsFrequency() throws {
        let input = (0..<22050).map { Float(0.5 * sin(2 * Double.pi * 1000 * Double($0) / 22050)) }
        let output = try Resampler.resample(input, from: 22050, to: 16000)
        // 1 kHz crosses zero 2000 times a second; allow a few at the filter's ramp-in and ramp-out.
        #expect(abs(TestSignals.zeroCrossings(output) - 2000) <= 4)
        let peak = output[1000..<15000].map(abs).max() ?? 0
        #expect(abs(peak - 0.5) < 0.02)
    }

    @Test func equalRatesReturnTheInput() throws {
        let input: [Float] = [0.1, -0.2, 0.3]
        #expect(try Resampler.resample(input, from: 16000, to: 16000) == input)
    }

    @Test func impossibleRatesThrow() {
        #expect(throws: AudioError.self) { try Resampler.resample([0], from: 0, to: 16000) }
        #expect(throws: AudioError.self) { try Resampler.resample([0], from: 8000, to: 8000 * 300) }
    }
}
